// startSimCluster: a simulated Mesos cluster on loopback, for `mesos-panel demo`, `sim-master`, tests and chaos runs.
import { BackgroundLoad } from './background-load';
import { type AgentSpec, ClusterModel } from './cluster-model';
import { type MasterMode, SimMaster } from './master-http';
import { type Clock, seededRng, systemClock } from './random';

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
  clock?: Clock;
  /** How often background load and timeouts advance. 0 disables the timer (call tick() yourself). Default 250. */
  tickMs?: number;
  /** Inactive agents become unreachable after this long (Mesos: 75 s). */
  unreachableAfterMs?: number;
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
  close(): Promise<void>;
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const host = opts.host ?? '127.0.0.1';
  const model = new ClusterModel({ clock: opts.clock ?? systemClock, rng: seededRng(opts.seed ?? 1), unreachableAfterMs: opts.unreachableAfterMs });
  for (let i = 0; i < (opts.agents ?? 3); i++) model.addAgent(opts.agentResources);
  const load = opts.background === false ? undefined : new BackgroundLoad(model);
  const masters: SimMaster[] = [await SimMaster.start({ model, host, port: opts.port, id: model.id })];

  const leader = (): SimMaster | undefined => masters.find((m) => m.mode.kind === 'leader');
  const addMaster = async (port?: number): Promise<SimMaster> => {
    const current = leader();
    const master = await SimMaster.start({ model, host, port, mode: current ? { kind: 'redirect', leader: current } : { kind: 'no-leader' } });
    masters.push(master);
    return master;
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
    setMode: (mode, master = masters[0]) => master.setMode(mode),
    failover: (next) => {
      next.setMode({ kind: 'leader' });
      for (const m of masters) if (m !== next) m.setMode({ kind: 'redirect', leader: next });
    },
    addMaster,
    tick,
    close: async () => {
      if (timer) clearInterval(timer);
      await Promise.all(masters.map((m) => m.close()));
    },
  };
}

export type { MasterMode, MasterAddress } from './master-http';
export { SimMaster } from './master-http';
export { ClusterModel } from './cluster-model';
export { manualClock, seededRng } from './random';
