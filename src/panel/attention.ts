// What deserves a look, from successive observations of the cluster: a pure detector. It raises a notice for a
// leader change; an agent that leaves (removed or unreachable), is deactivated or starts draining; a burst of task
// failures (failed, lost, error, dropped: a rate over a window, never one task); a framework that disconnects; a
// master that keeps restarting (seen with under a minute of uptime more than once within an hour).
//
// It must not cry wolf. The first observation only sets the baseline. Notices about one subject (an agent, a
// framework, the leader) within mergeMinutes fold into the first, so an agent restarting in a rolling upgrade is one
// notice however many changes it goes through; and the tasks lost with an agent just noticed are that agent's
// notice, not a burst of failures.
import type { ClusterSnapshot } from '../mesos/snapshot';

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
  agents: Map<string, { host: string; deactivated: boolean; draining: boolean }>;
  unreachable: number;
  frameworks: Map<string, { name: string; active: boolean }>;
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

type Lists = Pick<Seen, 'agents' | 'frameworks'>;

/**
 * The agents and frameworks of each snapshot as the watch compares them, made once per snapshot: a source hands out
 * the same snapshot until the cluster changes, and the daemon observes four times a second. Read, never changed.
 */
const listsOf = new WeakMap<ClusterSnapshot, Lists>();

function lists(s: ClusterSnapshot): Lists {
  let l = listsOf.get(s);
  if (!l) {
    l = {
      agents: new Map(s.agentList.map((a) => [a.id, { host: a.hostname, deactivated: a.deactivated === true, draining: a.draining === true }])),
      frameworks: new Map(s.frameworkList.map((f) => [f.id, { name: f.name, active: f.active }])),
    };
    listsOf.set(s, l);
  }
  return l;
}

function seenOf(s: ClusterSnapshot, o: Observation): Seen {
  const ends = o.taskEnds ?? null;
  return {
    leader: s.leader,
    ...lists(s),
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
    // The same lists (the same snapshot seen again) hold no change: nothing to compare, entry by entry.
    const sameAgents = was.agents === next.agents;
    const gone = sameAgents ? [] : [...was.agents].filter(([id]) => !next.agents.has(id));
    const unreachableUp = next.unreachable > was.unreachable;
    for (const [id, a] of gone) found.push({ kind: 'agent', subject: id, text: `agent ${a.host} ${unreachableUp ? 'unreachable' : 'removed'}` });
    if (unreachableUp && gone.length === 0) found.push({ kind: 'agent', subject: 'unreachable', text: `${next.unreachable} agent${next.unreachable > 1 ? 's' : ''} unreachable` });
    for (const [id, a] of sameAgents ? [] : next.agents) {
      const before = was.agents.get(id);
      if (!before) continue;
      if (a.draining && !before.draining) found.push({ kind: 'agent', subject: id, text: `agent ${a.host} draining` });
      else if (a.deactivated && !before.deactivated) found.push({ kind: 'agent', subject: id, text: `agent ${a.host} deactivated` });
    }
    for (const [id, f] of was.frameworks === next.frameworks ? [] : next.frameworks) {
      if (was.frameworks.get(id)?.active && !f.active) found.push({ kind: 'framework', subject: id, text: `framework ${f.name} disconnected` });
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
