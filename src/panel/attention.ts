// What deserves a look, from successive observations of the cluster: a pure detector. It raises a notice for a
// leader change; an agent that leaves (removed or unreachable), is deactivated or starts draining; a burst of task
// failures (failed, lost, error, dropped: a rate over a window, never one task); a framework that disconnects; a
// master that keeps restarting (seen with under a minute of uptime more than once within an hour).
//
// It must not cry wolf. The first observation only sets the baseline. Notices about one subject (an agent, a
// framework, the leader) within mergeMinutes fold into the first, so an agent restarting in a rolling upgrade is one
// notice however many changes it goes through; and the tasks lost with an agent just noticed are that agent's
// notice, not a burst of failures.
import type { AgentSummary, ClusterSnapshot, FrameworkSummary } from '../mesos/snapshot';

export type NoticeKind = 'leader' | 'agent' | 'failures' | 'framework' | 'master';

export interface Notice {
  kind: NoticeKind;
  /** Who it is about (agent id, framework id, `leader`, …): the key that folds repeats together. */
  subject: string;
  /** What happened, short enough for two lines of a 20x4 LCD. */
  text: string;
  /** ms since epoch. */
  at: number;
  /** Changes folded into it since. */
  repeats: number;
}

export interface AttentionSettings {
  /** Failures per minute, over the window, that make a burst. */
  failuresPerMinute: number;
  failureWindowMinutes: number;
  /** Notices about one subject within this long are one. */
  mergeMinutes: number;
  /** The list keeps this many, newest first. */
  keep: number;
}

export const DEFAULT_ATTENTION: AttentionSettings = { failuresPerMinute: 1, failureWindowMinutes: 5, mergeMinutes: 15, keep: 8 };

export interface Observation {
  now: number;
  snapshot: ClusterSnapshot | null;
  /** When the leading master started (ms since epoch), where the source knows. */
  masterStartedAt?: number | null;
  /** Tasks that ended, by terminal state, counted since the source started (a stream source counts them). */
  taskEnds?: Readonly<Record<string, number>> | null;
}

interface Seen {
  leader: string | null;
  /** The snapshot's lists as they are: read, never changed. */
  agents: readonly AgentSummary[];
  unreachable: number;
  frameworks: readonly FrameworkSummary[];
  failures: number | null;
  lost: number | null;
}

export interface Watch {
  seen: Seen | null;
  /** Failure counts at past observations, oldest first, for the rate. */
  samples: { at: number; failures: number }[];
  inBurst: boolean;
  /** Starts of masters first seen with under a minute of uptime. */
  youngStarts: number[];
  notices: Notice[];
}

export const NEW_WATCH: Watch = { seen: null, samples: [], inBurst: false, youngStarts: [], notices: [] };

const FAILED = ['TASK_FAILED', 'TASK_ERROR', 'TASK_DROPPED'];
const YOUNG_MS = 60_000;
const RESTART_WINDOW_MS = 3600_000;

/**
 * The entries of two lists that differ, paired by id: [before, after], `after` undefined for one gone, `before` for
 * one new; those gone first, in the old list's order, then the others in the new one's. The daemon observes four
 * times a second, and a source hands out the same snapshot until the cluster changes, then one listing its agents in
 * the same order with the same summary objects for those unchanged: a walk comparing objects finds what changed
 * without a map of the whole cluster. Lists not in step are paired through maps by id (the last entry of an id wins).
 */
export function changedById<T extends { id: string }>(was: readonly T[], next: readonly T[]): [T | undefined, T | undefined][] {
  const out: [T | undefined, T | undefined][] = [];
  if (was === next) return out;
  if (was.length === next.length) {
    let inStep = true;
    for (let i = 0; i < next.length && inStep; i++) {
      if (was[i] === next[i]) continue;
      if (was[i]?.id === next[i]?.id) out.push([was[i], next[i]]);
      else inStep = false;
    }
    if (inStep) return out;
    out.length = 0;
  }
  const before = new Map(was.map((x) => [x?.id, x]));
  const after = new Map(next.map((x) => [x?.id, x]));
  for (const [id, x] of before) if (!after.has(id)) out.push([x, undefined]);
  for (const [id, x] of after) if (before.get(id) !== x) out.push([before.get(id), x]);
  return out;
}

function seenOf(s: ClusterSnapshot, o: Observation): Seen {
  const ends = o.taskEnds ?? null;
  return {
    leader: s.leader,
    agents: s.agentList,
    frameworks: s.frameworkList,
    unreachable: s.agents.unreachable,
    failures: ends ? FAILED.reduce((n, k) => n + (ends[k] ?? 0), 0) : null,
    lost: ends ? ends.TASK_LOST ?? 0 : null,
  };
}

/** One observation: the next watch and the notices it raised (those folded into an earlier one are not raised). */
export function watch(w: Watch, o: Observation, cfg: AttentionSettings = DEFAULT_ATTENTION): { watch: Watch; raised: Notice[] } {
  if (!o.snapshot) return { watch: w, raised: [] };
  const now = o.now;
  const next = seenOf(o.snapshot, o);
  const found: Omit<Notice, 'at' | 'repeats'>[] = [];
  const was = w.seen;
  let youngStarts = w.youngStarts.filter((t) => now - t < RESTART_WINDOW_MS);
  const start = o.masterStartedAt ?? null;
  if (start !== null && now - start < YOUNG_MS && !youngStarts.includes(start)) {
    youngStarts = [...youngStarts, start];
    if (youngStarts.length >= 2) found.push({ kind: 'master', subject: 'master', text: `master restarted ${youngStarts.length}x in 1h` });
  }
  if (was) {
    if (was.leader !== null && next.leader !== null && was.leader !== next.leader) found.push({ kind: 'leader', subject: 'leader', text: `new leader ${next.leader}` });
    const agents = changedById(was.agents, next.agents);
    const gone = agents.filter(([, a]) => a === undefined);
    const unreachableUp = next.unreachable > was.unreachable;
    for (const [b] of gone) found.push({ kind: 'agent', subject: b?.id ?? '', text: `agent ${b?.hostname} ${unreachableUp ? 'unreachable' : 'removed'}` });
    if (unreachableUp && gone.length === 0) found.push({ kind: 'agent', subject: 'unreachable', text: `${next.unreachable} agent${next.unreachable > 1 ? 's' : ''} unreachable` });
    for (const [b, a] of agents) {
      if (!b || !a) continue;
      if (a.draining === true && b.draining !== true) found.push({ kind: 'agent', subject: a.id, text: `agent ${a.hostname} draining` });
      else if (a.deactivated === true && b.deactivated !== true) found.push({ kind: 'agent', subject: a.id, text: `agent ${a.hostname} deactivated` });
    }
    for (const [b, f] of changedById(was.frameworks, next.frameworks)) {
      if (b?.active && f && !f.active) found.push({ kind: 'framework', subject: f.id, text: `framework ${f.name} disconnected` });
    }
  }
  // The rate: failures over the window. Lost tasks count too, unless an agent notice explains them.
  const agentNoticed = found.some((n) => n.kind === 'agent') || w.notices.some((n) => n.kind === 'agent' && now - n.at < cfg.failureWindowMinutes * 60_000);
  const lostDelta = was && was.lost !== null && next.lost !== null && next.lost >= was.lost ? next.lost - was.lost : 0;
  const base = w.samples.length ? w.samples[w.samples.length - 1].failures : 0;
  const failDelta = was && was.failures !== null && next.failures !== null && next.failures >= was.failures ? next.failures - was.failures : 0;
  const windowMs = cfg.failureWindowMinutes * 60_000;
  const samples = [...w.samples, { at: now, failures: base + failDelta + (agentNoticed ? 0 : lostDelta) }].filter((s, i, all) => i === all.length - 1 || now - s.at <= windowMs);
  const inWindow = samples[samples.length - 1].failures - samples[0].failures;
  const threshold = Math.max(2, cfg.failuresPerMinute * cfg.failureWindowMinutes);
  let inBurst = w.inBurst;
  if (!inBurst && inWindow >= threshold) {
    inBurst = true;
    found.push({ kind: 'failures', subject: 'failures', text: `${inWindow} tasks failed in ${cfg.failureWindowMinutes}m` });
  } else if (inBurst && inWindow < threshold / 2) inBurst = false;

  const raised: Notice[] = [];
  let notices = w.notices;
  for (const n of found) {
    const same = notices.findIndex((m) => m.kind === n.kind && m.subject === n.subject && now - m.at < cfg.mergeMinutes * 60_000);
    if (same >= 0) {
      notices = notices.map((m, i) => (i === same ? { ...m, repeats: m.repeats + 1 } : m));
      continue;
    }
    const notice: Notice = { ...n, at: now, repeats: 0 };
    raised.push(notice);
    notices = [notice, ...notices].slice(0, cfg.keep);
  }
  return { watch: { seen: next, samples, inBurst, youngStarts, notices }, raised };
}
