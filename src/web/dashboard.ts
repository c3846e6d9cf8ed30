// What the projector dashboard shows, as compact JSON: the cluster from the daemon's model (its last good
// /state and the hour of allocation history it keeps), and the π job from its ledger (src/pi/show.ts). Pure:
// the feed (dashboard-feed.ts) decides when to send it.
import type { AllocationHistory, UseSample } from '../panel/allocation-history';
import type { PanelModel } from '../panel/model';
import type { Ledger } from '../pi/ledger';
import { agentShares, convergence, rawSumDigits } from '../pi/show';
import { prefixDigits } from '../pi/view';

/** [used, offered, total]; mem and disk in MB. */
export type Use = [number, number, number];

export interface AgentRow {
  /** The agent's hostname, or the end of its id when the cluster never named it. */
  host: string;
  /** up: registered and active; lost: gone by the framework's word, or disconnected, unreachable or removed by /state's; unknown: no /state yet. */
  state: 'up' | 'lost' | 'unknown';
  done: number;
  /** Terms/s per task. */
  tps: number;
  fail: number;
  /** The chunk it has run the longest of those it runs now, [start, end); `n` counts them all. */
  run: [number, number] | null;
  n: number;
}

export interface PiShow {
  state: 'idle' | 'running' | 'done' | 'error';
  problem: string | null;
  done: number;
  total: number;
  tps: number;
  eta: number | null;
  /** Certified digits of the corrected estimate, e.g. "3.14159265358979323846". */
  digits: string;
  /** The raw sum S_M to as many decimals, truncated: where it differs from `digits` it is wrong. */
  raw: string;
  /** Certified digits of the raw sum alone. */
  rawOk: string;
  /** Terms of the finished prefix M that `digits` and `raw` are of. */
  prefix: number;
  tasks: { running: number; finished: number; failed: number };
  agents: AgentRow[];
  /** Agents left off the list (it is cut at MAX_AGENT_ROWS). */
  more: number;
}

export interface DashView {
  /** Whether the last poll of the master answered, and what it said when not. */
  up: boolean;
  error: string | null;
  leader: string | null;
  res: { cpus: Use; mem: Use; disk: Use } | null;
  /** active, inactive, unreachable. */
  agents: [number, number, number] | null;
  frameworks: number | null;
  tasks: number | null;
  pi: PiShow | null;
}

export interface DashJob {
  ledger: Ledger | null;
  corrections: number;
  /** Agents the framework was told are gone: lost before /state says so. */
  gone: ReadonlySet<string>;
}

/** More rows than a projected table can hold at a readable size are counted, not listed. */
const MAX_AGENT_ROWS = 24;
/** Points of the convergence chart: plenty for a line across a screen. */
const CONVERGENCE_POINTS = 60;

const use = (r: UseSample): Use => [r.used, r.offered, r.total];
/** Three significant digits: all a chart draws, at a third of the bytes. */
const sig3 = (x: number): number => Number(x.toPrecision(3));

/** The dashboard's view; `hosts` keeps the names of agents that have left /state (the caller bounds it). */
export function dashView(model: PanelModel, job: DashJob, hosts: Map<string, string>): DashView {
  const s = model.snapshot;
  return {
    up: model.source.ok,
    error: model.source.ok ? null : model.source.lastError,
    leader: s?.leader ?? null,
    res: s ? { cpus: use(s.cpus), mem: use(s.mem), disk: use(s.disk) } : null,
    agents: s ? [s.agents.active, s.agents.inactive, s.agents.unreachable] : null,
    frameworks: s ? s.frameworks.registered : null,
    tasks: s ? s.tasks.TASK_RUNNING ?? 0 : null,
    pi: model.pi ? piShow(model, job, hosts) : null,
  };
}

function piShow(model: PanelModel, job: DashJob, hosts: Map<string, string>): PiShow {
  const v = model.pi!;
  const d = job.ledger ? prefixDigits(job.ledger, job.corrections) : null;
  const rows = agentRows(model, job, hosts);
  return {
    state: v.state,
    problem: v.problem,
    done: v.termsDone,
    total: v.termsTotal,
    tps: Math.round(v.termsPerSecond),
    eta: v.etaSeconds === null ? null : Math.round(v.etaSeconds),
    digits: d?.corrected.digits ?? '',
    raw: d && job.ledger ? rawSumDigits(job.ledger, d.corrected.decimals) : '',
    rawOk: d?.raw.digits ?? '',
    prefix: d?.terms ?? 0,
    tasks: v.tasks,
    agents: rows.slice(0, MAX_AGENT_ROWS),
    more: Math.max(0, rows.length - MAX_AGENT_ROWS),
  };
}

/** Every agent of the cluster and every agent the job has used, by hostname. */
function agentRows(model: PanelModel, { ledger, gone }: DashJob, hosts: Map<string, string>): AgentRow[] {
  const s = model.snapshot;
  const listed = new Map((s?.agentList ?? []).map((a) => [a.id, a]));
  for (const a of listed.values()) hosts.set(a.id, a.hostname);
  const shares = new Map((ledger ? agentShares(ledger) : []).map((x) => [x.agentId, x]));
  const ids = new Set([...listed.keys(), ...shares.keys()]);
  // The names of agents in neither are of no more use.
  for (const id of hosts.keys()) if (!ids.has(id)) hosts.delete(id);
  const rows = [...ids].map((id): AgentRow => {
    const a = listed.get(id);
    const x = shares.get(id);
    return {
      host: hosts.get(id) ?? id.slice(-12),
      state: gone.has(id) ? 'lost' : !s ? 'unknown' : a?.active ? 'up' : 'lost',
      done: x?.termsDone ?? 0,
      tps: Math.round(x?.termsPerSecond ?? 0),
      fail: x?.failures ?? 0,
      run: x?.running.length ? [x.running[0].start, x.running[0].end] : null,
      n: x?.running.length ?? 0,
    };
  });
  return rows.sort((p, q) => (p.host < q.host ? -1 : p.host > q.host ? 1 : 0));
}

/** The convergence chart's points as [terms, raw bound, corrected bound]. */
export function convergenceRows(job: DashJob): [number, number, number][] {
  if (!job.ledger) return [];
  return convergence(job.ledger, job.corrections, CONVERGENCE_POINTS).map((p) => [p.terms, sig3(p.raw), sig3(p.corrected)]);
}

/**
 * The history's samples newer than `after` (ms), each as [seconds since epoch, then used, offered and total of
 * cpus, mem and disk].
 */
export function historyRows(h: AllocationHistory | undefined, after: number): number[][] {
  return (h?.samples ?? []).filter((x) => x.at > after).map((x) => [Math.round(x.at / 1000), ...use(x.cpus), ...use(x.mem), ...use(x.disk)]);
}
