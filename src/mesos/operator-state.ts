// The cluster as the operator event stream keeps it, and the pure reducer (state, event) → state over it.
//
// SUBSCRIBED replaces everything (a resubscribe starts over, never merges). Task events move resources in and out
// of agents and frameworks as they happen; what the stream never reports (executors' share of used resources,
// offers, agents disconnecting, deactivated or draining, frameworks disconnecting, unreachable agents, the leader
// and version: see the omissions in src/master/master.cpp, e.g. Master::disconnect sends no FRAMEWORK_UPDATED and
// Master::_markUnreachable no AGENT_REMOVED) stays as the last SUBSCRIBED or refresh left it.
//
// Used resources are kept as tasks' plus "other" (executors), so a task event changes the first part exactly and
// a refresh only has to set the second. Every event is idempotent (a TASK_ADDED seen twice counts once), so the
// events that arrive while a refresh is in flight can be replayed over its answer.
//
// A task leaves the counts when it reaches a terminal state. /state keeps such a task in its framework's `tasks`
// until the framework acknowledges the update (Master::removeTask), which the stream does not announce.
//
// Maps are copied on write, tasks grouped by agent, so an event costs O(agents), not O(tasks).
import type { OpAgent, OpCluster, OpFramework, OpTask, OperatorEvent } from './operator-events';
import { type AgentSummary, type ClusterSnapshot, type FrameworkSummary, RESOURCES, type ResourceName } from './snapshot';
import { type Amounts, round3, use, zero } from './state-parse';

/** Used resources split in two: the live tasks' sum, exact from events, and the rest (executors), refreshed. */
interface UsedSplit {
  /** Sum of the live tasks. */
  taskUsed: Amounts;
  /** The rest of the used resources (executors), as of the last SUBSCRIBED, AGENT_ADDED, FRAMEWORK_* or refresh. */
  otherUsed: Amounts;
}

export type AgentEntry = Omit<OpAgent, 'used'> & UsedSplit;

export type FrameworkEntry = Omit<OpFramework, 'used'> & UsedSplit & { tasks: number };

/** What only /state says: the stream has no master information at all. */
export interface MasterFacts {
  leader: string | null;
  version: string | null;
  unreachable: number;
  /** When the master started, ms since epoch (`start_time`). */
  startedAt: number | null;
}

export interface OperatorState {
  readonly agents: ReadonlyMap<string, AgentEntry>;
  readonly frameworks: ReadonlyMap<string, FrameworkEntry>;
  /** Live (non-terminal) tasks: agent id → task key → task. */
  readonly tasks: ReadonlyMap<string, ReadonlyMap<string, OpTask>>;
  /** Live tasks by state. */
  readonly counts: Readonly<Record<string, number>>;
  readonly master: MasterFacts;
}

export interface Reduced {
  state: OperatorState;
  /** One line when the event did not fit the state (and was skipped or applied in part), else null. */
  problem: string | null;
}

/** States after which a task leaves /state's `tasks` (TASK_UNREACHABLE moves to `unreachable_tasks`). */
export const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNREACHABLE']);

const NO_MASTER: MasterFacts = { leader: null, version: null, unreachable: 0, startedAt: null };

export function emptyState(master: MasterFacts = NO_MASTER): OperatorState {
  return { agents: new Map(), frameworks: new Map(), tasks: new Map(), counts: {}, master };
}

const taskKey = (frameworkId: string, taskId: string): string => `${frameworkId}\u0000${taskId}`;

function plus(a: Amounts, b: Amounts, sign: 1 | -1): Amounts {
  const out = zero();
  for (const r of RESOURCES) out[r] = a[r] + sign * b[r];
  return out;
}

/** used − tasks, never below 0: a refresh that raced a task's start must not make the figures negative. */
function rest(used: Amounts, taskUsed: Amounts): Amounts {
  const out = zero();
  for (const r of RESOURCES) out[r] = Math.max(0, round3(used[r] - taskUsed[r]));
  return out;
}

function withEntry<K, V>(m: ReadonlyMap<K, V>, k: K, v: V | undefined): Map<K, V> {
  const n = new Map(m);
  if (v === undefined) n.delete(k);
  else n.set(k, v);
  return n;
}

function sumTasks(tasks: Iterable<OpTask>, keep: (t: OpTask) => boolean): { used: Amounts; n: number } {
  let used = zero();
  let n = 0;
  for (const t of tasks) {
    if (!keep(t)) continue;
    used = plus(used, t.resources, 1);
    n++;
  }
  return { used, n };
}

function allTasks(s: OperatorState): OpTask[] {
  const out: OpTask[] = [];
  for (const m of s.tasks.values()) out.push(...m.values());
  return out;
}

function agentEntry(a: OpAgent, taskUsed: Amounts): AgentEntry {
  const { id, hostname, active, deactivated, draining, total, offered } = a;
  return { id, hostname, active, deactivated, draining, total, taskUsed, otherUsed: rest(a.used, taskUsed), offered };
}

function frameworkEntry(f: OpFramework, tasks: number, taskUsed: Amounts): FrameworkEntry {
  const { id, name, active, connected, offered } = f;
  return { id, name, active, connected, tasks, taskUsed, otherUsed: rest(f.used, taskUsed), offered };
}

/** The state a SUBSCRIBED (or a refresh) describes, whole. */
export function fromCluster(cluster: OpCluster, master: MasterFacts): OperatorState {
  const tasks = new Map<string, Map<string, OpTask>>();
  const counts: Record<string, number> = {};
  const byAgent = new Map<string, Amounts>();
  const byFramework = new Map<string, { used: Amounts; n: number }>();
  for (const t of cluster.tasks) {
    if (TERMINAL.has(t.state)) continue;
    let m = tasks.get(t.agentId);
    if (!m) tasks.set(t.agentId, (m = new Map()));
    const key = taskKey(t.frameworkId, t.id);
    if (m.has(key)) continue;
    m.set(key, t);
    counts[t.state] = (counts[t.state] ?? 0) + 1;
    byAgent.set(t.agentId, plus(byAgent.get(t.agentId) ?? zero(), t.resources, 1));
    const f = byFramework.get(t.frameworkId) ?? { used: zero(), n: 0 };
    byFramework.set(t.frameworkId, { used: plus(f.used, t.resources, 1), n: f.n + 1 });
  }
  const agents = new Map(cluster.agents.map((a) => [a.id, agentEntry(a, byAgent.get(a.id) ?? zero())]));
  const frameworks = new Map(
    cluster.frameworks.map((f) => {
      const own = byFramework.get(f.id) ?? { used: zero(), n: 0 };
      return [f.id, frameworkEntry(f, own.n, own.used)];
    }),
  );
  return { agents, frameworks, tasks, counts, master };
}

/** Adds (+1) or removes (−1) a live task's share everywhere it counts. */
function account(s: OperatorState, t: OpTask, sign: 1 | -1): OperatorState {
  const key = taskKey(t.frameworkId, t.id);
  const mine = s.tasks.get(t.agentId) ?? new Map<string, OpTask>();
  const tasks = withEntry(s.tasks, t.agentId, withEntry(mine, key, sign > 0 ? t : undefined));
  let { agents, frameworks } = s;
  const a = agents.get(t.agentId);
  if (a) agents = withEntry(agents, a.id, { ...a, taskUsed: plus(a.taskUsed, t.resources, sign) });
  const f = frameworks.get(t.frameworkId);
  if (f) frameworks = withEntry(frameworks, f.id, { ...f, tasks: f.tasks + sign, taskUsed: plus(f.taskUsed, t.resources, sign) });
  const counts = { ...s.counts, [t.state]: (s.counts[t.state] ?? 0) + sign };
  if (counts[t.state] <= 0) delete counts[t.state];
  return { ...s, tasks, agents, frameworks, counts };
}

function findTask(s: OperatorState, frameworkId: string, taskId: string, agentId: string | null): OpTask | undefined {
  const key = taskKey(frameworkId, taskId);
  if (agentId !== null) return s.tasks.get(agentId)?.get(key);
  for (const m of s.tasks.values()) {
    const t = m.get(key);
    if (t) return t;
  }
  return undefined;
}

const ok = (state: OperatorState): Reduced => ({ state, problem: null });

/** An id from the stream, as a problem line may show it: cut short, and with any control character escaped. */
function shown(id: string): string {
  const cut = id.length > 48 ? `${id.slice(0, 47)}…` : id;
  return /^[\w.:@-]+$/.test(cut) ? cut : JSON.stringify(cut);
}

export function reduce(s: OperatorState, e: OperatorEvent): Reduced {
  switch (e.type) {
    case 'SUBSCRIBED':
      return ok(fromCluster(e.cluster, s.master));
    case 'HEARTBEAT':
      return ok(s);
    case 'TASK_ADDED': {
      const t = e.task;
      const old = findTask(s, t.frameworkId, t.id, t.agentId);
      let next = old ? account(s, old, -1) : s;
      if (!TERMINAL.has(t.state)) next = account(next, t, 1);
      const unknown = [...(s.agents.has(t.agentId) ? [] : [`agent ${shown(t.agentId)}`]), ...(s.frameworks.has(t.frameworkId) ? [] : [`framework ${shown(t.frameworkId)}`])];
      return {
        state: next,
        problem: unknown.length ? `TASK_ADDED for task ${shown(t.id)} names ${unknown.join(' and ')}, not announced on the stream; counted in the task totals only` : null,
      };
    }
    case 'TASK_UPDATED': {
      const t = findTask(s, e.frameworkId, e.taskId, e.agentId);
      if (!t) {
        if (TERMINAL.has(e.state)) return ok(s); // already gone: a repeat, or a task that ended before we subscribed
        return { state: s, problem: `TASK_UPDATED (${shown(e.state)}) for task ${shown(e.taskId)} of framework ${shown(e.frameworkId)} before its TASK_ADDED; skipped until the next refresh` };
      }
      if (t.state === e.state) return ok(s);
      const without = account(s, t, -1);
      return ok(TERMINAL.has(e.state) ? without : account(without, { ...t, state: e.state }, 1));
    }
    case 'AGENT_ADDED': {
      const mine = s.tasks.get(e.agent.id);
      const taskUsed = sumTasks(mine?.values() ?? [], () => true).used;
      return ok({ ...s, agents: withEntry(s.agents, e.agent.id, agentEntry(e.agent, taskUsed)) });
    }
    case 'AGENT_REMOVED': {
      if (!s.agents.has(e.agentId)) return { state: s, problem: `AGENT_REMOVED for agent ${shown(e.agentId)}, which the stream has not announced; ignored` };
      let next = s;
      for (const t of s.tasks.get(e.agentId)?.values() ?? []) next = account(next, t, -1);
      return ok({ ...next, agents: withEntry(next.agents, e.agentId, undefined), tasks: withEntry(next.tasks, e.agentId, undefined) });
    }
    case 'FRAMEWORK_ADDED':
    case 'FRAMEWORK_UPDATED': {
      const own = sumTasks(allTasks(s), (t) => t.frameworkId === e.framework.id);
      return ok({ ...s, frameworks: withEntry(s.frameworks, e.framework.id, frameworkEntry(e.framework, own.n, own.used)) });
    }
    case 'FRAMEWORK_REMOVED': {
      if (!s.frameworks.has(e.frameworkId)) return { state: s, problem: `FRAMEWORK_REMOVED for framework ${shown(e.frameworkId)}, which the stream has not announced; ignored` };
      let next = s;
      for (const t of allTasks(s)) if (t.frameworkId === e.frameworkId) next = account(next, t, -1);
      return ok({ ...next, frameworks: withEntry(next.frameworks, e.frameworkId, undefined) });
    }
  }
}

const used = (e: AgentEntry | FrameworkEntry, r: ResourceName): number => e.taskUsed[r] + e.otherUsed[r];

/** The ClusterSnapshot /state would give for the same cluster (see the note on terminal tasks above). */
export function snapshotOf(s: OperatorState): ClusterSnapshot {
  const total = zero();
  const usedAll = zero();
  const offered = zero();
  let active = 0;
  const agentList: AgentSummary[] = [];
  for (const a of s.agents.values()) {
    for (const r of RESOURCES) {
      total[r] += a.total[r];
      usedAll[r] += used(a, r);
      offered[r] += a.offered[r];
    }
    if (a.active) active++;
    agentList.push({
      id: a.id,
      hostname: a.hostname,
      active: a.active,
      cpus: use(a.total.cpus, used(a, 'cpus'), a.offered.cpus),
      mem: use(a.total.mem, used(a, 'mem'), a.offered.mem),
      ...(a.deactivated ? { deactivated: true as const } : {}),
      ...(a.draining ? { draining: true as const } : {}),
    });
  }
  const frameworkList: FrameworkSummary[] = [];
  let frameworksActive = 0;
  for (const f of s.frameworks.values()) {
    if (f.active) frameworksActive++;
    frameworkList.push({ id: f.id, name: f.name, active: f.active, tasks: f.tasks, cpusUsed: round3(used(f, 'cpus')), memUsed: round3(used(f, 'mem')) });
  }
  const byResource = (r: ResourceName) => use(total[r], usedAll[r], offered[r]);
  return {
    leader: s.master.leader,
    version: s.master.version,
    agents: { active, inactive: s.agents.size - active, unreachable: s.master.unreachable },
    cpus: byResource('cpus'),
    mem: byResource('mem'),
    disk: byResource('disk'),
    gpus: byResource('gpus'),
    frameworks: { active: frameworksActive },
    tasks: Object.fromEntries(Object.entries(s.counts).sort(([a], [b]) => (a < b ? -1 : 1))),
    agentList,
    frameworkList,
  };
}
