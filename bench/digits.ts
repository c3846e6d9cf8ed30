// Thousands of digits: the exact chunk kernel (src/pi/exact-kernel.ts) against the same algorithm in C
// with GMP (bench/c/exact.c; skipped with a note where cc or libgmp-dev is missing), side by side in one
// run at P = 40,000 bits, with the obvious alternative (one BigInt division per pair) for scale, and at a
// small P beside the planner's model of it (src/pi/digits-plan.ts); the serial work of the daemon, the
// Euler numbers to E_2000, in fresh processes with the systemd unit's memory settings, in the daemon's
// thread and in a worker (src/pi/euler-worker.ts), for time and memory; and 10,000 digits end to end as the
// planner plans them for one core (the terms, the Euler numbers, the certification in a fresh process for
// its memory, and the BBP check), each beside the planner's estimate.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkHexDigits } from '../src/pi/bbp';
import { certifyEnclosure, enclosePi } from '../src/pi/certify-bits';
import { planDigits, RATES } from '../src/pi/digits-plan';
import { cachedEulerNumbers } from '../src/pi/euler';
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

/** How the systemd unit runs the daemon (systemd/mesos-panel.service; bench/daemon.ts does the same). */
const UNIT = { env: { ...process.env, MALLOC_ARENA_MAX: '2' }, args: ['--max-semi-space-size=2'] };

/**
 * Runs `body` in a fresh Node with the unit's settings; `body` awaits its work and sets `out`. Returns the
 * seconds the work took, the peak resident memory it added, and what it still added 1 s later, MB.
 */
function inFreshNode(body: string): { seconds: number; peakMb: number; afterMb: number; out: string } {
  const pi = path.join(__dirname, '..', 'src', 'pi');
  const script = `
    const pi = (m) => require(${JSON.stringify(pi)} + '/' + m);
    const rss0 = process.memoryUsage().rss, peak0 = process.resourceUsage().maxRSS * 1024;
    const t0 = process.hrtime.bigint();
    let out = '';
    (async () => {
      ${body}
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const peak = process.resourceUsage().maxRSS * 1024 - peak0;
      setTimeout(() => console.log(JSON.stringify({ seconds, peakMb: peak / 2 ** 20, afterMb: (process.memoryUsage().rss - rss0) / 2 ** 20, out })), 1000);
    })();`;
  return JSON.parse(execFileSync(process.execPath, [...UNIT.args, '-e', script], { encoding: 'utf8', env: UNIT.env }));
}

const mb = (v: number): string => `${v.toFixed(0)} MB`;

function eulerRows(): BenchRow[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-euler-'));
  try {
    const thread = inFreshNode(`pi('euler.js').eulerNumbers(1001);`);
    const worker = inFreshNode(`await pi('euler-worker.js').eulerNumbersInWorker(${JSON.stringify(dir)}, 1001);`);
    const model = RATES.eulerSecondsPerK3Log2K * 1000 ** 3 * Math.log2(1000);
    return [
      { section: SECTION, name: 'Euler numbers E_0..E_2000, in the daemon thread', value: thread.seconds, unit: 's', note: `peak +${mb(thread.peakMb)}, +${mb(thread.afterMb)} 1 s later; the planner assumes ${model.toFixed(1)} s` },
      { section: SECTION, name: 'Euler numbers E_0..E_2000, in a worker', value: worker.seconds, unit: 's', note: `peak +${mb(worker.peakMb)}, +${mb(worker.afterMb)} 1 s later` },
      { section: SECTION, name: 'Euler numbers E_0..E_2000: memory left after, worker / thread', value: worker.afterMb / thread.afterMb, unit: 'ratio', note: 'fresh Node with the unit\'s settings' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

function tenThousandDigits(): BenchRow[] {
  const plan = planDigits(10_000, { cores: 1 });
  const { terms, corrections, bits } = plan;
  const chunk = 1e5;
  let t0 = process.hrtime.bigint();
  let sum = 0n;
  let eps = 0n;
  for (let a = 0; a < terms; a += chunk) {
    const r = exactChunk(a, a + chunk, bits);
    sum += r.sum;
    eps += BigInt(r.bound);
  }
  const termSeconds = seconds(t0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-digits-'));
  try {
    t0 = process.hrtime.bigint();
    const euler = cachedEulerNumbers(dir, corrections + 1);
    const eulerSeconds = seconds(t0);
    t0 = process.hrtime.bigint();
    const certified = certifyEnclosure(enclosePi(sum, eps, terms, corrections, euler, bits));
    const certifySeconds = seconds(t0);
    // Again in a fresh process, for the memory the certification adds to a daemon that holds the numbers.
    const fresh = inFreshNode(`
      const e = pi('euler.js').storedEulerNumbers(${JSON.stringify(dir)}, ${corrections + 1});
      const c = pi('certify-bits.js');
      out = String(c.certifyEnclosure(c.enclosePi(${sum}n, ${eps}n, ${terms}, ${corrections}, e, ${bits})).decimals);`);
    t0 = process.hrtime.bigint();
    const check = checkHexDigits(certified.digits);
    const checkSeconds = seconds(t0);
    const terms1 = plan.clusterSeconds - RATES.startupSeconds;
    return [
      { section: SECTION, name: '10,000 digits: decimals certified', value: certified.decimals, unit: 'decimals', note: plan.why },
      { section: SECTION, name: '10,000 digits: the terms', value: termSeconds, unit: 's', note: `exact kernel, one core; planned ${terms1.toFixed(1)} s at ${RATES.frameworkEfficiency} framework efficiency` },
      { section: SECTION, name: `10,000 digits: E_0..E_${2 * corrections}`, value: eulerSeconds, unit: 's', note: `serial, in the daemon; planned ${plan.eulerSeconds.toFixed(1)} s` },
      { section: SECTION, name: '10,000 digits: certification', value: certifySeconds, unit: 's', note: `enclosure and common prefix; in a fresh process, with reading the stored Euler numbers: ${fresh.seconds.toFixed(2)} s, peak +${mb(fresh.peakMb)} (${fresh.out} decimals)` },
      { section: SECTION, name: '10,000 digits: BBP check', value: checkSeconds, unit: 's', note: check.ok ? `hex ${check.bbp} at ${check.position} agrees` : `MISMATCH: BBP ${check.bbp}, certified ${check.certified}` },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The exact kernel at a small and a large P beside the planner's per-term model, measured / modelled time. */
function kernelModelRows(): BenchRow[] {
  return [4000, BITS].map((bits) => {
    const t0 = process.hrtime.bigint();
    exactChunk(START, START + TERMS, bits);
    const measured = seconds(t0) / TERMS;
    const model = RATES.kernelSecondsPerTerm + RATES.kernelSecondsPerTermPerBit * bits;
    return { section: SECTION, name: `exact kernel at ${bits} bits, time measured / planner's model`, value: measured / model, unit: 'ratio', note: `${(1 / measured / 1e3).toFixed(0)} k terms/s; the model ${(1 / model / 1e3).toFixed(0)} k` };
  });
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
  rows.push(...kernelModelRows(), ...eulerRows(), ...tenThousandDigits());
  // What the README estimates for four Raspberry Pi 4s: 16 task slots at a sixth of an idle core here.
  const pis = planDigits(10_000, { cores: 16, agents: 4, coreSpeed: 0.16 });
  rows.push({ section: SECTION, name: '10,000 digits on four Pi 4s, planned', value: pis.wallSeconds, unit: 's', note: pis.why });
  return rows;
}
