// startSimCluster: a simulated Mesos cluster on loopback, for `mesos-panel demo`, `sim-master`, tests and chaos runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimAgentNode } from './agent';
import { BackgroundLoad, type BackgroundLoadOptions } from './background-load';
import { type AgentSpec, ClusterModel } from './cluster-model';
import { type SimAgent } from './cluster-entities';
import { type MasterMode, SimMaster } from './master-http';
import { OperatorApi } from './operator-api';
import { type Clock, seededRng, systemClock } from './random';
import { SchedulerService } from './scheduler-api';

export interface SimClusterOptions {
  /** Number of agents (agent-1 … agent-N). Default 3. */
  agents?: number;
  /** Seed for ids and background load; the same seed and clock replay the same cluster. Default 1. */
  seed?: number;
  host?: string;
  /** Port of the first master; 0 (default) picks a free one. */
  port?: number;
  /** Extra masters over the same model that start as standbys redirecting to the first. Default 0. */
  standbys?: number;
  /** Resources of every agent: 4 cpus, 3800 MB mem, 28000 MB disk, 0 gpus, ports 31000-32000 unless given. */
  agentResources?: AgentSpec;
  /** Simulated "other" frameworks keeping a changing load. Default true. */
  background?: boolean;
  /** The shape of that load (its wave's length, its mean share of the CPUs); default BackgroundLoad's. */
  backgroundLoad?: BackgroundLoadOptions;
  clock?: Clock;
  /** How often background load and timeouts advance. 0 disables the timer (call tick() yourself). Default 250. */
  tickMs?: number;
  /** Inactive agents become unreachable after this long (Mesos: 75 s). */
  unreachableAfterMs?: number;
  /** HEARTBEAT period and the value in SUBSCRIBED. Default 15. */
  heartbeatIntervalSeconds?: number;
  /** How often offers are made. Default 1000 (Mesos --allocation_interval). */
  allocationIntervalMs?: number;
  /** First resend of an unacknowledged status update. Default 10000 (Mesos). */
  updateRetryMs?: number;
  /** An executor that has not subscribed by then is killed. Default 60000 (Mesos). */
  executorRegistrationTimeoutMs?: number;
  /** Where agents put sandboxes; default a fresh temp dir, removed on close. */
  workDir?: string;
  /** False: the masters have no operator API (POST /api/v1 answers 404, as before Mesos 1.0). Default true. */
  operatorApi?: boolean;
}

/** Run-time fault switches for tests and chaos runs. */
export interface SimFaults {
  /** Cuts the SUBSCRIBE connection of one framework, or of all. */
  dropSubscription(frameworkId?: string): void;
  /** The leader answers 503 to its next N requests. */
  unavailable(requests: number): void;
  /** Leader change: `master` leads, every other master answers 307 to it, and open subscriptions break. */
  redirectTo(master: SimMaster): void;
  /** The agent is gone: executors killed, its tasks TASK_LOST, FAILURE for the agent. */
  loseAgent(agentId: string): Promise<void>;
  /** Kills an executor process (SIGKILL by default); false when no such process runs. */
  killExecutor(frameworkId: string, executorId: string, agentId?: string, signal?: NodeJS.Signals): boolean;
  /** The next N UPDATE events are written twice. */
  duplicateUpdates(count: number): void;
  /** Every event is held this long before it is written (0 to stop). */
  delayEvents(ms: number): void;
  /** Stops (or restarts) HEARTBEAT events. */
  heartbeats(on: boolean): void;
  /** Silence: nothing at all is written on subscription streams while on. */
  silence(on: boolean): void;
  /** Everything back to normal. */
  reset(): void;
}

export interface SimCluster {
  /** URL of the first master. */
  readonly url: string;
  readonly port: number;
  readonly model: ClusterModel;
  readonly masters: SimMaster[];
  /** The master currently in leader mode, if any. */
  leader(): SimMaster | undefined;
  /** Sets a master's mode (default: the first master). */
  setMode(mode: MasterMode, master?: SimMaster): void;
  /** Makes `master` the leader; every other master redirects to it with 307. */
  failover(master: SimMaster): void;
  /** Starts another master over the same model, as a standby redirecting to the current leader. */
  addMaster(port?: number): Promise<SimMaster>;
  /** Advances background load and timeouts now. */
  tick(): void;
  /** The agents' executor-API servers, by agent id. */
  readonly agents: Map<string, SimAgentNode>;
  /** Registers one more agent and starts its server. */
  addAgent(spec?: AgentSpec): Promise<SimAgent>;
  readonly scheduler: SchedulerService;
  /** The operator API the masters serve, unless operatorApi was false. */
  readonly operator: OperatorApi | undefined;
  readonly faults: SimFaults;
  readonly workDir: string;
  close(): Promise<void>;
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const host = opts.host ?? '127.0.0.1';
  const model = new ClusterModel({ clock: opts.clock ?? systemClock, rng: seededRng(opts.seed ?? 1), unreachableAfterMs: opts.unreachableAfterMs });
  for (let i = 0; i < (opts.agents ?? 3); i++) model.addAgent(opts.agentResources);
  const load = opts.background === false ? undefined : new BackgroundLoad(model, opts.backgroundLoad);
  const workDir = opts.workDir ?? (await mkdtemp(join(tmpdir(), 'mesos-sim-')));
  const agents = new Map<string, SimAgentNode>();
  const scheduler = new SchedulerService({ model, agents, heartbeatIntervalSeconds: opts.heartbeatIntervalSeconds, allocationIntervalMs: opts.allocationIntervalMs });
  const startNode = async (agentId: string): Promise<void> => {
    const node = await SimAgentNode.start(model, agentId, {
      workRoot: workDir,
      link: scheduler,
      registrationTimeoutMs: opts.executorRegistrationTimeoutMs,
      updateRetryMs: opts.updateRetryMs,
    });
    agents.set(agentId, node);
  };
  for (const agent of model.registeredAgents()) await startNode(agent.id);
  const addAgent = async (spec: AgentSpec | undefined = opts.agentResources): Promise<SimAgent> => {
    const agent = model.addAgent(spec);
    await startNode(agent.id);
    return agent;
  };
  const operator = opts.operatorApi === false ? undefined : new OperatorApi(model, { heartbeatIntervalSeconds: opts.heartbeatIntervalSeconds });
  const startMaster = async (port: number | undefined, mode: MasterMode, id?: string): Promise<SimMaster> => {
    const master = await SimMaster.start({ model, host, port, mode, id, operator });
    master.scheduler = scheduler.handlerFor(master);
    masters.push(master);
    return master;
  };
  const masters: SimMaster[] = [];
  const stopAgents = async (): Promise<void> => {
    scheduler.close();
    await Promise.all([...agents.values()].map((a) => a.close()));
  };
  try {
    await startMaster(opts.port, { kind: 'leader' }, model.id);
  } catch (err) {
    // A busy port: what started so far would keep the process alive and the work folder on disk.
    await stopAgents();
    if (!opts.workDir) await rm(workDir, { recursive: true, force: true });
    throw err;
  }

  const leader = (): SimMaster | undefined => masters.find((m) => m.mode.kind === 'leader');
  const addMaster = async (port?: number): Promise<SimMaster> => {
    const current = leader();
    return startMaster(port, current ? { kind: 'redirect', leader: current } : { kind: 'no-leader' });
  };
  const failover = (next: SimMaster): void => {
    next.setMode({ kind: 'leader' });
    for (const m of masters) {
      if (m === next) continue;
      m.setMode({ kind: 'redirect', leader: next });
      scheduler.streams.closeServedBy(m);
      operator?.closeServedBy(m);
    }
  };
  for (let i = 0; i < (opts.standbys ?? 0); i++) await addMaster();

  const tick = (): void => {
    load?.step();
    model.checkTimeouts();
  };
  tick();
  const tickMs = opts.tickMs ?? 250;
  const timer = tickMs > 0 ? setInterval(tick, tickMs) : undefined;
  timer?.unref();

  return {
    url: masters[0].url,
    port: masters[0].port,
    model,
    masters,
    leader,
    setMode: (mode, master = masters[0]) => {
      master.setMode(mode);
      if (mode.kind !== 'leader') {
        scheduler.streams.closeServedBy(master);
        operator?.closeServedBy(master);
      }
    },
    failover,
    addMaster,
    tick,
    agents,
    addAgent,
    scheduler,
    operator,
    workDir,
    faults: makeFaults(model, masters, agents, scheduler, failover, leader),
    close: async () => {
      if (timer) clearInterval(timer);
      operator?.close();
      await stopAgents();
      await Promise.all(masters.map((m) => m.close()));
      if (!opts.workDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}

function makeFaults(
  model: ClusterModel,
  masters: SimMaster[],
  agents: Map<string, SimAgentNode>,
  scheduler: SchedulerService,
  failover: (m: SimMaster) => void,
  leader: () => SimMaster | undefined,
): SimFaults {
  const streamFaults = scheduler.streams.faults;
  return {
    dropSubscription: (frameworkId) => {
      const ids = frameworkId ? [frameworkId] : [...model.frameworks.keys()];
      for (const id of ids) scheduler.streams.drop(id);
    },
    unavailable: (requests) => {
      const m = leader();
      if (m) m.faults.unavailable = requests;
    },
    redirectTo: failover,
    loseAgent: async (agentId) => {
      await agents.get(agentId)?.lose();
      model.markUnreachable(agentId);
    },
    killExecutor: (frameworkId, executorId, agentId, signal) => {
      const nodes = agentId ? [agents.get(agentId)] : [...agents.values()];
      return nodes.some((n) => n?.killExecutor(frameworkId, executorId, signal) ?? false);
    },
    duplicateUpdates: (count) => void (streamFaults.duplicateUpdates = count),
    delayEvents: (ms) => void (streamFaults.eventDelayMs = ms),
    heartbeats: (on) => void (streamFaults.heartbeats = on),
    silence: (on) => void (streamFaults.silent = on),
    reset: () => {
      Object.assign(streamFaults, { eventDelayMs: 0, duplicateUpdates: 0, heartbeats: true, silent: false });
      for (const m of masters) m.faults.reset();
    },
  };
}

export type { MasterMode, MasterAddress } from './master-http';
export { SimMaster } from './master-http';
export { ClusterModel } from './cluster-model';
export type { SimAgentNode } from './agent';
export { manualClock, seededRng } from './random';
