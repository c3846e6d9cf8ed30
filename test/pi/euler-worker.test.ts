import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eulerMb, eulerNumbers, storedEulerNumbers } from '../../src/pi/euler';
import { eulerNumbersInWorker, workerHeapMb } from '../../src/pi/euler-worker';
import { transpileTree } from './executor-harness';

let build: string;
let script: string;
let dir: string;

beforeAll(() => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'euler-worker-build-'));
  script = transpileTree(path.resolve(__dirname, '../../src/pi/euler-worker.ts'), build);
});
afterAll(() => fs.rmSync(build, { recursive: true, force: true }));
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'euler-worker-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A worker script that must not be started: it fails at once. */
function failingScript(body: string): string {
  const file = path.join(dir, 'failing.js');
  fs.writeFileSync(file, body);
  return file;
}

describe('Euler numbers in a worker thread', () => {
  test('are those of this thread, and are left in the state directory', async () => {
    expect(await eulerNumbersInWorker(dir, 300, script)).toEqual(eulerNumbers(300));
    expect(storedEulerNumbers(dir, 300)).toEqual(eulerNumbers(300));
  });

  test('a second job reads them from the state directory and starts no worker', async () => {
    await eulerNumbersInWorker(dir, 50, script);
    const broken = failingScript('throw new Error("started")');
    expect(await eulerNumbersInWorker(dir, 40, broken)).toEqual(eulerNumbers(40));
    await expect(eulerNumbersInWorker(dir, 60, broken)).rejects.toThrow(/started/);
  });

  test('without the compiled worker (the TypeScript sources running) they are built in this thread', async () => {
    expect(await eulerNumbersInWorker(dir, 30, path.join(dir, 'missing.js'))).toEqual(eulerNumbers(30));
    expect(storedEulerNumbers(dir, 30)).toEqual(eulerNumbers(30));
  });

  test('a worker that fails, runs out of its heap, or exits without answering is one line, not a crash', async () => {
    await expect(eulerNumbersInWorker(dir, 20, failingScript('throw new Error("boom\\nmore")'))).rejects.toThrow(
      /^Euler numbers E_0 … E_38 failed: boom; ask for fewer digits$/,
    );
    const hog = failingScript('const a = []; for (;;) a.push(new Array(1e5).fill(1.5));');
    await expect(eulerNumbersInWorker(dir, 20, hog)).rejects.toThrow(
      new RegExp(`^Euler numbers E_0 … E_38 needed more than the worker's ${workerHeapMb(eulerMb(20))} MB heap; ask for fewer digits$`),
    );
    await expect(eulerNumbersInWorker(dir, 20, failingScript(''))).rejects.toThrow(/^Euler numbers E_0 … E_38: the worker stopped \(code 0\) before it answered/);
  });

  test('the size it is planned for bounds the real numbers closely, and the heap follows it', () => {
    const real = eulerNumbers(600).reduce((bits, e) => bits + (e < 0n ? -e : e).toString(2).length, 0) / 8 / 2 ** 20;
    expect(eulerMb(600)).toBeGreaterThanOrEqual(real);
    expect(eulerMb(600)).toBeLessThan(real * 1.01);
    expect(workerHeapMb(eulerMb(600))).toBe(Math.ceil(16 + 3 * real));
  });
});
