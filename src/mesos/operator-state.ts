// The cluster as the operator event stream keeps it, changed in place event by event, and the pure reducer
// (state, event) → state over it for tests and fuzzing.
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
// Cost: the daemon keeps one state and applies each batch of events to it in place (apply, applyAll), so an event
// costs the same at 10 agents as at 5,000: no map is copied, the cluster's totals are running sums, and a snapshot,
// built only when asked for after a change, rebuilds the summaries of the agents and frameworks that changed since
// the last one (operator-listing.ts). Agent and framework entries are replaced, never changed, so a snapshot or a
// copy may share them. `reduce` is the same step on a copy, for tests and fuzzing: O(tasks) a call.
import type { OpAgent, OpCluster, OpFramework, OpTask, OperatorEvent } from './operator-events';
import { type AgentEntry, Entries, type FrameworkEntry, Totals, agentSummary, frameworkSummary } from './operator-listing';
import type { AgentSummary, ClusterSnapshot, FrameworkSummary } from './snapshot';
import type { StateSummary } from './state-summary';
import { RESOURCES } from './snapshot';
import { type Amounts, round3, zero } from './state-parse';

export type { AgentEntry, FrameworkEntry };

/** What the stream never says (it has no master information at all), read by the refresh. */
export interface MasterFacts {
  leader: string | null;
  version: string | null;
  unreachable: number;
  /** When the master started, ms since epoch (`start_time`). */
  startedAt: number | null;
}

export interface Reduced {
  state: OperatorState;
  /** One line when the event did not fit the state (and was skipped or applied in part), else null. */
  problem: string | null;
}

/** A batch applied: the problem lines, and the terminal states of the known tasks that ended. */
export interface Applied {
  problems: string[];
  ended: string[];
}

/** States after which a task leaves /state's `tasks` (TASK_UNREACHABLE moves to `unreachable_tasks`). */
export const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNREACHABLE']);

const NO_MASTER: MasterFacts = { leader: null, version: null, unreachable: 0, startedAt: null };

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

/** An id from the stream, as a problem line may show it: cut short, and with any control character escaped. */
function shown(id: string): string {
  const cut = id.length > 48 ? `${id.slice(0, 47)}…` : id;
  return /^[\w.:@-]+$/.test(cut) ? cut : JSON.stringify(cut);
}

export class OperatorState {
  private agentEntries = new Entries<AgentEntry, AgentSummary>(agentSummary);
  private frameworkEntries = new Entries<FrameworkEntry, FrameworkSummary>(frameworkSummary);
  /** Live (non-terminal) tasks: agent id → task key → task. */
  private taskMap = new Map<string, Map<string, OpTask>>();
  private countMap: Record<string, number> = {};
  private totals = new Totals();
  private frameworksActive = 0;
  private version = 0;
  private snap: ClusterSnapshot | null = null;

  constructor(private facts: MasterFacts = NO_MASTER) {}

  get master(): MasterFacts {
    return this.facts;
  }

  get agents(): ReadonlyMap<string, AgentEntry> {
    return this.agentEntries.map;
  }

  get frameworks(): ReadonlyMap<string, FrameworkEntry> {
    return this.frameworkEntries.map;
  }

  /** Live tasks by state. */
  get counts(): Readonly<Record<string, number>> {
    return this.countMap;
  }

  /** An independent state equal to this one: task maps copied, entries (never changed in place) shared. */
  copy(): OperatorState {
    const out = new OperatorState(this.facts);
    out.agentEntries = this.agentEntries.copy();
    out.frameworkEntries = this.frameworkEntries.copy();
    for (const [agentId, m] of this.taskMap) out.taskMap.set(agentId, new Map(m));
    out.countMap = { ...this.countMap };
    out.totals = this.totals.copy();
    out.frameworksActive = this.frameworksActive;
    out.version = this.version;
    out.snap = this.snap;
    return out;
  }

  /** The ClusterSnapshot /state would give for the same cluster (see the note on terminal tasks above). */
  snapshot(): ClusterSnapshot {
    if (this.snap) return this.snap;
    const agentList = this.agentEntries.summaries();
    const frameworkList = this.frameworkEntries.summaries();
    const active = this.totals.activeAgents;
    this.snap = {
      leader: this.master.leader,
      version: this.master.version,
      agents: { active, inactive: this.agents.size - active, unreachable: this.master.unreachable },
      cpus: this.totals.use('cpus'),
      mem: this.totals.use('mem'),
      disk: this.totals.use('disk'),
      gpus: this.totals.use('gpus'),
      frameworks: { active: this.frameworksActive, registered: this.frameworks.size },
      tasks: Object.fromEntries(Object.entries(this.countMap).sort(([a], [b]) => (a < b ? -1 : 1))),
      agentList,
      frameworkList,
    };
    return this.snap;
  }

  /** Applies events in order, in place. */
  applyAll(events: Iterable<OperatorEvent>): Applied {
    const problems: string[] = [];
    const ended: string[] = [];
    for (const e of events) {
      const known = e.type === 'TASK_UPDATED' && TERMINAL.has(e.state) && this.find(e.frameworkId, e.taskId, e.agentId) !== undefined;
      const problem = this.apply(e);
      if (problem) problems.push(problem);
      if (known && e.type === 'TASK_UPDATED') ended.push(e.state);
    }
    return { problems, ended };
  }

  /** Applies one event in place; returns a problem line, or null. */
  apply(e: OperatorEvent): string | null {
    switch (e.type) {
      case 'SUBSCRIBED':
        this.load(e.cluster);
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
          return `TASK_UPDATED (${shown(e.state)}) for task ${shown(e.taskId)} of framework ${shown(e.frameworkId)} before its TASK_ADDED; skipped`;
        }
        if (t.state === e.state) return null;
        this.account(t, -1);
        if (!TERMINAL.has(e.state)) this.account({ ...t, state: e.state }, 1);
        return null;
      }
      case 'AGENT_ADDED': {
        const taskUsed = sumTasks(this.taskMap.get(e.agent.id)?.values() ?? [], () => true).used;
        this.setAgent(agentEntry(e.agent, taskUsed));
        return null;
      }
      case 'AGENT_REMOVED': {
        if (!this.agents.has(e.agentId)) return `AGENT_REMOVED for agent ${shown(e.agentId)}, which the stream has not announced; ignored`;
        for (const t of [...(this.taskMap.get(e.agentId)?.values() ?? [])]) this.account(t, -1);
        this.setAgent(e.agentId);
        this.taskMap.delete(e.agentId);
        return null;
      }
      case 'FRAMEWORK_ADDED':
      case 'FRAMEWORK_UPDATED': {
        // A known framework's task figures are kept up by every task event; only one not seen before is counted.
        const old = this.frameworks.get(e.framework.id);
        const own = old ? { n: old.tasks, used: old.taskUsed } : sumTasks(this.allTasks(), (t) => t.frameworkId === e.framework.id);
        this.setFramework(frameworkEntry(e.framework, own.n, own.used));
        return null;
      }
      case 'FRAMEWORK_REMOVED': {
        if (!this.frameworks.has(e.frameworkId)) return `FRAMEWORK_REMOVED for framework ${shown(e.frameworkId)}, which the stream has not announced; ignored`;
        for (const t of [...this.allTasks()]) if (t.frameworkId === e.frameworkId) this.account(t, -1);
        this.setFramework(e.frameworkId);
        return null;
      }
    }
  }

  /**
   * Takes in a refresh, in place: the master facts, and unless null the agents and frameworks of /state-summary,
   * which replace the ones held. The live tasks stay as the events left them, but for those on agents or of
   * frameworks the summary no longer lists (gone without an event: an agent marked unreachable); the caller then
   * replays the events that arrived while the refresh was in flight, as they may be newer than the summary. What
   * executors hold (used − the tasks' share) is taken only where the summary counted as many live tasks as are held:
   * otherwise the two describe different moments, and the figure the entry had is kept until the next refresh.
   */
  refresh(master: Omit<MasterFacts, 'unreachable'> & { unreachable: number | null }, summary: StateSummary | null): void {
    this.changed();
    this.facts = { ...master, unreachable: master.unreachable ?? this.facts.unreachable };
    if (!summary) return;
    const agentIds = new Set(summary.agents.map((a) => a.id));
    const frameworkIds = new Set(summary.frameworks.map((f) => f.id));
    const byFramework = new Map<string, { used: Amounts; n: number }>();
    for (const t of [...this.allTasks()]) {
      if (!agentIds.has(t.agentId) || !frameworkIds.has(t.frameworkId)) {
        this.account(t, -1);
        continue;
      }
      let f = byFramework.get(t.frameworkId);
      if (!f) byFramework.set(t.frameworkId, (f = { used: zero(), n: 0 }));
      f.used = plus(f.used, t.resources, 1);
      f.n++;
    }
    for (const id of [...this.agents.keys()]) if (!agentIds.has(id)) this.setAgent(id);
    for (const id of [...this.frameworks.keys()]) if (!frameworkIds.has(id)) this.setFramework(id);
    for (const a of summary.agents) {
      const held = this.taskMap.get(a.id);
      const next = agentEntry(a, sumTasks(held?.values() ?? [], () => true).used);
      const old = this.agents.get(a.id);
      this.setAgent(old && (held?.size ?? 0) !== a.liveTasks ? { ...next, otherUsed: old.otherUsed } : next);
    }
    for (const f of summary.frameworks) {
      const own = byFramework.get(f.id) ?? { used: zero(), n: 0 };
      const next = frameworkEntry(f, own.n, own.used);
      const old = this.frameworks.get(f.id);
      this.setFramework(old && own.n !== f.liveTasks ? { ...next, otherUsed: old.otherUsed } : next);
    }
  }

  /** Replaces everything with the cluster a SUBSCRIBED describes. */
  private load(cluster: OpCluster): void {
    this.changed();
    this.agentEntries = new Entries<AgentEntry, AgentSummary>(agentSummary);
    this.frameworkEntries = new Entries<FrameworkEntry, FrameworkSummary>(frameworkSummary);
    this.taskMap = new Map();
    this.countMap = {};
    this.totals = new Totals();
    this.frameworksActive = 0;
    const byAgent = new Map<string, Amounts>();
    const byFramework = new Map<string, { used: Amounts; n: number }>();
    for (const t of cluster.tasks) {
      if (TERMINAL.has(t.state)) continue;
      let m = this.taskMap.get(t.agentId);
      if (!m) this.taskMap.set(t.agentId, (m = new Map()));
      const key = taskKey(t.frameworkId, t.id);
      if (m.has(key)) continue;
      m.set(key, t);
      this.countMap[t.state] = (this.countMap[t.state] ?? 0) + 1;
      let a = byAgent.get(t.agentId);
      if (!a) byAgent.set(t.agentId, (a = zero()));
      let f = byFramework.get(t.frameworkId);
      if (!f) byFramework.set(t.frameworkId, (f = { used: zero(), n: 0 }));
      f.n++;
      for (const r of RESOURCES) {
        a[r] += t.resources[r];
        f.used[r] += t.resources[r];
      }
    }
    for (const a of cluster.agents) this.setAgent(agentEntry(a, byAgent.get(a.id) ?? zero()));
    for (const f of cluster.frameworks) {
      const own = byFramework.get(f.id) ?? { used: zero(), n: 0 };
      this.setFramework(frameworkEntry(f, own.n, own.used));
    }
  }

  private changed(): void {
    this.version++;
    this.snap = null;
  }

  /** Puts in (an entry) or takes out (an id) an agent, its figures with it. */
  private setAgent(a: AgentEntry | string): void {
    this.changed();
    const old = typeof a === 'string' ? this.agentEntries.drop(a) : this.agentEntries.set(a);
    if (old) this.totals.agent(old, -1);
    if (typeof a !== 'string') this.totals.agent(a, 1);
  }

  /** Puts in (an entry) or takes out (an id) a framework. */
  private setFramework(f: FrameworkEntry | string): void {
    this.changed();
    const old = typeof f === 'string' ? this.frameworkEntries.drop(f) : this.frameworkEntries.set(f);
    if (old?.active) this.frameworksActive--;
    if (typeof f !== 'string' && f.active) this.frameworksActive++;
  }

  private find(frameworkId: string, taskId: string, agentId: string | null): OpTask | undefined {
    const key = taskKey(frameworkId, taskId);
    if (agentId !== null) return this.taskMap.get(agentId)?.get(key);
    for (const m of this.taskMap.values()) {
      const t = m.get(key);
      if (t) return t;
    }
    return undefined;
  }

  /** Adds (+1) or removes (−1) a live task's share everywhere it counts. */
  private account(t: OpTask, sign: 1 | -1): void {
    this.changed();
    const key = taskKey(t.frameworkId, t.id);
    let mine = this.taskMap.get(t.agentId);
    if (sign > 0) {
      if (!mine) this.taskMap.set(t.agentId, (mine = new Map()));
      mine.set(key, t);
    } else mine?.delete(key);
    const a = this.agents.get(t.agentId);
    if (a) this.setAgent({ ...a, taskUsed: plus(a.taskUsed, t.resources, sign) });
    const f = this.frameworks.get(t.frameworkId);
    if (f) this.setFramework({ ...f, tasks: f.tasks + sign, taskUsed: plus(f.taskUsed, t.resources, sign) });
    this.countMap[t.state] = (this.countMap[t.state] ?? 0) + sign;
    if (this.countMap[t.state] <= 0) delete this.countMap[t.state];
  }

  private *allTasks(): Iterable<OpTask> {
    for (const m of this.taskMap.values()) yield* m.values();
  }

  /** How many changes the state has seen: reduce compares it to tell whether an event changed anything. */
  get changes(): number {
    return this.version;
  }
}

export function emptyState(master: MasterFacts = NO_MASTER): OperatorState {
  return new OperatorState(master);
}

/** The state a SUBSCRIBED describes, whole. */
export function fromCluster(cluster: OpCluster, master: MasterFacts): OperatorState {
  const s = new OperatorState(master);
  s.apply({ type: 'SUBSCRIBED', cluster, heartbeatSeconds: null });
  return s;
}

/** One event as a pure step: `s` is left as it was, and comes back itself when the event changed nothing. */
export function reduce(s: OperatorState, e: OperatorEvent): Reduced {
  const next = s.copy();
  const problem = next.apply(e);
  return { state: next.changes === s.changes ? s : next, problem };
}

export function snapshotOf(s: OperatorState): ClusterSnapshot {
  return s.snapshot();
}
