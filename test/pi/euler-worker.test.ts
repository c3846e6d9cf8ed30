import { spawn } from 'node:child_process';
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

/** A child script that must not be started, or that fails at once. */
function failingScript(body: string): string {
  const file = path.join(dir, 'failing.js');
  fs.writeFileSync(file, body);
  return file;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether process `pid` still runs (a zombie has ended; only its parent has not reaped it yet). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pid of the live child of `parent` running `script`, waiting for it to start. */
async function childOf(parent: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === parent && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(script)) return Number(entry);
      } catch {
        // A process that ended meanwhile.
      }
    }
    await sleep(50);
  }
  throw new Error(`process ${parent} started no child running ${script}`);
}

/** Waits up to ten seconds for process `pid` to end; whether it did. */
async function ends(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && running(pid); i++) await sleep(50);
  return !running(pid);
}

describe('Euler numbers in a child process', () => {
  test('are those of this thread, and are left in the state directory', async () => {
    expect(await eulerNumbersInWorker(dir, 300, script)).toEqual(eulerNumbers(300));
    expect(storedEulerNumbers(dir, 300)).toEqual(eulerNumbers(300));
  });

  test('a second job reads them from the state directory and starts no child', async () => {
    await eulerNumbersInWorker(dir, 50, script);
    const broken = failingScript('throw new Error("started")');
    expect(await eulerNumbersInWorker(dir, 40, broken)).toEqual(eulerNumbers(40));
    await expect(eulerNumbersInWorker(dir, 60, broken)).rejects.toThrow(/started/);
  });

  test('without the compiled script (the TypeScript sources running) they are built in this thread', async () => {
    expect(await eulerNumbersInWorker(dir, 30, path.join(dir, 'missing.js'))).toEqual(eulerNumbers(30));
    expect(storedEulerNumbers(dir, 30)).toEqual(eulerNumbers(30));
  });

  test('a state directory it cannot write is one line naming it', async () => {
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, '');
    await expect(eulerNumbersInWorker(file, 20, script)).rejects.toThrow(
      new RegExp(`^Euler numbers E_0 … E_38 could not be built: EEXIST: [^\\n]*; check that the state directory ${file} is writable$`),
    );
  });

  test('a child that throws, runs out of its heap, or exits without answering is one line, not a crash', async () => {
    await expect(eulerNumbersInWorker(dir, 20, failingScript('throw new Error("boom\\nmore")'))).rejects.toThrow(
      /^Euler numbers E_0 … E_38 were not built: their child process stopped \(exit code 1\) with Error: boom before it answered; start the job again$/,
    );
    const hog = failingScript('const a = []; for (;;) a.push(new Array(1e5).fill(1.5));');
    await expect(eulerNumbersInWorker(dir, 20, hog)).rejects.toThrow(
      new RegExp(`^Euler numbers E_0 … E_38 needed more than their child process's ${workerHeapMb(eulerMb(20))} MB heap; ask for fewer digits$`),
    );
    await expect(eulerNumbersInWorker(dir, 20, failingScript(''))).rejects.toThrow(/^Euler numbers E_0 … E_38 were not built: their child process stopped \(exit code 0\) before it answered/);
  });

  test('a killed child is one line, leaves no process, and the job can ask again', async () => {
    const job = eulerNumbersInWorker(dir, 2500, script);
    const pid = await childOf(process.pid);
    process.kill(pid, 'SIGKILL');
    await expect(job).rejects.toThrow(
      /^Euler numbers E_0 … E_4998 were not built: their child process was killed by SIGKILL \(the kernel does so when memory runs out\); start the job again, or ask for fewer digits$/,
    );
    expect(running(pid)).toBe(false);
    expect(storedEulerNumbers(dir, 1)).toBeNull();
    expect(await eulerNumbersInWorker(dir, 300, script)).toEqual(eulerNumbers(300));
  });

  test('a daemon that is SIGKILLed takes its child with it', async () => {
    const daemon = spawn(process.execPath, ['-e', `require(${JSON.stringify(script)}).eulerNumbersInWorker(${JSON.stringify(dir)}, 4000)`], { stdio: 'ignore' });
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    let pid = 0;
    try {
      pid = await childOf(daemon.pid!);
      daemon.kill('SIGKILL');
      await exited;
      expect(await ends(pid)).toBe(true);
    } finally {
      daemon.kill('SIGKILL');
      await exited;
      if (pid && running(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('the size it is planned for bounds the real numbers closely, and the heap follows it', () => {
    const real = eulerNumbers(600).reduce((bits, e) => bits + (e < 0n ? -e : e).toString(2).length, 0) / 8 / 2 ** 20;
    expect(eulerMb(600)).toBeGreaterThanOrEqual(real);
    expect(eulerMb(600)).toBeLessThan(real * 1.01);
    expect(workerHeapMb(eulerMb(600))).toBe(Math.ceil(16 + 3 * real));
  });
});
