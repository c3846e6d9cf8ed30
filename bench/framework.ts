// Framework efficiency (issue 3, "Done when"): a whole job through the π framework on the simulated cluster
// (real master API, real agents, the real executor bundle in child processes), as total terms/s divided by
// executors × the single-process kernel speed measured in this run. The simulated agents get one task slot
// each and there are as many agents as cores, so a perfect framework scores 1.0. Plus the baseline the issue
// replaces: one tiny task per term pair (the smallest range the executor accepts), for a fixed few seconds.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log';
import { executorBundle } from '../src/pi/executor-bundle';
import { ExecutorServer } from '../src/pi/executor-server';
import { type KernelName, runKernel } from '../src/pi/kernel';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from '../src/pi/ledger';
import { PiService, type PiServiceOptions } from '../src/pi/service';
import { startSimCluster } from '../src/sim';
import type { BenchRow } from './types';

const SECTION = 'framework';
const TERMS = Number(process.env.BENCH_FRAMEWORK_TERMS ?? 1e10);
const KERNEL: KernelName = process.env.BENCH_FRAMEWORK_KERNEL === 'fast' ? 'fast' : 'precise';
const BASELINE_SECONDS = 5;
// One task slot per agent: a 1-cpu task plus the 0.1-cpu executor.
const AGENT = { cpus: 1.1, mem: 1024, disk: 1024 };

/** Median terms/s of the kernel on this thread, over chunks like the ones the job runs. */
function kernelSpeed(kernel: KernelName, seconds = 1): number {
  const size = kernel === 'precise' ? 2e7 : 2e8;
  runKernel(kernel, 0, size / 10); // warm-up: let V8 optimise the loop
  const rates: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let a = 1e9; rates.length < 3 || performance.now() < end; a += size) {
    const t0 = performance.now();
    runKernel(kernel, a, a + size);
    rates.push(size / ((performance.now() - t0) / 1000));
  }
  return rates.sort((x, y) => x - y)[Math.floor(rates.length / 2)];
}

async function runJob(agents: number, terms: number, ledger: LedgerOptions, taskCpus: number, o: { stopAfterMs?: number; stateDir?: string } = {}) {
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
  const t0 = performance.now();
  try {
    await service.open();
    service.start();
    if (o.stopAfterMs) setTimeout(finished, o.stopAfterMs).unref();
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const l = service.job!;
    // Time the executors spent in the kernel, from the ms each result reports.
    let busyMs = 0;
    for (const c of l.data.chunks) if (c.state.kind === 'done') busyMs += c.state.result.ms;
    return { seconds, termsDone: l.total().termsDone, tasks: l.counters.finished, chunks: l.data.chunks.length, busySeconds: busyMs / 1000 };
  } finally {
    await service.teardown();
    await files.close();
    await cluster.close();
  }
}

export async function run(): Promise<BenchRow[]> {
  const cores = Math.max(1, Math.min(availableParallelism(), 4));
  const before = kernelSpeed(KERNEL);
  const job = await runJob(cores, TERMS, DEFAULT_LEDGER_OPTIONS, 1);
  // The daemon's way: the ledger saved in stateDir, launches and result acknowledgements held for the save.
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-framework-'));
  let daemon: Awaited<ReturnType<typeof runJob>>;
  try {
    daemon = await runJob(cores, TERMS, DEFAULT_LEDGER_OPTIONS, 1, { stateDir });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  const after = kernelSpeed(KERNEL);
  const single = (before + after) / 2;
  const total = job.termsDone / job.seconds;
  const efficiency = total / (cores * single);
  // efficiency = busy × inside: the share of wall time the executors computed, times their speed while they did.
  const busy = job.busySeconds / (cores * job.seconds);
  const inside = job.termsDone / job.busySeconds / single;

  // The original design: a task per term (here per pair, the smallest range the executor takes), many small
  // tasks per offer, run for a fixed time.
  const base = await runJob(cores, 1e6, { minChunkTerms: 2, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 }, 0.1, { stopAfterMs: BASELINE_SECONDS * 1000 });
  const note = `${cores} simulated agents with one 1-cpu task slot each, ${KERNEL} kernel, default chunk sizing`;
  return [
    { section: SECTION, name: `single-process kernel (${KERNEL})`, value: Math.round(single / 1e6), unit: 'M terms/s', note: `median before ${(before / 1e6).toFixed(0)}, after ${(after / 1e6).toFixed(0)}` },
    { section: SECTION, name: `job of ${TERMS.toExponential(0)} terms`, value: Number(job.seconds.toFixed(1)), unit: 's', note: `${job.chunks} chunks; ${note}` },
    { section: SECTION, name: 'cluster throughput', value: Math.round(total / 1e6), unit: 'M terms/s', note },
    { section: SECTION, name: 'framework efficiency', value: Number(efficiency.toFixed(3)), unit: 'ratio', note: `throughput ÷ (${cores} executors × single-process speed); target ≥ 0.9` },
    {
      section: SECTION,
      name: 'framework efficiency, daemon mode',
      value: Number((daemon.termsDone / daemon.seconds / (cores * single)).toFixed(3)),
      unit: 'ratio',
      note: `the same job with the ledger saved in stateDir (${daemon.seconds.toFixed(1)} s): launches and acks wait for the save`,
    },
    { section: SECTION, name: 'executors busy', value: Number(busy.toFixed(3)), unit: 'ratio', note: 'kernel time in the executors ÷ (executors × wall time); the rest is waiting for offers between chunks' },
    { section: SECTION, name: 'kernel speed in executors', value: Number(inside.toFixed(3)), unit: 'ratio', note: 'terms ÷ kernel time in the executors, ÷ single-process speed' },
    {
      section: SECTION,
      name: 'baseline: one pair of terms per task',
      value: Number((base.termsDone / base.seconds).toFixed(1)),
      unit: 'terms/s',
      note: `${base.tasks} tasks in ${base.seconds.toFixed(1)} s, 0.1-cpu tasks, ${cores} agents`,
    },
  ];
}
