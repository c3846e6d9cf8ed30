// What each accepted v1 scheduler call does on the master (mesos.md b.5; Master::accept, decline, kill,
// reconcile, … in src/master/master.cpp and task validation in src/master/validation.cpp).
import type { SimAgentNode } from './agent';
import type { ClusterModel } from './cluster-model';
import type { SimFramework, SimOffer, SimTask } from './cluster-entities';
import { type Json, idOf } from './http-call';
import type { Allocator } from './offers';
import { type Resources, fits, fromProtoList, isEmpty, subtract, sum, add } from './resources';
import type { TaskStatusJson } from './status-updates';

export interface CallContext {
  model: ClusterModel;
  allocator: Allocator;
  agents: Map<string, SimAgentNode>;
  /** Sends a master-generated UPDATE (no uuid, so never acknowledged). */
  sendStatus(frameworkId: string, status: TaskStatusJson): void;
  teardown(fw: SimFramework): void;
}

/** A status the master makes itself: SOURCE_MASTER, no uuid (mesos.md b.5 ACKNOWLEDGE). */
export function masterStatus(model: ClusterModel, taskId: string, state: string, reason: string, message: string, extra: Json = {}): TaskStatusJson {
  return { task_id: { value: taskId }, state, message, source: 'SOURCE_MASTER', reason, ...extra, timestamp: model.nowSecs() };
}

export function runCall(ctx: CallContext, fw: SimFramework, call: Json): void {
  switch (call.type) {
    case 'ACCEPT':
      return accept(ctx, fw, call.accept as Json);
    case 'DECLINE': {
      const d = call.decline as Json;
      for (const id of ((d.offer_ids ?? []) as unknown[]).map(idOf)) {
        const offer = id === undefined ? undefined : fw.offers.get(id);
        if (!offer) continue;
        ctx.model.removeOffer(offer);
        ctx.allocator.decline(fw, offer.agentId, offer.resources, (d.filters as Json | undefined)?.refuse_seconds);
      }
      return;
    }
    case 'ACKNOWLEDGE': {
      const a = call.acknowledge as Json;
      ctx.agents.get(idOf(a.agent_id) as string)?.acknowledge(fw.id, idOf(a.task_id) as string, a.uuid as string);
      return;
    }
    case 'RECONCILE':
      return reconcile(ctx, fw, ((call.reconcile as Json).tasks ?? []) as Json[]);
    case 'KILL': {
      const k = call.kill as Json;
      const taskId = idOf(k.task_id) as string;
      const task = fw.tasks.get(taskId);
      // Killing a task the master does not know runs explicit reconciliation for it instead.
      if (!task) return reconcile(ctx, fw, [{ task_id: k.task_id, agent_id: k.agent_id }]);
      ctx.agents.get(task.agentId)?.killTask(fw.id, taskId);
      return;
    }
    case 'SHUTDOWN': {
      const s = call.shutdown as Json;
      ctx.agents.get(idOf(s.agent_id) as string)?.shutdownExecutor(fw.id, idOf(s.executor_id) as string);
      return;
    }
    case 'MESSAGE': {
      const m = call.message as Json;
      ctx.agents.get(idOf(m.agent_id) as string)?.message(fw.id, idOf(m.executor_id) as string, String(m.data));
      return;
    }
    case 'TEARDOWN':
      return ctx.teardown(fw);
    case 'REVIVE':
      // HierarchicalAllocatorProcess::reviveOffers clears the filters and runs an allocation right away
      // (generateOffers(), dispatched), not at the next interval.
      ctx.allocator.revive(fw.id);
      setImmediate(() => ctx.allocator.allocate());
      return;
    case 'SUPPRESS':
      return ctx.allocator.suppress(fw.id);
    default:
      // REQUEST is ignored by the built-in allocator; inverse offers and operations are not simulated.
      return;
  }
}

function reconcile(ctx: CallContext, fw: SimFramework, asked: Json[]): void {
  const partitionAware = fw.capabilities.includes('PARTITION_AWARE');
  const latest = (task: SimTask): TaskStatusJson => {
    const extra: Json = { agent_id: { value: task.agentId } };
    if (task.executorId) extra.executor_id = { value: task.executorId };
    const last = task.statuses[task.statuses.length - 1];
    if (last?.container_status) extra.container_status = last.container_status;
    return masterStatus(ctx.model, task.id, task.state, 'REASON_RECONCILIATION', 'Reconciliation: Latest task state', extra);
  };
  if (asked.length === 0) {
    // Implicit: every task the master still holds, including terminal ones not yet acknowledged (recorded).
    for (const task of fw.tasks.values()) ctx.sendStatus(fw.id, latest(task));
    return;
  }
  for (const item of asked) {
    const taskId = idOf(item.task_id) as string;
    const agentId = idOf(item.agent_id);
    const task = fw.tasks.get(taskId);
    if (task) {
      ctx.sendStatus(fw.id, latest(task));
      continue;
    }
    const extra: Json = agentId ? { agent_id: { value: agentId } } : {};
    const agent = agentId ? ctx.model.agents.get(agentId) : undefined;
    const unreachable = fw.unreachableTasks.some((t) => t.id === taskId) || agent?.status === 'unreachable';
    // Non-PARTITION_AWARE frameworks get TASK_LOST for all of these (mesos.md b.5 RECONCILE).
    const [state, message] = unreachable
      ? ['TASK_UNREACHABLE', 'Reconciliation: Task is unreachable']
      : agent
        ? ['TASK_GONE', 'Reconciliation: Task is unknown to the agent']
        : ['TASK_UNKNOWN', 'Reconciliation: Task is unknown'];
    ctx.sendStatus(fw.id, masterStatus(ctx.model, taskId, partitionAware ? state : 'TASK_LOST', 'REASON_RECONCILIATION', message, extra));
  }
}

function accept(ctx: CallContext, fw: SimFramework, a: Json): void {
  const { model } = ctx;
  const launches = ((a.operations ?? []) as Json[])
    .filter((op) => op?.type === 'LAUNCH')
    .flatMap((op) => (((op.launch as Json | undefined)?.task_infos ?? []) as Json[]));
  const offers: SimOffer[] = [];
  let invalid: string | undefined;
  for (const id of ((a.offer_ids ?? []) as unknown[]).map(idOf)) {
    const offer = id === undefined ? undefined : fw.offers.get(id);
    if (!offer) invalid ??= `Offer ${id} is no longer valid`;
    else if (offers.includes(offer)) invalid ??= `Duplicate offer ${id} in the same ACCEPT`;
    else offers.push(offer);
  }
  if (!invalid && offers.length === 0) invalid = 'No offers specified';
  if (!invalid && new Set(offers.map((o) => o.agentId)).size > 1) invalid = 'Aggregated offers must belong to one single agent';
  for (const o of offers) model.removeOffer(o);
  const refuse = (a.filters as Json | undefined)?.refuse_seconds;
  if (invalid) {
    // The valid offers among them go back to the pool; every task is lost (REASON_INVALID_OFFERS, recorded).
    for (const task of launches) {
      const extra = idOf(task.agent_id) ? { agent_id: task.agent_id } : {};
      ctx.sendStatus(fw.id, masterStatus(model, idOf(task.task_id) ?? '', partitionLost(fw), 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${invalid}`, extra));
    }
    return;
  }
  const agentId = offers[0].agentId;
  let pool = sum(offers.map((o) => o.resources));
  const startedHere = new Set<string>();
  for (const task of launches) {
    const taskId = idOf(task.task_id) ?? '';
    const checked = checkTask(fw, task, agentId, startedHere, pool);
    if (typeof checked === 'string') {
      ctx.sendStatus(fw.id, masterStatus(model, taskId, 'TASK_ERROR', 'REASON_TASK_INVALID', checked, { agent_id: { value: agentId } }));
      continue;
    }
    pool = subtract(pool, checked.need);
    const executor = task.executor as Json;
    const executorId = idOf(executor.executor_id) as string;
    if (!fw.executors.has(`${agentId}/${executorId}`)) {
      startedHere.add(executorId);
      fw.executors.set(`${agentId}/${executorId}`, { executorId, frameworkId: fw.id, agentId, info: executor, resources: checked.executorResources });
    }
    fw.tasks.set(taskId, {
      id: taskId, name: String(task.name), frameworkId: fw.id, executorId, agentId, state: 'TASK_STAGING', resources: checked.taskResources,
      statuses: [],
    });
    ctx.agents.get(agentId)?.launch(fw, task, executor);
  }
  // Whatever the operations left unused is declined with the call's filter (default 5 s).
  if (!isEmpty(pool)) ctx.allocator.decline(fw, agentId, pool, refuse);
}

function partitionLost(fw: SimFramework): string {
  return fw.capabilities.includes('PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST';
}

interface CheckedTask {
  taskResources: Resources;
  executorResources: Resources;
  need: Resources;
}

function checkTask(fw: SimFramework, task: Json, agentId: string, startedHere: Set<string>, pool: Resources): CheckedTask | string {
  const taskId = idOf(task.task_id) ?? '';
  const bad = badId(taskId);
  if (bad) return `Task ID '${taskId}' ${bad}`;
  if (fw.tasks.has(taskId)) return `Task has duplicate ID: ${taskId}`;
  if (idOf(task.agent_id) !== agentId) return `Task uses invalid agent: ${idOf(task.agent_id)}`;
  if (Boolean(task.command) === Boolean(task.executor)) return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  if (!task.executor) return 'The simulated agent runs custom executors only: give the task an ExecutorInfo';
  const executor = task.executor as Json;
  const executorId = idOf(executor.executor_id) ?? '';
  const badExec = badId(executorId);
  if (badExec) return `Executor ID '${executorId}' ${badExec}`;
  if (executor.type !== undefined && executor.type !== 'CUSTOM') return `Executor of type ${String(executor.type)} is not simulated; use CUSTOM`;
  if (!executor.command) return "Expecting 'command' to be present in a custom ExecutorInfo";
  const running = fw.executors.get(`${agentId}/${executorId}`);
  if (running && canonical(running.info) !== canonical(executor)) return `ExecutorInfo is not compatible with the running executor ${executorId}`;
  let taskResources: Resources;
  let executorResources: Resources;
  try {
    taskResources = fromProtoList(task.resources, 'TaskInfo.resources');
    executorResources = fromProtoList(executor.resources, 'ExecutorInfo.resources');
  } catch (err) {
    return (err as Error).message;
  }
  // Executor resources are charged once per running executor per agent (mesos.md d).
  const chargeExecutor = !running && !startedHere.has(executorId);
  const need = chargeExecutor ? add(taskResources, executorResources) : taskResources;
  if (!fits(need, pool)) return `Total resources ${describe(need)} required by task and its executor is more than available ${describe(pool)}`;
  return { taskResources, executorResources, need };
}

// IDs: non-empty, not . or .., no slashes or control characters, at most NAME_MAX bytes (validation.cpp).
function badId(id: string): string | undefined {
  if (id === '') return 'must not be empty';
  if (id === '.' || id === '..') return "must not be '.' or '..'";
  if (/[/\\\x00-\x1f\x7f]/.test(id)) return 'contains a slash, backslash or control character';
  if (Buffer.byteLength(id) > 255) return 'is longer than 255 bytes';
  return undefined;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Json;
    return `{${Object.keys(o).filter((k) => k !== 'framework_id').sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function describe(r: Resources): string {
  return `cpus:${r.cpus}; mem:${r.mem}; disk:${r.disk}`;
}
