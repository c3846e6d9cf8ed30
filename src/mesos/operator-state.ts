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
// Maps are copied once per batch of events (reduceAll), tasks grouped by agent, so a batch costs O(agents), not
// O(tasks), and a single event no more.
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

/**
 * The next state being built from a previous one: its maps copied once, then changed in place, so a batch of events
 * costs one copy of the agent-sized maps, not one per event. The previous state is never touched.
 */
class Draft {
  agents: Map<string, AgentEntry>;
  frameworks: Map<string, FrameworkEntry>;
  tasks: Map<string, ReadonlyMap<string, OpTask>>;
  counts: Record<string, number>;
  master: MasterFacts;
  changed = false;
  /** Agents whose task map is this draft's own copy. */
  private readonly owned = new Set<string>();

  constructor(s: OperatorState) {
    this.agents = new Map(s.agents);
    this.frameworks = new Map(s.frameworks);
    this.tasks = new Map(s.tasks);
    this.counts = { ...s.counts };
    this.master = s.master;
  }

  state(): OperatorState {
    return { agents: this.agents, frameworks: this.frameworks, tasks: this.tasks, counts: this.counts, master: this.master };
  }

  replace(s: OperatorState): void {
    this.agents = new Map(s.agents);
    this.frameworks = new Map(s.frameworks);
    this.tasks = new Map(s.tasks);
    this.counts = { ...s.counts };
    this.owned.clear();
    this.changed = true;
  }

  private taskMap(agentId: string): Map<string, OpTask> {
    let m = this.tasks.get(agentId) as Map<string, OpTask> | undefined;
    if (!m || !this.owned.has(agentId)) {
      m = new Map(m ?? []);
      this.tasks.set(agentId, m);
      this.owned.add(agentId);
    }
    return m;
  }

  find(frameworkId: string, taskId: string, agentId: string | null): OpTask | undefined {
    const key = taskKey(frameworkId, taskId);
    if (agentId !== null) return this.tasks.get(agentId)?.get(key);
    for (const m of this.tasks.values()) {
      const t = m.get(key);
      if (t) return t;
    }
    return undefined;
  }

  /** Adds (+1) or removes (−1) a live task's share everywhere it counts. */
  account(t: OpTask, sign: 1 | -1): void {
    this.changed = true;
    const mine = this.taskMap(t.agentId);
    if (sign > 0) mine.set(taskKey(t.frameworkId, t.id), t);
    else mine.delete(taskKey(t.frameworkId, t.id));
    const a = this.agents.get(t.agentId);
    if (a) this.agents.set(a.id, { ...a, taskUsed: plus(a.taskUsed, t.resources, sign) });
    const f = this.frameworks.get(t.frameworkId);
    if (f) this.frameworks.set(f.id, { ...f, tasks: f.tasks + sign, taskUsed: plus(f.taskUsed, t.resources, sign) });
    this.counts[t.state] = (this.counts[t.state] ?? 0) + sign;
    if (this.counts[t.state] <= 0) delete this.counts[t.state];
  }

  /** Applies one event; returns a problem line, or null. */
  apply(e: OperatorEvent): string | null {
    switch (e.type) {
      case 'SUBSCRIBED':
        this.replace(fromCluster(e.cluster, this.master));
        return null;
      case 'HEARTBEAT':
        return null;
      case 'TASK_ADDED': {
        const t = e.task;
        const old = this.find(t.frameworkId, t.id, t.agentId);
        if (old) this.account(old, -1);
        if (!TERMINAL.has(t.state)) this.account(t, 1);
        const unknown = [...(this.agents.has(t.agentId) ? [] : [`agent ${shown(t.agentId)}`]), ...(this.frameworks.has(t.frameworkId) ? [] : [`framework ${shown(t.frameworkId)}`])];
        return unknown.length ? `TASK_ADDED for task ${shown(t.id)} names ${unknown.join(' and ')}, not announced on the stream; counted in the task totals only` : null;
      }
      case 'TASK_UPDATED': {
        const t = this.find(e.frameworkId, e.taskId, e.agentId);
        if (!t) {
          if (TERMINAL.has(e.state)) return null; // already gone: a repeat, or a task that ended before we subscribed
          return `TASK_UPDATED (${shown(e.state)}) for task ${shown(e.taskId)} of framework ${shown(e.frameworkId)} before its TASK_ADDED; skipped until the next refresh`;
        }
        if (t.state === e.state) return null;
        this.account(t, -1);
        if (!TERMINAL.has(e.state)) this.account({ ...t, state: e.state }, 1);
        return null;
      }
      case 'AGENT_ADDED': {
        const taskUsed = sumTasks(this.tasks.get(e.agent.id)?.values() ?? [], () => true).used;
        this.agents.set(e.agent.id, agentEntry(e.agent, taskUsed));
        this.changed = true;
        return null;
      }
      case 'AGENT_REMOVED': {
        if (!this.agents.has(e.agentId)) return `AGENT_REMOVED for agent ${shown(e.agentId)}, which the stream has not announced; ignored`;
        for (const t of [...(this.tasks.get(e.agentId)?.values() ?? [])]) this.account(t, -1);
        this.agents.delete(e.agentId);
        this.tasks.delete(e.agentId);
        this.changed = true;
        return null;
      }
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED': {
        const own = sumTasks(this.allTasks(), (t) => t.frameworkId === e.framework.id);
        this.frameworks.set(e.framework.id, frameworkEntry(e.framework, own.n, own.used));
        this.changed = true;
        return null;
      }
      case 'FRAMEWORK_REMOVED': {
        if (!this.frameworks.has(e.frameworkId)) return `FRAMEWORK_REMOVED for framework ${shown(e.frameworkId)}, which the stream has not announced; ignored`;
        for (const t of this.allTasks()) if (t.frameworkId === e.frameworkId) this.account(t, -1);
        this.frameworks.delete(e.frameworkId);
        this.changed = true;
        return null;
      }
    }
  }

  private allTasks(): OpTask[] {
    const out: OpTask[] = [];
    for (const m of this.tasks.values()) out.push(...m.values());
    return out;
  }
}

/** An id from the stream, as a problem line may show it: cut short, and with any control character escaped. */
function shown(id: string): string {
  const cut = id.length > 48 ? `${id.slice(0, 47)}…` : id;
  return /^[\w.:@-]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/** Several events in order, as one step: the state after them, the problem lines, and the tasks that ended. */
export function reduceAll(s: OperatorState, events: readonly OperatorEvent[]): { state: OperatorState; problems: string[]; ended: string[] } {
  const problems: string[] = [];
  const ended: string[] = [];
  if (events.every((e) => e.type === 'HEARTBEAT')) return { state: s, problems, ended };
  const d = new Draft(s);
  for (const e of events) {
    const known = e.type === 'TASK_UPDATED' && TERMINAL.has(e.state) ? d.find(e.frameworkId, e.taskId, e.agentId) : undefined;
    const problem = d.apply(e);
    if (problem) problems.push(problem);
    if (known && e.type === 'TASK_UPDATED') ended.push(e.state);
  }
  return { state: d.changed ? d.state() : s, problems, ended };
}

export function reduce(s: OperatorState, e: OperatorEvent): Reduced {
  const r = reduceAll(s, [e]);
  return { state: r.state, problem: r.problems[0] ?? null };
}

const used = (e: AgentEntry | FrameworkEntry, r: ResourceName): number => e.taskUsed[r] + e.otherUsed[r];

// Summaries by entry: an entry is replaced, never changed, when an event touches it, so a snapshot taken after a
// batch rebuilds only the summaries of what the batch touched (a busy stream at 1,000 agents touches a few) and the
// rest are the previous snapshot's objects. Weak, so entries that left the state take their summaries with them.
const agentSummaries = new WeakMap<AgentEntry, AgentSummary>();
const frameworkSummaries = new WeakMap<FrameworkEntry, FrameworkSummary>();

function agentSummary(a: AgentEntry): AgentSummary {
  let out = agentSummaries.get(a);
  if (!out) {
    out = {
      id: a.id,
      hostname: a.hostname,
      active: a.active,
      cpus: use(a.total.cpus, used(a, 'cpus'), a.offered.cpus),
      mem: use(a.total.mem, used(a, 'mem'), a.offered.mem),
      ...(a.deactivated ? { deactivated: true as const } : {}),
      ...(a.draining ? { draining: true as const } : {}),
    };
    agentSummaries.set(a, out);
  }
  return out;
}

function frameworkSummary(f: FrameworkEntry): FrameworkSummary {
  let out = frameworkSummaries.get(f);
  if (!out) {
    out = { id: f.id, name: f.name, active: f.active, tasks: f.tasks, cpusUsed: round3(used(f, 'cpus')), memUsed: round3(used(f, 'mem')) };
    frameworkSummaries.set(f, out);
  }
  return out;
}

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
    agentList.push(agentSummary(a));
  }
  const frameworkList: FrameworkSummary[] = [];
  let frameworksActive = 0;
  for (const f of s.frameworks.values()) {
    if (f.active) frameworksActive++;
    frameworkList.push(frameworkSummary(f));
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
    frameworks: { active: frameworksActive, registered: frameworkList.length },
    tasks: Object.fromEntries(Object.entries(s.counts).sort(([a], [b]) => (a < b ? -1 : 1))),
    agentList,
    frameworkList,
  };
}
