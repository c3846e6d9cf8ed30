// The shared state of a simulated Mesos cluster: agents, frameworks, tasks, executors and offers.
// Every master in a simulation (the leader and any redirecting standbys) serves views of one model, the way a
// real master's /state is a view of its in-memory registry (src/master/master.hpp: Slaves, Framework, Task).
import { EventEmitter } from 'node:events';
import { type Clock, type Rng } from './random';
import { type Range, type Resources, subtract, sum } from './resources';
import { type SimAgent, type SimFramework, type SimOffer, type SimTask, TERMINAL_STATES, type TaskStatusEntry } from './cluster-entities';

// Mesos flags --max_completed_tasks_per_framework, --max_unreachable_tasks_per_framework and
// --max_completed_frameworks (master/constants.hpp), as the recorded master's flags show.
const MAX_COMPLETED_TASKS = 1000;
const MAX_COMPLETED_FRAMEWORKS = 50;

export interface ModelEvents {
  /** An agent passed the ping timeout: its tasks are now unreachable and its offers gone. */
  agentUnreachable: [agent: SimAgent, tasks: SimTask[]];
  agentInactive: [agent: SimAgent];
  agentActive: [agent: SimAgent];
  offerRescinded: [offer: SimOffer];
  /** A disconnected framework outlived its failover timeout (Master::removeFramework). */
  frameworkRemoved: [framework: SimFramework];
}

export interface ClusterModelOptions {
  clock: Clock;
  rng: Rng;
  /** Time an inactive agent stays in `slaves` before it becomes unreachable; Mesos: 5 pings × 15 s. */
  unreachableAfterMs?: number;
}

export interface AgentSpec {
  hostname?: string;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  ports?: Range[];
  port?: number;
}

export class ClusterModel extends EventEmitter {
  readonly id: string;
  readonly startTime: number;
  readonly agents = new Map<string, SimAgent>();
  readonly frameworks = new Map<string, SimFramework>();
  readonly completedFrameworks: SimFramework[] = [];
  readonly removedFrameworkIds = new Set<string>();
  /** Tasks that ever reached each terminal state: the master/tasks_* counters of /metrics/snapshot. */
  readonly terminalCounts = new Map<string, number>();
  readonly clock: Clock;
  readonly rng: Rng;
  private readonly unreachableAfterMs: number;
  private agentSeq = 0;
  private frameworkSeq = 0;
  private offerSeq = 0;

  constructor(opts: ClusterModelOptions) {
    super();
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.id = opts.rng.uuid();
    this.startTime = this.nowSecs();
    this.unreachableAfterMs = opts.unreachableAfterMs ?? 75_000;
  }

  override emit<K extends keyof ModelEvents>(event: K, ...args: ModelEvents[K]): boolean {
    return super.emit(event, ...args);
  }

  override on<K extends keyof ModelEvents>(event: K, listener: (...args: ModelEvents[K]) => void): this {
    return super.on(event, listener as (...a: unknown[]) => void);
  }

  nowSecs(): number {
    return this.clock() / 1000;
  }

  addAgent(spec: AgentSpec = {}): SimAgent {
    const n = ++this.agentSeq;
    // Agent ids are the registering master's id plus S<n> (Master::newSlaveId).
    const agent: SimAgent = {
      id: `${this.id}-S${n - 1}`,
      hostname: spec.hostname ?? `agent-${n}`,
      ip: '127.0.0.1',
      port: spec.port ?? 5051,
      resources: {
        cpus: spec.cpus ?? 4,
        mem: spec.mem ?? 3800,
        disk: spec.disk ?? 28000,
        gpus: spec.gpus ?? 0,
        ports: spec.ports ?? [[31000, 32000]],
      },
      registeredTime: this.nowSecs(),
      status: 'active',
    };
    this.agents.set(agent.id, agent);
    return agent;
  }

  /** The agent's connection dropped: /state shows it inactive at once (mesos.md f) and its offers are rescinded. */
  disconnectAgent(agentId: string): void {
    const agent = this.requireAgent(agentId);
    if (agent.status !== 'active') return;
    agent.status = 'inactive';
    agent.inactiveSince = this.clock();
    this.rescindOffersOn(agentId);
    this.emit('agentInactive', agent);
  }

  /** The agent fails its health checks: it leaves `slaves`, its tasks become unreachable (Master::markUnreachable). */
  markUnreachable(agentId: string): SimTask[] {
    const agent = this.requireAgent(agentId);
    if (agent.status === 'unreachable') return [];
    agent.status = 'unreachable';
    this.rescindOffersOn(agentId);
    const lost: SimTask[] = [];
    for (const fw of this.frameworks.values()) {
      for (const task of [...fw.tasks.values()]) {
        if (task.agentId !== agentId) continue;
        fw.tasks.delete(task.id);
        task.state = 'TASK_UNREACHABLE';
        task.statuses.push({ state: 'TASK_UNREACHABLE', timestamp: this.nowSecs() });
        pushCapped(fw.unreachableTasks, task, MAX_COMPLETED_TASKS);
        lost.push(task);
      }
      for (const [key, ex] of fw.executors) if (ex.agentId === agentId) fw.executors.delete(key);
    }
    this.emit('agentUnreachable', agent, lost);
    return lost;
  }

  /** The agent (re-)registers: it is active again with a fresh work directory, as after an agent restart. */
  reconnectAgent(agentId: string): void {
    const agent = this.requireAgent(agentId);
    if (agent.status === 'active') return;
    agent.status = 'active';
    agent.inactiveSince = undefined;
    agent.reregisteredTime = this.nowSecs();
    this.emit('agentActive', agent);
  }

  requireAgent(agentId: string): SimAgent {
    const agent = this.agents.get(agentId);
    if (!agent) throw new Error(`unknown agent '${agentId}': use one of ${[...this.agents.keys()].join(', ')}`);
    return agent;
  }

  /** Registered agents, i.e. those listed in /state `slaves` (active or not). */
  registeredAgents(): SimAgent[] {
    return [...this.agents.values()].filter((a) => a.status !== 'unreachable');
  }

  addFramework(fields: Partial<SimFramework> & { name: string; user: string }): SimFramework {
    const fw: SimFramework = {
      id: `${this.id}-${String(this.frameworkSeq++).padStart(4, '0')}`,
      hostname: '',
      webuiUrl: '',
      roles: ['*'],
      capabilities: [],
      failoverTimeout: 0,
      checkpoint: false,
      registeredTime: this.nowSecs(),
      unregisteredTime: 0,
      active: true,
      connected: true,
      tasks: new Map(),
      completedTasks: [],
      unreachableTasks: [],
      offers: new Map(),
      executors: new Map(),
      background: false,
      ...fields,
    };
    this.frameworks.set(fw.id, fw);
    return fw;
  }

  /** Kills the framework's tasks and moves it to completed_frameworks (Master::removeFramework). */
  removeFramework(fw: SimFramework): void {
    for (const task of fw.tasks.values()) {
      if (!TERMINAL_STATES.has(task.state)) this.setTaskState(task, 'TASK_KILLED');
      pushCapped(fw.completedTasks, task, MAX_COMPLETED_TASKS);
    }
    fw.tasks.clear();
    fw.offers.clear();
    fw.executors.clear();
    fw.active = false;
    fw.connected = false;
    fw.unregisteredTime = this.nowSecs();
    this.frameworks.delete(fw.id);
    this.removedFrameworkIds.add(fw.id);
    pushCapped(this.completedFrameworks, fw, MAX_COMPLETED_FRAMEWORKS);
    this.emit('frameworkRemoved', fw);
  }

  /**
   * Records a task's new state and the status that brought it (Master::updateTask): `usedOn` stops counting a
   * terminal task at once, which is the master recovering its resources. `statusState` is the state of the
   * status itself when the agent's latest state is ahead of it; a status of the same state as the last one
   * replaces it, as the master keeps one entry per state in a row.
   */
  setTaskState(task: SimTask, state: string, containerStatus?: unknown, statusState = state): void {
    if (TERMINAL_STATES.has(state) && !TERMINAL_STATES.has(task.state)) this.terminalCounts.set(state, (this.terminalCounts.get(state) ?? 0) + 1);
    task.state = state;
    const entry: TaskStatusEntry = { state: statusState, timestamp: this.nowSecs() };
    if (containerStatus !== undefined) entry.container_status = containerStatus;
    if (task.statuses[task.statuses.length - 1]?.state === statusState) task.statuses.pop();
    task.statuses.push(entry);
  }

  /** Moves a terminal task to completed_tasks (Master::removeTask, run when its terminal update is acknowledged). */
  completeTask(task: SimTask): void {
    const fw = this.frameworks.get(task.frameworkId);
    if (!fw || fw.tasks.get(task.id) !== task) return;
    fw.tasks.delete(task.id);
    pushCapped(fw.completedTasks, task, MAX_COMPLETED_TASKS);
  }

  newOfferId(): string {
    return `${this.id}-O${this.offerSeq++}`;
  }

  addOffer(frameworkId: string, agentId: string, resources: Resources): SimOffer {
    const offer: SimOffer = { id: this.newOfferId(), frameworkId, agentId, resources };
    this.frameworks.get(frameworkId)?.offers.set(offer.id, offer);
    return offer;
  }

  findOffer(offerId: string): SimOffer | undefined {
    for (const fw of this.frameworks.values()) {
      const offer = fw.offers.get(offerId);
      if (offer) return offer;
    }
    return undefined;
  }

  removeOffer(offer: SimOffer): void {
    this.frameworks.get(offer.frameworkId)?.offers.delete(offer.id);
  }

  rescindOffersOn(agentId: string): void {
    for (const fw of this.frameworks.values()) {
      for (const offer of [...fw.offers.values()]) {
        if (offer.agentId !== agentId) continue;
        fw.offers.delete(offer.id);
        this.emit('offerRescinded', offer);
      }
    }
  }

  /** Resources held by live tasks and executors on the agent (SlaveWriter's used_resources). */
  usedOn(agentId: string): Resources {
    const parts: Resources[] = [];
    for (const fw of this.frameworks.values()) {
      for (const t of fw.tasks.values()) if (t.agentId === agentId && !TERMINAL_STATES.has(t.state)) parts.push(t.resources);
      for (const ex of fw.executors.values()) if (ex.agentId === agentId) parts.push(ex.resources);
    }
    return sum(parts);
  }

  offeredOn(agentId: string): Resources {
    const parts: Resources[] = [];
    for (const fw of this.frameworks.values()) for (const o of fw.offers.values()) if (o.agentId === agentId) parts.push(o.resources);
    return sum(parts);
  }

  /**
   * usedOn and offeredOn of every agent in one pass, in the same order of addition, so the sums are the same: a
   * /state of thousands of agents would otherwise go over every task once per agent.
   */
  usageByAgent(): Map<string, { used: Resources; offered: Resources }> {
    const used = new Map<string, Resources[]>();
    const offered = new Map<string, Resources[]>();
    const push = (m: Map<string, Resources[]>, id: string, r: Resources) => (m.get(id) ?? m.set(id, []).get(id)!).push(r);
    for (const fw of this.frameworks.values()) {
      for (const t of fw.tasks.values()) if (!TERMINAL_STATES.has(t.state)) push(used, t.agentId, t.resources);
      for (const ex of fw.executors.values()) push(used, ex.agentId, ex.resources);
    }
    for (const fw of this.frameworks.values()) for (const o of fw.offers.values()) push(offered, o.agentId, o.resources);
    const out = new Map<string, { used: Resources; offered: Resources }>();
    for (const id of this.agents.keys()) out.set(id, { used: sum(used.get(id) ?? []), offered: sum(offered.get(id) ?? []) });
    return out;
  }

  freeOn(agentId: string): Resources {
    const agent = this.requireAgent(agentId);
    return subtract(subtract(agent.resources, this.usedOn(agentId)), this.offeredOn(agentId));
  }

  usedBy(fw: SimFramework): Resources {
    const parts: Resources[] = [];
    for (const t of fw.tasks.values()) if (!TERMINAL_STATES.has(t.state)) parts.push(t.resources);
    for (const ex of fw.executors.values()) parts.push(ex.resources);
    return sum(parts);
  }

  offeredTo(fw: SimFramework): Resources {
    return sum([...fw.offers.values()].map((o) => o.resources));
  }

  /** Inactive agents past the ping timeout become unreachable; disconnected frameworks past failover are removed. */
  checkTimeouts(): void {
    const now = this.clock();
    for (const agent of this.agents.values()) {
      if (agent.status === 'inactive' && now - (agent.inactiveSince ?? now) >= this.unreachableAfterMs) this.markUnreachable(agent.id);
    }
    for (const fw of [...this.frameworks.values()]) {
      if (fw.disconnectedAt !== undefined && now - fw.disconnectedAt >= fw.failoverTimeout * 1000) this.removeFramework(fw);
    }
  }

  totals(): { total: Resources; used: Resources; offered: Resources } {
    const agents = this.registeredAgents();
    return {
      total: sum(agents.map((a) => a.resources)),
      used: sum(agents.map((a) => this.usedOn(a.id))),
      offered: sum(agents.map((a) => this.offeredOn(a.id))),
    };
  }
}

export function pushCapped<T>(list: T[], item: T, cap: number): void {
  list.push(item);
  if (list.length > cap) list.splice(0, list.length - cap);
}
