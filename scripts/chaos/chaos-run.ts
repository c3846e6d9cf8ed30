// A chaos run: consecutive seeds, one schedule each, on one executor file server; and the table it prints.
// `npm run chaos` (scripts/chaos.ts) and the CI test (test/chaos) both run through here.
import { ExecutorServer } from '../../src/pi/executor-server';
import type { ExecutorBundle } from '../../src/pi/executor-bundle';
import { planDigits } from '../../src/pi/digits-plan';
import type { ChildScript } from './daemon-process';
import { ReferenceSums } from './reference';
import { type ChaosJob, runSchedule, type ScheduleResult } from './run-schedule';
import { FAULT_KINDS, type FaultCounts, makeSchedule, noFaults, runsDigits } from './schedule';

export interface ChaosRunOptions {
  /** The first schedule's seed; schedule i uses seed + i. */
  seed: number;
  schedules: number;
  job: ChaosJob;
  /** The job of the schedules that run one by digits (runsDigits); without it, every schedule runs `job`. */
  digitsJob?: ChaosJob;
  agents: number;
  script: ChildScript;
  bundle: ExecutorBundle;
  timeoutMs?: number;
  /** Called after each schedule, e.g. to print its row as it comes. */
  onResult?: (r: ScheduleResult, index: number) => void;
}

export async function runChaos(o: ChaosRunOptions): Promise<ScheduleResult[]> {
  const files = await ExecutorServer.start({ bundle: o.bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
  const reference = new ReferenceSums();
  const results: ScheduleResult[] = [];
  try {
    for (let i = 0; i < o.schedules; i++) {
      const seed = o.seed + i;
      const job = o.digitsJob && runsDigits(seed) ? o.digitsJob : o.job;
      const env = { job, script: o.script, executor: { url: files.url, sha256: o.bundle.sha256 }, agents: o.agents, reference, timeoutMs: o.timeoutMs ?? 90_000 };
      const r = await runSchedule(env, makeSchedule(seed, Math.ceil(job.terms / job.chunkTerms)));
      results.push(r);
      o.onResult?.(r, i);
    }
  } finally {
    await files.close();
  }
  return results;
}

/**
 * A digits job for the chaos runs: the plan (digits-plan.ts) for `decimals` certified decimals from exactly
 * `terms` terms on `cores` agent cores, in fixed chunks of `chunkTerms`.
 */
export function digitsChaosJob(decimals: number, terms: number, chunkTerms: number, cores: number): ChaosJob {
  const plan = planDigits(decimals, { cores }, terms);
  return { terms, chunkTerms, kernel: 'precise', digits: { corrections: plan.corrections, bits: plan.bits, decimals } };
}

export function faultText(f: FaultCounts): string {
  return FAULT_KINDS.filter((k) => f[k] > 0)
    .map((k) => (f[k] > 1 ? `${k}×${f[k]}` : k))
    .join(' ');
}

export function totalFaults(results: readonly ScheduleResult[]): FaultCounts {
  const t = noFaults();
  for (const r of results) for (const k of FAULT_KINDS) t[k] += r.faults[k];
  return t;
}

function table(header: string[], rows: string[][], right: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]) => `| ${c.map((s, i) => (right.has(i) ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (right.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...rows.map(line)].join('\n');
}

/** What a schedule ran: a job by terms, or the decimals its digits job certified. */
export const jobText = (r: ScheduleResult): string => (r.decimals === undefined ? 'terms' : `${r.decimals} decimals`);

/** One row per schedule and a summary row; then faults injected by kind. */
export function formatChaos(results: readonly ScheduleResult[]): string {
  const held = results.filter((r) => r.violations.length === 0).length;
  const seconds = results.reduce((s, r) => s + r.seconds, 0);
  const totals = totalFaults(results);
  const injected = FAULT_KINDS.reduce((s, k) => s + totals[k], 0);
  const digits = results.filter((r) => r.decimals !== undefined).length;
  const rows = results.map((r, i) => [String(i + 1), String(r.seed), jobText(r), faultText(r.faults), r.violations.length === 0 ? 'held' : `FAILED: ${r.violations[0]}`, r.seconds.toFixed(1)]);
  rows.push([`all ${results.length}`, '', `${digits} by digits`, `${injected} faults`, `${held}/${results.length} held`, seconds.toFixed(1)]);
  const byKind = FAULT_KINDS.map((k) => [k, String(totals[k])]);
  return `${table(['schedule', 'seed', 'job', 'faults injected', 'invariants', 'seconds'], rows, new Set([0, 1, 5]))}\n\n${table(['fault', 'injected'], byKind, new Set([1]))}`;
}
