// Offers to launches (ACCEPT in Mesos docs/scheduler-http-api.md; Mesos docs/fetcher.md): the ExecutorInfo every task
// carries, and how many chunks fit in one offer. Pure: the next chunk comes from an injected function (the
// ledger's nextChunk), so the fitting rules are tested without a master.
import type { ExecutorInfo, Resource, TaskInfo } from '../mesos/scheduler-calls';
import { scalar } from '../mesos/scheduler-calls';
import type { Offer } from '../mesos/scheduler-events';
import type { Launch } from './ledger';

export interface TaskResources {
  taskCpus: number;
  taskMemMb: number;
  executorCpus: number;
  executorMemMb: number;
}

export interface ExecutorSpec {
  /** 'per-agent': one long-lived executor per agent, every task with the identical ExecutorInfo. */
  mode: 'per-agent' | 'per-task';
  /** Absolute path of node on the agents: executors do not inherit PATH (executorEnvironment() in Mesos src/slave/slave.cpp). */
  nodePath: string;
  /** Where the agents' fetcher downloads the bundle. */
  url: string;
  /** sha256 of the bundle (hex): part of the executor id, so a new build never meets an old executor. */
  sha256: string;
  /** Extra environment for the executor, e.g. its idle time. */
  env?: Record<string, string>;
}

const FILE = 'executor.js';
// Float sums of 0.1 cpus drift (0.1 + 0.2 > 0.3); the master compares with the same kind of tolerance.
const EPS = 1e-9;

export function executorIdFor(spec: ExecutorSpec, taskId?: string): string {
  const base = `mesos-panel-pi-${spec.sha256.slice(0, 12)}`;
  return spec.mode === 'per-task' && taskId ? `${base}-${taskId}` : base;
}

/** Mesos docs/fetcher.md: shell false, argv including argv[0], the bundle fetched fresh (no cache, no extract). */
export function executorInfo(spec: ExecutorSpec, r: TaskResources, taskId?: string): ExecutorInfo {
  const env: Record<string, string> = { ...(spec.mode === 'per-task' ? { MESOS_PANEL_EXECUTOR_IDLE_MS: '0' } : {}), ...spec.env };
  const names = Object.keys(env).sort();
  return {
    executor_id: { value: executorIdFor(spec, taskId) },
    name: 'mesos-panel π executor',
    command: {
      shell: false,
      value: spec.nodePath,
      arguments: [spec.nodePath, FILE],
      uris: [{ value: spec.url, executable: false, extract: false, cache: false, output_file: FILE }],
      ...(names.length > 0 ? { environment: { variables: names.map((name) => ({ name, value: env[name] })) } } : {}),
    },
    resources: [scalar('cpus', r.executorCpus), scalar('mem', r.executorMemMb)],
  };
}

/** The scalar cpus and mem in an offer, over every role it was made for (all of them are ours to use). */
export function offered(resources: Resource[]): { cpus: number; mem: number } {
  let cpus = 0;
  let mem = 0;
  for (const r of resources) {
    if (r.type !== 'SCALAR' || !r.scalar) continue;
    if (r.name === 'cpus') cpus += r.scalar.value;
    else if (r.name === 'mem') mem += r.scalar.value;
  }
  return { cpus, mem };
}

/** What the next task in an offer takes: its own resources, plus the executor's when this task starts it. */
function needs(spec: ExecutorSpec, r: TaskResources, startsExecutor: boolean): { cpus: number; mem: number } {
  const withExecutor = spec.mode === 'per-task' || startsExecutor;
  return { cpus: r.taskCpus + (withExecutor ? r.executorCpus : 0), mem: r.taskMemMb + (withExecutor ? r.executorMemMb : 0) };
}

/** Whether our executor runs on the offer's agent (the master then charges it no more: it is counted once). */
function executorRunning(offer: Offer, spec: ExecutorSpec): boolean {
  return offer.executor_ids.some((e) => e.value === executorIdFor(spec));
}

function fits(have: { cpus: number; mem: number }, need: { cpus: number; mem: number }): boolean {
  return have.cpus + EPS >= need.cpus && have.mem + EPS >= need.mem;
}

/** Whether the offer has room for one task, by the rules tasksForOffer applies. */
export function roomForATask(offer: Offer, spec: ExecutorSpec, r: TaskResources): boolean {
  return fits(offered(offer.resources), needs(spec, r, !executorRunning(offer, spec)));
}

/**
 * As many tasks as fit in one offer. The executor's resources are counted once, and only when the offer
 * does not already list our executor as running on that agent (the master charges it once per agent).
 */
export function tasksForOffer(offer: Offer, spec: ExecutorSpec, r: TaskResources, next: (agentId: string) => Launch | null): TaskInfo[] {
  const agentId = offer.agent_id.value;
  const have = offered(offer.resources);
  const running = executorRunning(offer, spec);
  const tasks: TaskInfo[] = [];
  for (;;) {
    const need = needs(spec, r, !running && tasks.length === 0);
    if (!fits(have, need)) break;
    const launch = next(agentId);
    if (!launch) break;
    have.cpus -= need.cpus;
    have.mem -= need.mem;
    tasks.push(taskInfo(launch, executorInfo(spec, r, launch.taskId), r));
  }
  return tasks;
}

export function taskInfo(l: Launch, executor: ExecutorInfo, r: TaskResources): TaskInfo {
  return {
    name: `π [${l.start},${l.end}) ${l.kernel}`,
    task_id: { value: l.taskId },
    agent_id: { value: l.agentId },
    resources: [scalar('cpus', r.taskCpus), scalar('mem', r.taskMemMb)],
    executor,
    data: Buffer.from(l.data, 'utf8').toString('base64'),
  };
}
