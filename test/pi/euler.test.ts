import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cachedEulerNumbers, eulerNumbers, secantNumbers } from '../../src/pi/euler';

/** E_{2n} by Σ_{k≤n} C(2n,2k)·E_{2k} = 0, an independent recurrence. */
function byBinomials(count: number): bigint[] {
  const e: bigint[] = [1n];
  for (let n = 1; n < count; n++) {
    let binom = 1n;
    let sum = 0n;
    for (let k = 0; k < n; k++) {
      sum += binom * e[k];
      const j = BigInt(2 * k);
      binom = (binom * (BigInt(2 * n) - j) * (BigInt(2 * n) - j - 1n)) / ((j + 1n) * (j + 2n));
    }
    e.push(-sum);
  }
  return e;
}

describe('Euler numbers by the secant-number algorithm', () => {
  test('agree with the binomial recurrence up to E_300', () => {
    expect(eulerNumbers(151)).toEqual(byBinomials(151));
  });

  test('E_0 alone, none, and nonsense counts', () => {
    expect(eulerNumbers(1)).toEqual([1n]);
    expect(eulerNumbers(0)).toEqual([]);
    expect(() => eulerNumbers(-1)).toThrow(/non-negative integer/);
    expect(() => eulerNumbers(1.5)).toThrow(/non-negative integer/);
  });

  test('a pass at a time: a pause after each of the count − 1 passes, then the same numbers', () => {
    const passes = secantNumbers(40);
    let pauses = 0;
    let pass = passes.next();
    for (; !pass.done; pass = passes.next()) pauses++;
    expect(pauses).toBe(39);
    expect(pass.value).toEqual(byBinomials(40));
  });
});

describe('Euler numbers kept in the state directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'euler-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (): string => path.join(dir, 'euler-numbers.txt');

  test('are written once and read back, not recomputed', () => {
    expect(cachedEulerNumbers(dir, 40)).toEqual(eulerNumbers(40));
    // A stored list is what a restarted daemon uses: replace it by a self-consistent file holding other
    // numbers, and those come back (computing them would have given the true ones).
    const body = ['1', '2', '3'].join('\n');
    const digest = createHash('sha256').update(body).digest('hex');
    fs.writeFileSync(file(), `mesos-panel euler v1 3 ${digest}\n${body}\n`);
    expect(cachedEulerNumbers(dir, 2)).toEqual([1n, 2n]);
  });

  test('a larger request extends the file; a smaller one reads a prefix', () => {
    cachedEulerNumbers(dir, 5);
    expect(cachedEulerNumbers(dir, 30)).toEqual(eulerNumbers(30));
    expect(fs.readFileSync(file(), 'utf8').split('\n')[0]).toMatch(/^mesos-panel euler v1 30 [0-9a-f]{64}$/);
    expect(cachedEulerNumbers(dir, 3)).toEqual([1n, -1n, 5n]);
  });

  test('a truncated, altered or foreign file is recomputed and rewritten', () => {
    cachedEulerNumbers(dir, 20);
    const good = fs.readFileSync(file(), 'utf8');
    const damaged = [good.slice(0, good.length - 9), good.replace(/\n1\n/, '\n3\n').replace(/\n-1\n/, '\n-3\n'), 'garbage', ''];
    for (const text of damaged) {
      fs.writeFileSync(file(), text);
      expect(cachedEulerNumbers(dir, 20)).toEqual(eulerNumbers(20));
      expect(fs.readFileSync(file(), 'utf8')).toBe(good);
    }
    expect(fs.readdirSync(dir)).toEqual(['euler-numbers.txt']);
  });

  test('a temporary left by a writer killed mid-write is removed by the next write, and nothing else is', () => {
    fs.writeFileSync(path.join(dir, 'euler-numbers.txt.4242.tmp'), 'half a fi');
    fs.writeFileSync(path.join(dir, 'pi-ledger.json'), '{}');
    fs.writeFileSync(path.join(dir, 'euler-numbers.txt.old.tmp'), 'not ours');
    expect(cachedEulerNumbers(dir, 10)).toEqual(eulerNumbers(10));
    expect(fs.readdirSync(dir).sort()).toEqual(['euler-numbers.txt', 'euler-numbers.txt.old.tmp', 'pi-ledger.json']);
  });
});
