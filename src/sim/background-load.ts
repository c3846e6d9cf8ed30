// Simulated "other" frameworks that keep a live, varying load on the cluster, so the panel has something to show.
// Their tasks are command tasks (executor_id ""), started and finished by the model itself; the load follows a
// slow wave plus seeded noise, so a given seed and clock always give the same cluster history.
import { type ClusterModel } from './cluster-model';
import { type SimFramework, type SimTask, TERMINAL_STATES } from './cluster-entities';
import { type Resources, fits } from './resources';

interface TaskKind {
  name: string;
  resources: Resources;
  minSecs: number;
  maxSecs: number;
  failRate: number;
}

const KINDS: Record<string, TaskKind> = {
  marathon: { name: 'web', resources: { cpus: 0.5, mem: 512, disk: 100, gpus: 0, ports: [] }, minSecs: 60, maxSecs: 300, failRate: 0.02 },
  'spark-etl': { name: 'stage', resources: { cpus: 1, mem: 1024, disk: 500, gpus: 0, ports: [] }, minSecs: 10, maxSecs: 60, failRate: 0.08 },
};

export interface BackgroundLoadOptions {
  /** Length of one load wave. */
  periodMs?: number;
  /** Mean fraction of the cluster's CPUs the background holds. */
  meanShare?: number;
}

export class BackgroundLoad {
  readonly frameworks: SimFramework[];
  private seq = 0;
  private readonly periodMs: number;
  private readonly meanShare: number;

  constructor(private readonly model: ClusterModel, opts: BackgroundLoadOptions = {}) {
    this.periodMs = opts.periodMs ?? 120_000;
    this.meanShare = opts.meanShare ?? 0.3;
    this.frameworks = Object.keys(KINDS).map((name) =>
      model.addFramework({ name, user: 'root', background: true, capabilities: ['MULTI_ROLE'], failoverTimeout: 604800, checkpoint: true }),
    );
  }

  step(): void {
    const now = this.model.clock();
    for (const fw of this.frameworks) this.advanceTasks(fw, now);
    const agents = this.model.registeredAgents().filter((a) => a.status === 'active');
    const total = agents.reduce((s, a) => s + a.resources.cpus, 0);
    const wave = Math.sin((2 * Math.PI * (now - this.model.startTime * 1000)) / this.periodMs);
    const target = total * Math.max(0, this.meanShare * (1 + 0.6 * wave) + 0.1 * (this.model.rng.next() - 0.5));
    let held = this.heldCpus();
    for (let attempt = 0; attempt < 8 && held < target && agents.length > 0; attempt++) {
      const fw = this.model.rng.pick(this.frameworks);
      const kind = KINDS[fw.name];
      const agent = this.model.rng.pick(agents);
      if (!fits(kind.resources, this.model.freeOn(agent.id))) continue;
      this.launch(fw, kind, agent.id, now);
      held += kind.resources.cpus;
    }
  }

  private heldCpus(): number {
    let cpus = 0;
    for (const fw of this.frameworks) for (const t of fw.tasks.values()) if (!TERMINAL_STATES.has(t.state)) cpus += t.resources.cpus;
    return cpus;
  }

  private launch(fw: SimFramework, kind: TaskKind, agentId: string, now: number): void {
    const n = this.seq++;
    const secs = this.model.rng.int(kind.minSecs, kind.maxSecs);
    const task: SimTask = {
      id: `${fw.name}.${kind.name}-${n}`,
      name: `${kind.name}-${n}`,
      frameworkId: fw.id,
      executorId: '',
      agentId,
      state: 'TASK_STAGING',
      resources: { ...kind.resources, ports: [] },
      statuses: [],
      endsAt: now + secs * 1000,
    };
    fw.tasks.set(task.id, task);
  }

  private advanceTasks(fw: SimFramework, now: number): void {
    const kind = KINDS[fw.name];
    for (const task of [...fw.tasks.values()]) {
      const agent = this.model.agents.get(task.agentId);
      // Work on a disconnected agent goes on, but the master hears nothing until it is back.
      if (!agent || agent.status !== 'active') continue;
      if (task.state === 'TASK_STAGING') this.model.setTaskState(task, 'TASK_RUNNING');
      else if (task.state === 'TASK_RUNNING' && now >= (task.endsAt ?? now)) {
        this.model.setTaskState(task, this.model.rng.next() < kind.failRate ? 'TASK_FAILED' : 'TASK_FINISHED');
        this.model.completeTask(task);
      }
    }
  }
}
