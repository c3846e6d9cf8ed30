// Pure builders for v1 scheduler calls, in stout's JSON mapping (Mesos docs/scheduler-http-api.md):
// proto snake_case names, enums as strings, bytes as standard base64. Unknown keys are silently ignored
// by the master, so the shapes here are checked against the calls recorded from a real master
// (fixtures/mesos/real-1.12.0/scheduler-calls.jsonl).

export interface Id {
  value: string;
}

export interface Resource {
  name: string;
  type: 'SCALAR' | 'RANGES' | 'SET';
  scalar?: { value: number };
  ranges?: { range: { begin: number; end: number }[] };
  set?: { item: string[] };
  role?: string;
  allocation_info?: { role: string };
}

export interface CommandUri {
  value: string;
  executable?: boolean;
  extract?: boolean;
  cache?: boolean;
  output_file?: string;
}

export interface CommandInfo {
  value: string;
  /** Default true: `sh -c value`. With false, `arguments` is the whole argv including argv[0]. */
  shell?: boolean;
  arguments?: string[];
  uris?: CommandUri[];
  environment?: { variables: { name: string; value: string }[] };
  user?: string;
}

export interface ExecutorInfo {
  executor_id: Id;
  name?: string;
  command: CommandInfo;
  resources: Resource[];
  framework_id?: Id;
}

export interface TaskInfo {
  name: string;
  task_id: Id;
  agent_id: Id;
  resources: Resource[];
  executor: ExecutorInfo;
  /** Base64. */
  data?: string;
}

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: Id;
  roles?: string[];
  role?: string;
  capabilities?: { type: string }[];
  hostname?: string;
  failover_timeout?: number;
  checkpoint?: boolean;
  principal?: string;
}

export type SchedulerCall =
  | { type: 'SUBSCRIBE'; framework_id?: Id; subscribe: { framework_info: FrameworkInfo; suppressed_roles?: string[] } }
  | {
      type: 'ACCEPT';
      framework_id: Id;
      accept: {
        offer_ids: Id[];
        operations: { type: 'LAUNCH'; launch: { task_infos: TaskInfo[] } }[];
        filters?: { refuse_seconds: number };
      };
    }
  | { type: 'DECLINE'; framework_id: Id; decline: { offer_ids: Id[]; filters?: { refuse_seconds: number } } }
  | { type: 'ACKNOWLEDGE'; framework_id: Id; acknowledge: { agent_id: Id; task_id: Id; uuid: string } }
  | { type: 'RECONCILE'; framework_id: Id; reconcile: { tasks: { task_id: Id; agent_id?: Id }[] } }
  | { type: 'REVIVE'; framework_id: Id; revive: { roles?: string[] } }
  | { type: 'SUPPRESS'; framework_id: Id; suppress: { roles?: string[] } }
  | { type: 'KILL'; framework_id: Id; kill: { task_id: Id; agent_id?: Id } }
  | { type: 'TEARDOWN'; framework_id: Id };

export interface FrameworkOptions {
  /** Must exist on every agent: the fetcher chowns the sandbox to it. */
  user: string;
  name: string;
  /** With roles the MULTI_ROLE capability is added; the master ignores `roles` without it. */
  roles?: string[];
  /** The deprecated single role, for masters before 1.2. Ignored when `roles` is given. */
  role?: string;
  /** Extra capabilities, e.g. PARTITION_AWARE. */
  capabilities?: string[];
  hostname?: string;
  failoverTimeoutSeconds?: number;
  checkpoint?: boolean;
  principal?: string;
  /** Set when re-subscribing with a persisted id. */
  frameworkId?: string;
  suppressedRoles?: string[];
}

/** SUBSCRIBE; on a resubscribe the id goes at the top level AND in framework_info, or the master answers 400. */
export function subscribe(o: FrameworkOptions): SchedulerCall {
  const capabilities = [...(o.roles ? ['MULTI_ROLE'] : []), ...(o.capabilities ?? [])];
  const info: FrameworkInfo = { user: o.user, name: o.name };
  if (o.frameworkId !== undefined) info.id = id(o.frameworkId);
  if (o.roles) info.roles = [...o.roles];
  else if (o.role !== undefined) info.role = o.role;
  if (capabilities.length > 0) info.capabilities = [...new Set(capabilities)].map((type) => ({ type }));
  if (o.hostname !== undefined) info.hostname = o.hostname;
  if (o.failoverTimeoutSeconds !== undefined) info.failover_timeout = o.failoverTimeoutSeconds;
  if (o.checkpoint !== undefined) info.checkpoint = o.checkpoint;
  if (o.principal !== undefined) info.principal = o.principal;
  const sub: { framework_info: FrameworkInfo; suppressed_roles?: string[] } = { framework_info: info };
  if (o.suppressedRoles) sub.suppressed_roles = [...o.suppressedRoles];
  return o.frameworkId !== undefined
    ? { type: 'SUBSCRIBE', framework_id: id(o.frameworkId), subscribe: sub }
    : { type: 'SUBSCRIBE', subscribe: sub };
}

/** ACCEPT with one LAUNCH of the given tasks; resources left in the offers are declined with the filter. */
export function accept(frameworkId: string, offerIds: string[], tasks: TaskInfo[], refuseSeconds?: number): SchedulerCall {
  for (const t of tasks) {
    checkId('task id', t.task_id.value);
    checkId('executor id', t.executor.executor_id.value);
  }
  const call: SchedulerCall = {
    type: 'ACCEPT',
    framework_id: id(frameworkId),
    accept: { offer_ids: offerIds.map(id), operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }] },
  };
  if (refuseSeconds !== undefined) call.accept.filters = { refuse_seconds: refuseSeconds };
  return call;
}

export function decline(frameworkId: string, offerIds: string[], refuseSeconds?: number): SchedulerCall {
  const call: SchedulerCall = { type: 'DECLINE', framework_id: id(frameworkId), decline: { offer_ids: offerIds.map(id) } };
  if (refuseSeconds !== undefined) call.decline.filters = { refuse_seconds: refuseSeconds };
  return call;
}

/** Only for updates that carried a uuid; `uuid` is passed on exactly as received (base64 of 16 bytes). */
export function acknowledge(frameworkId: string, agentId: string, taskId: string, uuid: string): SchedulerCall {
  return { type: 'ACKNOWLEDGE', framework_id: id(frameworkId), acknowledge: { agent_id: id(agentId), task_id: id(taskId), uuid } };
}

/** Explicit reconciliation of the listed tasks; an empty list asks for every task the master knows. */
export function reconcile(frameworkId: string, tasks: { taskId: string; agentId?: string }[] = []): SchedulerCall {
  return {
    type: 'RECONCILE',
    framework_id: id(frameworkId),
    reconcile: {
      tasks: tasks.map((t) => (t.agentId === undefined ? { task_id: id(t.taskId) } : { task_id: id(t.taskId), agent_id: id(t.agentId) })),
    },
  };
}

/** Clears decline filters and un-suppresses. `roles` (1.3+), not `role`: the master ignores a misspelt key. */
export function revive(frameworkId: string, roles?: string[]): SchedulerCall {
  return { type: 'REVIVE', framework_id: id(frameworkId), revive: roles ? { roles: [...roles] } : {} };
}

export function suppress(frameworkId: string, roles?: string[]): SchedulerCall {
  return { type: 'SUPPRESS', framework_id: id(frameworkId), suppress: roles ? { roles: [...roles] } : {} };
}

export function kill(frameworkId: string, taskId: string, agentId?: string): SchedulerCall {
  const k: { task_id: Id; agent_id?: Id } = { task_id: id(taskId) };
  if (agentId !== undefined) k.agent_id = id(agentId);
  return { type: 'KILL', framework_id: id(frameworkId), kill: k };
}

/** Removes the framework for good: its id can never be used again. */
export function teardown(frameworkId: string): SchedulerCall {
  return { type: 'TEARDOWN', framework_id: id(frameworkId) };
}

export function scalar(name: string, value: number): Resource {
  return { name, type: 'SCALAR', scalar: { value } };
}

/** Task data as the executor expects it: JSON, base64. */
export function jsonData(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

function id(value: string): Id {
  return { value };
}

/** The master's ID rules (b.5), checked here so a bad id fails before it turns into TASK_ERROR. */
export function checkId(kind: string, value: string): void {
  const bad =
    value.length === 0
      ? 'is empty'
      : value === '.' || value === '..'
        ? 'is "." or ".."'
        : /[/\\\x00-\x1f\x7f]/.test(value)
          ? 'contains "/", "\\" or a control character'
          : Buffer.byteLength(value) > 255
            ? 'is longer than 255 bytes'
            : null;
  if (bad) throw new RangeError(`${kind} "${value.slice(0, 40)}" ${bad}; Mesos refuses such ids`);
}
