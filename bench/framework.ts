// Framework efficiency, how much of the agents' raw speed a job keeps: a whole job through the π framework
// on the simulated cluster (real master API, real agents, the real executor bundle in child processes), as total terms/s divided by
// executors × the single-process kernel speed measured in this run. The simulated agents get one task slot
// each and there are as many agents as cores, so a perfect framework scores 1.0. On a machine shared with
// other work the executors get less CPU than the single process did, so the split is reported too: the share
// of wall time the executors computed (the framework's cost) and their speed per wall and per CPU second (the
// machine's). Plus the baseline the issue replaces: one tiny task per term pair (the smallest range the
// executor accepts), for a fixed few seconds; and the task slots a 4-cpu Pi offers for two taskCpus values.
// And a job asked for by digits: exact chunks at 33,400 bits for 10,000 decimals, its efficiency measured the
// same way against the exact kernel's single-process speed, and its serial tail (Euler numbers, certification,
// BBP check in the daemon) timed apart. Both jobs also run with the previous chunk sizing (one step of up to
// 1000× from the first timed chunk, the tail in one piece per slot), side by side with the default.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log';
import { executorBundle } from '../src/pi/executor-bundle';
import { ExecutorServer } from '../src/pi/executor-server';
import { type KernelName, runKernel } from '../src/pi/kernel';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from '../src/pi/chunk-sizing';
import type { Launch } from '../src/pi/ledger';
import { type TaskResources, tasksForOffer } from '../src/pi/offers';
import { exactChunk } from '../src/pi/exact-kernel';
import { type DigitsSpec, PiService, type PiServiceOptions } from '../src/pi/service';
import { startSimCluster } from '../src/sim';
import { machinPi } from '../scripts/chaos/machin';
import type { BenchRow } from './types';

const SECTION = 'framework';
const TERMS = Number(process.env.BENCH_FRAMEWORK_TERMS ?? 1e10);
const KERNEL: KernelName = process.env.BENCH_FRAMEWORK_KERNEL === 'fast' ? 'fast' : 'precise';
const BASELINE_SECONDS = 5;
// One task slot per agent: a 1-cpu task plus the 0.1-cpu executor.
const AGENT = { cpus: 1.1, mem: 1024, disk: 1024 };
/** The sizing before chunks grew by steps of 8 and the tail was cut in halves. */
const PREVIOUS_SIZING: LedgerOptions = { ...DEFAULT_LEDGER_OPTIONS, maxGrowth: 1000, minTailSeconds: Infinity };

/**
 * Median terms/s of the kernel on this thread, over chunks like the ones the job runs: per wall second, and
 * per second of CPU this process got (which other load on the machine does not change).
 */
function kernelSpeed(kernel: KernelName, seconds = 1): { wall: number; cpu: number } {
  const size = kernel === 'precise' ? 2e7 : 2e8;
  // Warm-up: V8 runs the first calls as on-stack-replaced loop code, about 0.6 of the speed it reaches once
  // the function is optimised on entry (from the third full-size call, measured on Node 20); the reference is
  // the kernel's steady speed.
  for (let i = 0; i < 3; i++) runKernel(kernel, 1e9, 1e9 + size);
  const wall: number[] = [];
  const cpu: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let a = 2e9; wall.length < 3 || performance.now() < end; a += size) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    runKernel(kernel, a, a + size);
    const c = process.cpuUsage(c0);
    wall.push(size / ((performance.now() - t0) / 1000));
    cpu.push(size / ((c.user + c.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

function median(xs: number[]): number {
  return xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
}

/** CPU seconds a process has used (all its threads), from /proc/<pid>/stat; null where there is no /proc. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of proc(5), in USER_HZ ticks (100 on Linux x86 and ARM).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * A 10,000-decimal job sized to run in a minute or two here: N = 4e7 terms (BENCH_DIGITS_TERMS), K = 954
 * corrections (the least for 10,000 decimals at this N, by Stirling's estimate of |E_2K|), P = 33,400 bits
 * (10,054 decimals, less ~5 for the bound of the chunks' floor divisions).
 */
const DIGITS: DigitsSpec = { terms: Number(process.env.BENCH_DIGITS_TERMS ?? 4e7), corrections: 954, bits: 33_400 };

/** Median terms/s of the exact kernel at the digits job's precision on this thread, per wall and per CPU second. */
function exactSpeed(): { wall: number; cpu: number } {
  const size = 1e6;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) {
    const a = 1e7 + i * size;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    exactChunk(a, a + size, DIGITS.bits);
    const c = process.cpuUsage(c0);
    wall.push(size / ((performance.now() - t0) / 1000));
    cpu.push(size / ((c.user + c.system) / 1e6));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function runJob(
  agents: number, terms: number, ledger: LedgerOptions, taskCpus: number, o: { stopAfterMs?: number; stateDir?: string; digits?: DigitsSpec } = {},
) {
  const cluster = await startSimCluster({ agents, background: false, agentResources: AGENT });
  const bundle = executorBundle();
  const files = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
  const opts: PiServiceOptions = {
    masters: [cluster.url],
    framework: { user: 'root', name: 'bench', role: '*', failoverTimeoutSeconds: 600 },
    job: { terms, kernel: KERNEL, corrections: 2 },
    resources: { taskCpus, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 },
    executor: { mode: 'per-agent', nodePath: process.execPath, url: files.url, sha256: bundle.sha256 },
    refuseSeconds: 1,
    logger: createLogger({ journal: false, sink: { write: () => undefined } }),
    stateDir: o.stateDir ?? null,
    ledgerOptions: ledger,
  };
  let finished = (): void => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const service = new PiService({ ...opts, onDone: () => finished() });
  // The executors' CPU time, sampled as they run (an executor replaced mid-job keeps its last sample).
  const cpu = new Map<number, number>();
  const sample = () => {
    for (const node of cluster.agents.values()) {
      for (const pid of node.executorPids()) {
        const secs = cpuSeconds(pid);
        if (secs !== null) cpu.set(pid, secs);
      }
    }
  };
  const sampler = setInterval(sample, 500);
  const t0 = performance.now();
  try {
    await service.open();
    if (o.digits) service.startDigits(o.digits);
    else service.start();
    if (o.stopAfterMs) setTimeout(finished, o.stopAfterMs).unref();
    await done;
    sample();
    const seconds = (performance.now() - t0) / 1000;
    const executorCpuSeconds = cpu.size > 0 ? [...cpu.values()].reduce((a, b) => a + b, 0) : null;
    const l = service.job!;
    // Time the executors spent in the kernel, from the ms each result reports.
    let busyMs = 0;
    const perAgent = new Map<string, number>();
    for (const c of l.data.chunks) {
      if (c.state.kind !== 'done') continue;
      busyMs += c.state.result.ms;
      perAgent.set(c.state.result.agentId, (perAgent.get(c.state.result.agentId) ?? 0) + 1);
    }
    // The last result's time: what follows it is a digits job's serial tail in the daemon.
    const summingSeconds = ((l.data.finishedAt ?? 0) - l.data.startedAt) / 1000;
    return {
      seconds, summingSeconds, final: l.final, termsDone: l.total().termsDone, tasks: l.counters.finished, chunks: l.data.chunks.length, busySeconds: busyMs / 1000, executorCpuSeconds,
      chunksPerAgent: [...perAgent.values()].sort((a, b) => a - b).join(' and '),
    };
  } finally {
    clearInterval(sampler);
    await service.teardown();
    await files.close();
    await cluster.close();
  }
}

/** Tasks that fit at once on a Raspberry Pi agent (4 cpus, 3800 MB offered) with these resources. */
function slotsOnPi(r: TaskResources, mode: 'per-agent' | 'per-task'): number {
  const offer = {
    id: { value: 'o' }, framework_id: { value: 'f' }, agent_id: { value: 'pi' }, hostname: 'pi', executor_ids: [],
    resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 4 } }, { name: 'mem', type: 'SCALAR' as const, scalar: { value: 3800 } }],
  };
  let n = 0;
  const next = (agentId: string): Launch => ({ taskId: `t${n++}`, agentId, start: 0, end: 2, kernel: KERNEL, data: '{}' });
  return tasksForOffer(offer, { mode, nodePath: '/usr/bin/node', url: 'http://x/executor.js', sha256: '0'.repeat(64) }, r, next).length;
}

export async function run(): Promise<BenchRow[]> {
  const cores = Math.max(1, Math.min(availableParallelism(), 4));
  const before = kernelSpeed(KERNEL);
  const job = await runJob(cores, TERMS, DEFAULT_LEDGER_OPTIONS, 1);
  const previous = await runJob(cores, TERMS, PREVIOUS_SIZING, 1);
  // The daemon's way: the ledger saved in stateDir, launches and result acknowledgements held for the save.
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-framework-'));
  let daemon: Awaited<ReturnType<typeof runJob>>;
  try {
    daemon = await runJob(cores, TERMS, DEFAULT_LEDGER_OPTIONS, 1, { stateDir });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  const after = kernelSpeed(KERNEL);
  const single = (before.wall + after.wall) / 2;
  const singleCpu = (before.cpu + after.cpu) / 2;
  const total = job.termsDone / job.seconds;
  const efficiency = total / (cores * single);
  // efficiency = busy × inside: the share of wall time the executors computed, times their speed while they did.
  const busy = job.busySeconds / (cores * job.seconds);
  const daemonBusy = daemon.busySeconds / (cores * daemon.seconds);
  const inside = job.termsDone / job.busySeconds / single;
  // The same split by CPU time: how much CPU the executors got, and their terms per CPU second. On cores with
  // nothing else to run, efficiency would be about busy × insideCpu.
  const cpuShare = job.executorCpuSeconds === null ? null : job.executorCpuSeconds / (cores * job.seconds);
  const insideCpu = job.executorCpuSeconds === null ? null : job.termsDone / job.executorCpuSeconds / singleCpu;

  // The original design: a task per term (here per pair, the smallest range the executor takes), many small
  // tasks per offer, run for a fixed time.
  const base = await runJob(cores, 1e6, { minChunkTerms: 2, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 }, 0.1, { stopAfterMs: BASELINE_SECONDS * 1000 });
  const note = `${cores} simulated agents with one 1-cpu task slot each, ${KERNEL} kernel, default chunk sizing`;
  const rows: BenchRow[] = [
    { section: SECTION, name: `single-process kernel (${KERNEL})`, value: Math.round(single / 1e6), unit: 'M terms/s', note: `median before ${(before.wall / 1e6).toFixed(0)}, after ${(after.wall / 1e6).toFixed(0)}` },
    { section: SECTION, name: `job of ${TERMS.toExponential(0)} terms`, value: Number(job.seconds.toFixed(1)), unit: 's', note: `${job.chunksPerAgent} chunks per agent; ${note}` },
    { section: SECTION, name: 'cluster throughput', value: Math.round(total / 1e6), unit: 'M terms/s', note },
    { section: SECTION, name: 'framework efficiency', value: Number(efficiency.toFixed(3)), unit: 'ratio', note: `throughput ÷ (${cores} executors × single-process speed); target ≥ 0.9` },
    {
      section: SECTION,
      name: 'framework efficiency, previous sizing',
      value: Number((previous.termsDone / previous.seconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: `one step of up to 1000× after the first chunk, the tail in one piece per slot: ${previous.chunksPerAgent} chunks per agent, executors busy ${(previous.busySeconds / (cores * previous.seconds)).toFixed(3)}`,
    },
    {
      section: SECTION,
      name: 'framework efficiency, daemon mode',
      value: Number((daemon.termsDone / daemon.seconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: `the same job with the ledger saved in stateDir (${daemon.seconds.toFixed(1)} s, ${daemon.chunks} chunks): launches and acks wait for the save`,
    },
    { section: SECTION, name: 'executors busy', value: Number(busy.toFixed(3)), unit: 'ratio', note: 'kernel time in the executors ÷ (executors × wall time); the rest is waiting for offers between chunks' },
    { section: SECTION, name: 'executors busy, daemon mode', value: Number(daemonBusy.toFixed(3)), unit: 'ratio', note: 'as above, for the daemon-mode job' },
    { section: SECTION, name: 'kernel speed in executors', value: Number(inside.toFixed(3)), unit: 'ratio', note: 'terms ÷ kernel time in the executors, ÷ single-process speed; below 1 when the machine has other work' },
    ...(cpuShare === null || insideCpu === null
      ? [{ section: SECTION, name: 'executors on CPU', value: '-', unit: '', note: 'needs /proc (Linux) to read the executors\' CPU time' }]
      : [
          { section: SECTION, name: 'executors on CPU', value: Number(cpuShare.toFixed(3)), unit: 'ratio', note: 'CPU time of the executor processes ÷ (executors × wall time): what the rest of the machine left them' },
          { section: SECTION, name: 'kernel speed in executors per CPU second', value: Number(insideCpu.toFixed(3)), unit: 'ratio', note: `terms per executor CPU second ÷ the single process's (${(singleCpu / 1e6).toFixed(0)} M terms per CPU second)` },
          { section: SECTION, name: 'framework efficiency on idle cores (estimate)', value: Number((busy * insideCpu).toFixed(3)), unit: 'ratio', note: 'executors busy × kernel speed per CPU second: the framework\'s own cost, without the machine\'s other load' },
        ]),
    ...[1, 0.9].map((taskCpus) => {
      const r = { taskCpus, taskMemMb: 32, executorCpus: 0.1, executorMemMb: 64 };
      return {
        section: SECTION,
        name: `task slots on a 4-cpu Pi, taskCpus ${taskCpus}`,
        value: slotsOnPi(r, 'per-agent'),
        unit: 'tasks',
        note: `executorCpus 0.1; ${slotsOnPi(r, 'per-task')} with one executor per task`,
      };
    }),
    {
      section: SECTION,
      name: 'baseline: one pair of terms per task',
      value: Number((base.termsDone / base.seconds).toFixed(1)),
      unit: 'terms/s',
      note: `${base.tasks} tasks in ${base.seconds.toFixed(1)} s, 0.1-cpu tasks, ${cores} agents`,
    },
  ];
  return [...rows, ...(await digitsRows(cores))];
}

/** The digits job in daemon mode (the ledger and the Euler numbers in stateDir), against the exact kernel's speed. */
async function digitsRows(cores: number): Promise<BenchRow[]> {
  const before = exactSpeed();
  const digitsJob = async (sizing: LedgerOptions) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'bench-digits-'));
    try {
      return await runJob(cores, DIGITS.terms, sizing, 1, { stateDir, digits: DIGITS });
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  };
  const job = await digitsJob(DEFAULT_LEDGER_OPTIONS);
  const previous = await digitsJob(PREVIOUS_SIZING);
  const after = exactSpeed();
  const single = (before.wall + after.wall) / 2;
  const singleCpu = (before.cpu + after.cpu) / 2;
  const cpuShare = (j: typeof job) => (j.executorCpuSeconds === null ? '' : `, on CPU ${(j.executorCpuSeconds / (cores * j.seconds)).toFixed(3)} of the whole job`);
  // As for the double job: executors busy × their terms per CPU second against the single process's, the
  // framework's own cost without the machine's other load.
  const idle = (j: typeof job) => (j.executorCpuSeconds === null ? null : (j.busySeconds / (cores * j.summingSeconds)) * (j.termsDone / j.executorCpuSeconds / singleCpu));
  const idleNote = (j: typeof job) => { const x = idle(j); return x === null ? '' : `, on idle cores (estimate) ${x.toFixed(3)}`; };
  const spec = `N = ${DIGITS.terms.toExponential(0)}, K = ${DIGITS.corrections}, P = ${DIGITS.bits} bits, ${cores} agents`;
  const final = job.final;
  return [
    { section: SECTION, name: `single-process exact kernel at ${DIGITS.bits} bits`, value: Number((single / 1e6).toFixed(2)), unit: 'M terms/s', note: 'median of three 1e6-term chunks, before and after the job' },
    {
      section: SECTION,
      name: 'digits job: decimals certified',
      value: final?.kind === 'certified' ? final.decimals : 'NONE',
      unit: 'decimals',
      // Every decimal against an independent BigInt Machin's π, besides the BBP check the job makes itself.
      note: final?.kind === 'certified'
        ? `${spec}; BBP agrees at hexadecimal position ${final.bbp.position}; ${final.digits === machinPi(final.decimals) ? "every decimal equal to Machin's π" : "DIFFERS FROM MACHIN'S π"}`
        : `${spec}; ${final?.kind === 'refuted' ? final.message : 'not certified'}`,
    },
    { section: SECTION, name: 'digits job: summing', value: Number(job.summingSeconds.toFixed(1)), unit: 's', note: `${job.chunksPerAgent} chunks per agent, default chunk sizing; task data ~${Math.ceil(DIGITS.bits / 6)} base64 characters of sum per result` },
    { section: SECTION, name: 'digits job: serial tail', value: Number((job.seconds - job.summingSeconds).toFixed(1)), unit: 's', note: `what is left after the last result: E_0..E_${2 * DIGITS.corrections} (built in a child process from the job's start), the enclosure, the BBP check` },
    {
      section: SECTION,
      name: 'framework efficiency, digits job',
      value: Number((job.termsDone / job.summingSeconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: `terms/s until the last result ÷ (${cores} executors × the exact kernel's single-process speed); target ≥ 0.9`,
    },
    {
      section: SECTION,
      name: 'executors busy, digits job',
      value: Number((job.busySeconds / (cores * job.summingSeconds)).toFixed(3)),
      unit: 'ratio',
      note: `kernel time in the executors ÷ (executors × summing time): the framework's share of the gap, the rest is the machine's other load${cpuShare(job)}${idleNote(job)}`,
    },
    {
      section: SECTION,
      name: 'framework efficiency, digits job, previous sizing',
      value: Number((previous.termsDone / previous.summingSeconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: `summing ${previous.summingSeconds.toFixed(1)} s in ${previous.chunksPerAgent} chunks per agent, executors busy ${(previous.busySeconds / (cores * previous.summingSeconds)).toFixed(3)}${cpuShare(previous)}${idleNote(previous)}`,
    },
    {
      section: SECTION,
      name: 'framework efficiency, digits job with its serial tail',
      value: Number((job.termsDone / job.seconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: 'as above over the whole job, certification included',
    },
  ];
}
