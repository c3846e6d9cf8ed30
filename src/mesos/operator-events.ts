// Events of the master's v1 operator stream (`POST /api/v1` SUBSCRIBE), decoded from untrusted JSON into the few
// fields a ClusterSnapshot needs. The shapes are those of `message Event` in include/mesos/v1/master/master.proto
// (apache/mesos): SUBSCRIBED carries a whole Response.GetState, AGENT_ADDED a GetAgents.Agent (built by
// createAgentResponse in src/common/protobuf_utils.cpp), FRAMEWORK_ADDED/UPDATED a GetFrameworks.Framework
// (Master::Http model in src/master/http.cpp), TASK_ADDED a Task, TASK_UPDATED {framework_id, status, state}.
// Resources there are protobuf Resource arrays, not the summed objects of /state, so scalars are summed here.
// A malformed event is one StateFormatError line naming the event and the path; an event type this code does not
// know comes back as UNKNOWN, for the caller to note and skip.
import type { ResourceName } from './snapshot';
import { RESOURCES } from './snapshot';
import { type Amounts, StateFormatError, arr, obj, optBool, optNum, optStr, str, zero } from './state-parse';
import { errorLine } from '../lib/error-line';
import { parseSplit } from './json-split';

export interface OpTask {
  id: string;
  frameworkId: string;
  agentId: string;
  state: string;
  resources: Amounts;
}

export interface OpAgent {
  id: string;
  hostname: string;
  /** Connected to the master (`active`). */
  active: boolean;
  /** Deactivated by an operator (1.9+). */
  deactivated: boolean;
  /** Has drain_info (1.9+): the operator asked it to drain. */
  draining: boolean;
  total: Amounts;
  /** Held by tasks and executors (the agent's usedResources). */
  used: Amounts;
  offered: Amounts;
}

export interface OpFramework {
  id: string;
  name: string;
  active: boolean;
  connected: boolean;
  /** Held by its tasks and executors. */
  used: Amounts;
  offered: Amounts;
}

export interface OpCluster {
  agents: OpAgent[];
  frameworks: OpFramework[];
  /** Every task in GetTasks.tasks, terminal ones included; the reducer keeps the live ones. */
  tasks: OpTask[];
}

export type OperatorEvent =
  | { type: 'SUBSCRIBED'; cluster: OpCluster; heartbeatSeconds: number | null }
  | { type: 'TASK_ADDED'; task: OpTask }
  | { type: 'TASK_UPDATED'; frameworkId: string; taskId: string; agentId: string | null; state: string }
  | { type: 'AGENT_ADDED'; agent: OpAgent }
  | { type: 'AGENT_REMOVED'; agentId: string }
  | { type: 'FRAMEWORK_ADDED' | 'FRAMEWORK_UPDATED'; framework: OpFramework }
  | { type: 'FRAMEWORK_REMOVED'; frameworkId: string; name: string }
  | { type: 'HEARTBEAT' };

export type DecodedOperatorEvent = OperatorEvent | { type: 'UNKNOWN'; name: string };

const SCALARS = new Set<string>(RESOURCES);

/**
 * Sums a repeated Resource into cpus/mem/disk/gpus. Revocable resources are left out, as /state files them under
 * `cpus_revocable` and the like (json(Resources) in src/common/http.cpp), and so are non-scalars.
 */
export function sumResources(v: unknown, path: string): Amounts {
  const total = zero();
  if (v === undefined || v === null) return total;
  const list = arr(v, path);
  for (let i = 0; i < list.length; i++) {
    const p = `${path}[${i}]`;
    const r = obj(list[i], p);
    const name = str(r.name, `${p}.name`);
    if (!SCALARS.has(name) || r.revocable !== undefined || r.scalar === undefined) continue;
    total[name as ResourceName] += optNum(obj(r.scalar, `${p}.scalar`).value, `${p}.scalar.value`);
  }
  return total;
}

function idValue(v: unknown, path: string): string {
  return str(obj(v, path).value, `${path}.value`);
}

function task(v: unknown, path: string): OpTask {
  const t = obj(v, path);
  return {
    id: idValue(t.task_id, `${path}.task_id`),
    frameworkId: idValue(t.framework_id, `${path}.framework_id`),
    agentId: idValue(t.agent_id, `${path}.agent_id`),
    state: str(t.state, `${path}.state`),
    resources: sumResources(t.resources, `${path}.resources`),
  };
}

function agent(v: unknown, path: string): OpAgent {
  const a = obj(v, path);
  const info = obj(a.agent_info, `${path}.agent_info`);
  return {
    id: idValue(info.id, `${path}.agent_info.id`),
    hostname: str(info.hostname, `${path}.agent_info.hostname`),
    active: optBool(a.active, `${path}.active`, true),
    deactivated: optBool(a.deactivated, `${path}.deactivated`, false),
    draining: a.drain_info !== undefined && a.drain_info !== null,
    total: sumResources(a.total_resources, `${path}.total_resources`),
    used: sumResources(a.allocated_resources, `${path}.allocated_resources`),
    offered: sumResources(a.offered_resources, `${path}.offered_resources`),
  };
}

function framework(v: unknown, path: string): OpFramework {
  const f = obj(v, path);
  const info = obj(f.framework_info, `${path}.framework_info`);
  return {
    id: idValue(info.id, `${path}.framework_info.id`),
    name: str(info.name, `${path}.framework_info.name`),
    active: optBool(f.active, `${path}.active`, true),
    connected: optBool(f.connected, `${path}.connected`, true),
    used: sumResources(f.allocated_resources, `${path}.allocated_resources`),
    offered: sumResources(f.offered_resources, `${path}.offered_resources`),
  };
}

function list<T>(parent: Record<string, unknown>, key: string, path: string, item: (v: unknown, path: string) => T): T[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  return arr(v, `${path}.${key}`).map((e, i) => item(e, `${path}.${key}[${i}]`));
}

/** Response.GetState (also the answer to a GET_STATE call, under `get_state`). */
export function decodeGetState(v: unknown, path: string): OpCluster {
  const s = obj(v, path);
  const part = (key: string) => (s[key] === undefined ? {} : obj(s[key], `${path}.${key}`));
  return {
    agents: list(part('get_agents'), 'agents', `${path}.get_agents`, agent),
    frameworks: list(part('get_frameworks'), 'frameworks', `${path}.get_frameworks`, framework),
    tasks: list(part('get_tasks'), 'tasks', `${path}.get_tasks`, task),
  };
}

function decodeRoot(root: Record<string, unknown>): DecodedOperatorEvent {
  const type = str(root.type, 'type');
  const at = (key: string) => obj(root[key], key);
  switch (type) {
    case 'SUBSCRIBED': {
      const s = at('subscribed');
      const hb = s.heartbeat_interval_seconds === undefined ? null : optNum(s.heartbeat_interval_seconds, 'subscribed.heartbeat_interval_seconds');
      if (hb !== null && !(hb > 0)) throw new StateFormatError('subscribed.heartbeat_interval_seconds', `subscribed.heartbeat_interval_seconds is ${hb}, expected a positive number`);
      return { type, cluster: decodeGetState(s.get_state ?? {}, 'subscribed.get_state'), heartbeatSeconds: hb };
    }
    case 'TASK_ADDED':
      return { type, task: task(at('task_added').task, 'task_added.task') };
    case 'TASK_UPDATED': {
      const u = at('task_updated');
      const status = obj(u.status, 'task_updated.status');
      return {
        type,
        frameworkId: idValue(u.framework_id, 'task_updated.framework_id'),
        taskId: idValue(status.task_id, 'task_updated.status.task_id'),
        agentId: status.agent_id === undefined ? null : idValue(status.agent_id, 'task_updated.status.agent_id'),
        // `state` is the task's latest state; `status` may lag behind it (master.proto TaskUpdated).
        state: str(u.state, 'task_updated.state'),
      };
    }
    case 'AGENT_ADDED':
      return { type, agent: agent(at('agent_added').agent, 'agent_added.agent') };
    case 'AGENT_REMOVED':
      return { type, agentId: idValue(at('agent_removed').agent_id, 'agent_removed.agent_id') };
    case 'FRAMEWORK_ADDED':
      return { type, framework: framework(at('framework_added').framework, 'framework_added.framework') };
    case 'FRAMEWORK_UPDATED':
      return { type, framework: framework(at('framework_updated').framework, 'framework_updated.framework') };
    case 'FRAMEWORK_REMOVED': {
      const info = obj(at('framework_removed').framework_info, 'framework_removed.framework_info');
      return { type, frameworkId: idValue(info.id, 'framework_removed.framework_info.id'), name: optStr(info.name, 'framework_removed.framework_info.name') ?? '' };
    }
    case 'HEARTBEAT':
      return { type };
    default:
      return { type: 'UNKNOWN', name: type.slice(0, 40) };
  }
}

/** Where SUBSCRIBED carries its tasks, the bulk of the whole cluster it describes. */
const TASKS_PATH = ['subscribed', 'get_state', 'get_tasks', 'tasks'] as const;
/** Records larger than this have their tasks parsed one at a time (json-split.ts); only SUBSCRIBED grows so large. */
const SPLIT_ABOVE = 1024 * 1024;

/** One RecordIO record of the operator stream. Throws StateFormatError (one line) for anything malformed. */
export function decodeOperatorEvent(record: Uint8Array | string, origin = 'operator event'): DecodedOperatorEvent {
  let json: unknown;
  let tasks: OpTask[] | null = null;
  try {
    if (typeof record !== 'string' && record.byteLength > SPLIT_ABOVE) {
      ({ root: json, items: tasks } = parseSplit(record, TASKS_PATH, (v, n) => task(v, `${TASKS_PATH.join('.')}[${n}]`)));
    } else json = JSON.parse(typeof record === 'string' ? record : Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('utf8'));
  } catch (err) {
    if (err instanceof StateFormatError) throw new StateFormatError(err.path, err.detail, origin);
    throw new StateFormatError('', `invalid JSON in a record of ${record.length} bytes (${errorLine(err, 80)})`, origin);
  }
  try {
    const event = decodeRoot(obj(json, ''));
    if (tasks && event.type === 'SUBSCRIBED') event.cluster.tasks = tasks;
    return event;
  } catch (err) {
    if (err instanceof StateFormatError) throw new StateFormatError(err.path, err.detail, origin);
    throw err;
  }
}
