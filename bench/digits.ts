// Thousands of digits: the exact chunk kernel (src/pi/exact-kernel.ts) against the same algorithm in C with
// GMP (bench/c/exact.c; skipped with a note where cc or libgmp-dev is missing), side by side in one run at
// P = 40,000 bits in CPU time (the speed per core, whatever else the machine runs), at the same group size and
// at GMP's best, with other group sizes and the obvious alternative (one BigInt division per pair) for the
// choice, V8's and GMP's product and division at the kernel's sizes for why the ratio is what it is
// (bench/c/mpz-ops.c, with a Newton division and a WebAssembly product beside V8's), and at a small P beside
// the planner's model of it (src/pi/digits-plan.ts); the serial work of the daemon, the Euler numbers
// to E_2000, in fresh processes with the systemd unit's memory settings, in the daemon's thread, in a worker
// thread and in a child process (src/pi/euler-worker.ts), for time and memory; and 10,000 digits end to end
// as the planner plans them for one core (the terms, the Euler numbers, the certification in a fresh process
// for its memory, and the BBP check), each beside the planner's estimate.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkHexDigits } from '../src/pi/bbp';
import { certifyEnclosure, enclosePi } from '../src/pi/certify-bits';
import { planDigits, RATES } from '../src/pi/digits-plan';
import { storedEulerNumbers } from '../src/pi/euler';
import { exactChunk, GROUP_PAIRS, sumInGroups } from '../src/pi/exact-kernel';
import { compileC } from './compile-c';
import { newtonDivide } from './newton-division';
import { wasmSchoolbook } from './wasm-limbs';
import type { BenchRow } from './types';

const SECTION = 'pi digits';
const ROUNDS = 5;
const BITS = 40_000;
const START = 1e8;
const TERMS = 40_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Group sizes measured beside GROUP_PAIRS, in C for GMP's best and in JS for the choice; the last is the whole chunk. */
const GROUPS = [128, 256, 1024, 2048, TERMS / 2];

/** Process CPU seconds of `body` (Node's threads, its garbage collector's included). */
function cpuSeconds(body: () => void): number {
  const t0 = process.cpuUsage();
  body();
  const used = process.cpuUsage(t0);
  return (used.user + used.system) / 1e6;
}

function timeJs(groupPairs: number): { seconds: number; sum: bigint } {
  let sum = 0n;
  const seconds = cpuSeconds(() => {
    sum = sumInGroups(START, TERMS / 2, BITS, groupPairs);
  });
  return { seconds, sum };
}

/** What grouping replaces: floor(8·2^P / (d(d+2))) for every pair, V8's division by one small number. */
function perPairKterms(): number {
  const one = 8n << BigInt(BITS);
  const terms = 4000;
  let s = 0n;
  const seconds = cpuSeconds(() => {
    for (let d = 2 * START + 1; d < 2 * (START + terms); d += 4) s += one / (BigInt(d) * BigInt(d + 2));
  });
  return s > 0n ? terms / seconds / 1e3 : 0;
}

/**
 * The kernel's two operations at its sizes, V8 beside GMP (bench/c/mpz-ops.c, the same operands): the top
 * product of a group's splitting (256 pairs a side, ~14,300 bits) and its division, floor(p·2^P / q).
 */
const OPS: { op: 'mul' | 'div'; x: number; y: number; what: string }[] = [
  { op: 'mul', x: 14_336, y: 14_336, what: 'two 14336-bit numbers (a group\'s top merge)' },
  { op: 'div', x: BITS + 28_672, y: 28_672, what: `${BITS + 28_672} by 28672 bits (a group's floor(p·2^P / q))` },
];

/** base^ceil(bits / log2 base), as bench/c/mpz-ops.c builds it. */
const powerOf = (base: bigint, bits: number): bigint => base ** BigInt(Math.ceil(bits / Math.log2(Number(base))));

/** Best of five rounds of `reps` calls of `body`, CPU seconds a call. */
function bestSeconds(reps: number, body: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    best = Math.min(best, cpuSeconds(() => {
      for (let i = 0; i < reps; i++) body();
    }) / reps);
  }
  return best;
}

/** The product of the first row of OPS by schoolbook in WebAssembly (bench/wasm-limbs.ts) against V8's. */
function wasmRow(): BenchRow {
  const { x, y, multiply } = wasmSchoolbook(OPS[0].x / 32);
  const wasm = bestSeconds(200, multiply);
  const v8 = bestSeconds(200, () => x * y);
  return {
    section: SECTION, name: 'product in WebAssembly, schoolbook on 32-bit limbs / V8 BigInt', value: v8 / wasm, unit: 'ratio',
    note: `speed, ${OPS[0].x} bits a side: ${(wasm * 1e6).toFixed(0)} vs ${(v8 * 1e6).toFixed(0)} µs; Karatsuba, four levels at best 3/4 each, would leave ${(wasm * 0.75 ** 4 * 1e6).toFixed(0)} µs`,
  };
}

/** The division of OPS by a Newton reciprocal (bench/newton-division.ts) against V8's division. */
function newtonRow(): BenchRow {
  const { x, y } = OPS[1];
  const a = powerOf(3n, x);
  const b = powerOf(7n, y);
  if (newtonDivide(a, b) !== a / b) throw new Error('the Newton division disagrees with V8\'s');
  const newton = bestSeconds(50, () => newtonDivide(a, b));
  const v8 = bestSeconds(50, () => a / b);
  return {
    section: SECTION, name: 'division by a Newton reciprocal / V8 BigInt division', value: v8 / newton, unit: 'ratio',
    note: `speed, ${x} by ${y} bits: ${(newton * 1e6).toFixed(0)} vs ${(v8 * 1e6).toFixed(0)} µs`,
  };
}

function opRows(): BenchRow[] {
  const { exe, note, cleanup } = compileC('mpz-ops.c', [], ['-lgmp', '-lm']);
  try {
    return OPS.map(({ op, x, y, what }) => {
      const a = powerOf(3n, x);
      const b = powerOf(7n, y);
      const reps = 200;
      const js = bestSeconds(reps, op === 'mul' ? () => a * b : () => a / b);
      const name = `${op === 'mul' ? 'product' : 'division'} at the kernel's sizes, V8 / GMP speed`;
      if (!exe) return { section: SECTION, name, value: '-', unit: '', note };
      const c = Number(execFileSync(exe, [op, String(x), String(y), String(reps)], { encoding: 'utf8' }));
      return { section: SECTION, name, value: c / js, unit: 'ratio', note: `${what}: ${(js * 1e6).toFixed(0)} vs ${(c * 1e6).toFixed(0)} µs` };
    });
  } finally {
    cleanup();
  }
}

/** How the systemd unit runs the daemon (systemd/mesos-panel.service; bench/daemon.ts does the same). */
const UNIT = { env: { ...process.env, MALLOC_ARENA_MAX: '2' }, args: ['--max-semi-space-size=2'] };

/**
 * Runs `body` in a fresh Node with the unit's settings; `body` awaits its work and sets `out`. Returns the
 * seconds the work took, the peak resident memory it added, and what it still added 1 s later, MB, with the
 * modules loaded before, as the daemon loads them when it starts.
 */
function inFreshNode(body: string): { seconds: number; peakMb: number; afterMb: number; out: string } {
  const pi = path.join(__dirname, '..', 'src', 'pi');
  const script = `
    const pi = (m) => require(${JSON.stringify(pi)} + '/' + m);
    pi.dir = ${JSON.stringify(pi)};
    pi('euler-worker.js'), pi('certify-bits.js'), require('node:worker_threads');
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

/** A worker thread doing what the child does, as src/pi/euler-worker.ts did before it forked a child instead. */
const IN_WORKER = `
  const { Worker } = require('node:worker_threads');
  const heap = pi('euler-worker.js').workerHeapMb(pi('euler.js').eulerMb(COUNT));
  const code = "const w = require('node:worker_threads'); w.parentPort.postMessage(require(w.workerData.euler).cachedEulerNumbers(w.workerData.dir, w.workerData.count));";
  await new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { euler: pi.dir + '/euler.js', dir: DIR, count: COUNT }, resourceLimits: { maxOldGenerationSizeMb: heap, maxYoungGenerationSizeMb: 4 } });
    w.once('message', resolve);
    w.once('error', reject);
  });`;

/** The child as the daemon starts it; `out` is the child's own peak resident memory, read from /proc while it runs. */
const IN_CHILD = `
  const fs = require('node:fs');
  let childPeak = 0, child = 0;
  const watch = setInterval(() => {
    if (!child) {
      for (const e of fs.readdirSync('/proc')) {
        try { if (fs.readFileSync('/proc/' + e + '/stat', 'utf8').split(') ')[1].split(' ')[1] == process.pid) child = Number(e); } catch {}
      }
    }
    try { childPeak = Math.max(childPeak, Number(/VmHWM:\\s+(\\d+)/.exec(fs.readFileSync('/proc/' + child + '/status', 'utf8'))[1])); } catch {}
  }, 10);
  await pi('euler-worker.js').eulerNumbersInWorker(DIR, COUNT);
  clearInterval(watch);
  out = String(childPeak / 1024);`;

function eulerRows(): BenchRow[] {
  const count = 1001;
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-euler-')));
  const body = (code: string, dir: string): string => code.replace(/COUNT/g, String(count)).replace(/DIR/g, JSON.stringify(dir));
  try {
    const thread = inFreshNode(`pi('euler.js').eulerNumbers(${count});`);
    const worker = inFreshNode(body(IN_WORKER, dirs[0]));
    const child = inFreshNode(body(IN_CHILD, dirs[1]));
    const model = RATES.eulerSecondsPerK3Log2K * 1000 ** 3 * Math.log2(1000);
    const daemon = (r: { peakMb: number; afterMb: number }): string => `peak +${mb(r.peakMb)}, +${mb(r.afterMb)} 1 s later`;
    return [
      { section: SECTION, name: 'Euler numbers E_0..E_2000, in the daemon thread', value: thread.seconds, unit: 's', note: `${daemon(thread)}; the planner assumes ${model.toFixed(1)} s` },
      { section: SECTION, name: 'Euler numbers E_0..E_2000, in a worker thread', value: worker.seconds, unit: 's', note: daemon(worker) },
      { section: SECTION, name: 'Euler numbers E_0..E_2000, in a child process', value: child.seconds, unit: 's', note: `the daemon's ${daemon(child)}; the child's own peak ${mb(Number(child.out))}` },
      { section: SECTION, name: 'Euler numbers E_0..E_2000: daemon peak, child / worker', value: child.peakMb / worker.peakMb, unit: 'ratio', note: `fresh Node with the unit's settings; 1 s later ${(child.afterMb / worker.afterMb).toFixed(2)}` },
    ];
  } finally {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
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
    // As the daemon builds them, in a fresh process for the memory it adds: in a child, into the state directory.
    const built = inFreshNode(`await pi('euler-worker.js').eulerNumbersInWorker(${JSON.stringify(dir)}, ${corrections + 1});`);
    const euler = storedEulerNumbers(dir, corrections + 1);
    if (!euler) throw new Error(`the Euler numbers' child left no intact file in ${dir}`);
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
      { section: SECTION, name: `10,000 digits: E_0..E_${2 * corrections}`, value: built.seconds, unit: 's', note: `serial, in a child of the daemon, whose RSS peaks at +${mb(built.peakMb)}; planned ${plan.eulerSeconds.toFixed(1)} s` },
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
    const sizes = [GROUP_PAIRS, ...GROUPS];
    const js = new Map<number, number[]>(sizes.map((g) => [g, []]));
    const c = new Map<number, number[]>(sizes.map((g) => [g, []]));
    let jsSum = 0n;
    let cSum: bigint | null = null;
    for (let r = 0; r < ROUNDS; r++) {
      for (const g of sizes) {
        const j = timeJs(g);
        js.get(g)?.push(TERMS / j.seconds / 1e3);
        if (g === GROUP_PAIRS) jsSum = j.sum;
      }
      if (exe) {
        const lines = execFileSync(exe, [String(START), String(START + TERMS), String(BITS), ...sizes.map(String)], { encoding: 'utf8' }).trim().split('\n');
        for (const line of lines) {
          const [g, secs, , hex] = line.split(' ');
          c.get(Number(g))?.push(TERMS / Number(secs) / 1e3);
          if (Number(g) === GROUP_PAIRS) cSum = BigInt(`0x${hex}`);
        }
      }
    }
    const jsRate = median(js.get(GROUP_PAIRS) ?? []);
    const where = `chunk [1e8, 1e8+${TERMS}) at ${BITS} bits, ${GROUP_PAIRS} pairs a group, CPU time, median of ${ROUNDS} interleaved rounds`;
    rows.push({ section: SECTION, name: 'exact kernel, JS', value: jsRate, unit: 'kterms/s', note: where });
    for (const g of GROUPS) {
      const what = g === TERMS / 2 ? 'the whole chunk as one fraction, one division' : `${g} pairs a group`;
      rows.push({ section: SECTION, name: `exact kernel, JS, ${what} / ${GROUP_PAIRS}`, value: median(js.get(g) ?? []) / jsRate, unit: 'ratio', note: 'speed; the bound is the group count' });
    }
    rows.push({ section: SECTION, name: 'one division per pair, JS', value: perPairKterms(), unit: 'kterms/s', note: 'the obvious kernel, for scale' });
    if (exe && cSum !== null) {
      const cRates = sizes.map((g) => ({ g, rate: median(c.get(g) ?? []) }));
      const best = cRates.reduce((x, y) => (y.rate > x.rate ? y : x));
      const cRate = median(c.get(GROUP_PAIRS) ?? []);
      rows.push({ section: SECTION, name: 'exact kernel, C + GMP', value: cRate, unit: 'kterms/s', note: `${note}; the same ${GROUP_PAIRS} pairs a group` });
      rows.push({ section: SECTION, name: 'exact kernel, C + GMP at its best group size', value: best.rate, unit: 'kterms/s', note: `${best.g} pairs a group; measured ${cRates.map((x) => `${x.g}: ${x.rate.toFixed(0)}`).join(', ')}` });
      rows.push({ section: SECTION, name: 'exact kernel, JS / GMP', value: jsRate / cRate, unit: 'ratio', note: 'per core, same algorithm and grouping' });
      rows.push({ section: SECTION, name: 'exact kernel, JS / GMP at its best', value: jsRate / best.rate, unit: 'ratio', note: 'per core; target >= 0.5' });
      rows.push({ section: SECTION, name: 'exact kernel, JS and GMP bit-identical', value: cSum === jsSum ? 'yes' : 'NO', unit: '', note: `${BITS}-bit sum` });
    } else {
      rows.push({ section: SECTION, name: 'exact kernel, C + GMP', value: '-', unit: '', note });
    }
  } finally {
    cleanup();
  }
  rows.push(...opRows(), newtonRow(), wasmRow());
  rows.push(...kernelModelRows(), ...eulerRows(), ...tenThousandDigits());
  // What the README estimates for four Raspberry Pi 4s: 16 task slots at a sixth of an idle core here.
  const pis = planDigits(10_000, { cores: 16, agents: 4, coreSpeed: 0.16 });
  rows.push({ section: SECTION, name: '10,000 digits on four Pi 4s, planned', value: pis.wallSeconds, unit: 's', note: pis.why });
  return rows;
}
