// Thousands of digits: the exact chunk kernel (src/pi/exact-kernel.ts) against the same algorithm in C
// with GMP (bench/c/exact.c; skipped with a note where cc or libgmp-dev is missing), side by side in one
// run at P = 40,000 bits, with the obvious alternative (one BigInt division per pair) for scale; and the
// serial work of the daemon, the Euler numbers to E_2000, in a fresh process for its time and memory; and
// 10,000 digits end to end in this process (N = 10^6 terms, K = 1450 corrections, P = 33,300 bits: the
// terms, the Euler numbers, the certification and the BBP check, each timed).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { checkHexDigits } from '../src/pi/bbp';
import { certifyEnclosure, enclosePi } from '../src/pi/certify-bits';
import { eulerNumbers } from '../src/pi/euler';
import { exactChunk, GROUP_PAIRS } from '../src/pi/exact-kernel';
import { compileC } from './compile-c';
import type { BenchRow } from './types';

const SECTION = 'pi digits';
const ROUNDS = 5;
const BITS = 40_000;
const START = 1e8;
const TERMS = 40_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeJs(): { seconds: number; sum: bigint } {
  const t0 = process.hrtime.bigint();
  const { sum } = exactChunk(START, START + TERMS, BITS);
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, sum };
}

/** What grouping replaces: floor(8·2^P / (d(d+2))) for every pair, V8's division by one small number. */
function perPairKterms(): number {
  const one = 8n << BigInt(BITS);
  const terms = 4000;
  const t0 = process.hrtime.bigint();
  let s = 0n;
  for (let d = 2 * START + 1; d < 2 * (START + terms); d += 4) s += one / (BigInt(d) * BigInt(d + 2));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return s > 0n ? terms / seconds / 1e3 : 0;
}

/** E_0 … E_2000 in a fresh process: seconds and the peak resident memory it added to an idle Node. */
function eulerCost(): { seconds: number; extraMb: number } {
  const euler = path.join(__dirname, '..', 'src', 'pi', 'euler.js');
  const script = `
    const before = process.resourceUsage().maxRSS;
    const t0 = process.hrtime.bigint();
    require(${JSON.stringify(euler)}).eulerNumbers(1001);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(s, (process.resourceUsage().maxRSS - before) / 1024);`;
  const [seconds, extraMb] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { seconds, extraMb };
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

function tenThousandDigits(): BenchRow[] {
  const [terms, corrections, bits, chunk] = [1e6, 1450, 33_300, 1e5];
  let t0 = process.hrtime.bigint();
  let sum = 0n;
  let eps = 0n;
  for (let a = 0; a < terms; a += chunk) {
    const r = exactChunk(a, a + chunk, bits);
    sum += r.sum;
    eps += BigInt(r.bound);
  }
  const termSeconds = seconds(t0);
  t0 = process.hrtime.bigint();
  const euler = eulerNumbers(corrections + 1);
  const eulerSeconds = seconds(t0);
  t0 = process.hrtime.bigint();
  const certified = certifyEnclosure(enclosePi(sum, eps, terms, corrections, euler, bits));
  const certifySeconds = seconds(t0);
  t0 = process.hrtime.bigint();
  const check = checkHexDigits(certified.digits);
  const checkSeconds = seconds(t0);
  const job = `N = 1e6, K = ${corrections}, P = ${bits} bits, one process`;
  return [
    { section: SECTION, name: '10,000 digits: decimals certified', value: certified.decimals, unit: 'decimals', note: job },
    { section: SECTION, name: '10,000 digits: the terms', value: termSeconds, unit: 's', note: 'exact kernel, one core' },
    { section: SECTION, name: `10,000 digits: E_0..E_${2 * corrections}`, value: eulerSeconds, unit: 's', note: 'serial, in the daemon' },
    { section: SECTION, name: '10,000 digits: certification', value: certifySeconds, unit: 's', note: 'enclosure and common prefix' },
    { section: SECTION, name: '10,000 digits: BBP check', value: checkSeconds, unit: 's', note: check.ok ? `hex ${check.bbp} at ${check.position} agrees` : `MISMATCH: BBP ${check.bbp}, certified ${check.certified}` },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { exe, note, cleanup } = compileC('exact.c', [], ['-lgmp']);
  try {
    exactChunk(START, START + 4000, BITS); // warm-up
    const js: number[] = [];
    const c: number[] = [];
    let jsSum = 0n;
    let cSum: bigint | null = null;
    for (let r = 0; r < ROUNDS; r++) {
      const j = timeJs();
      js.push(TERMS / j.seconds / 1e3);
      jsSum = j.sum;
      if (exe) {
        const out = execFileSync(exe, [String(START), String(START + TERMS), String(BITS), String(GROUP_PAIRS)], { encoding: 'utf8' }).trim().split(' ');
        c.push(TERMS / Number(out[0]) / 1e3);
        cSum = BigInt(`0x${out[2]}`);
      }
    }
    const where = `chunk [1e8, 1e8+${TERMS}) at ${BITS} bits, ${GROUP_PAIRS} pairs a group, median of ${ROUNDS} interleaved rounds`;
    rows.push({ section: SECTION, name: 'exact kernel, JS', value: median(js), unit: 'kterms/s', note: where });
    rows.push({ section: SECTION, name: 'one division per pair, JS', value: perPairKterms(), unit: 'kterms/s', note: 'the obvious kernel, for scale' });
    if (exe && cSum !== null) {
      rows.push({ section: SECTION, name: 'exact kernel, C + GMP', value: median(c), unit: 'kterms/s', note });
      rows.push({ section: SECTION, name: 'exact kernel, JS / GMP', value: median(js.map((v, i) => v / c[i])), unit: 'ratio', note: 'per core, same algorithm; target >= 0.5' });
      rows.push({ section: SECTION, name: 'exact kernel, JS and GMP bit-identical', value: cSum === jsSum ? 'yes' : 'NO', unit: '', note: `${BITS}-bit sum` });
    } else {
      rows.push({ section: SECTION, name: 'exact kernel, C + GMP', value: '-', unit: '', note });
    }
  } finally {
    cleanup();
  }
  const e = eulerCost();
  rows.push({ section: SECTION, name: 'Euler numbers E_0..E_2000', value: e.seconds, unit: 's', note: 'boustrophedon triangle, fresh process' });
  rows.push({ section: SECTION, name: 'Euler numbers E_0..E_2000, memory', value: e.extraMb, unit: 'MB', note: 'peak RSS above an idle Node' });
  rows.push(...tenThousandDigits());
  return rows;
}
