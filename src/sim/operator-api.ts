// The master's v1 operator API on the simulated master: `POST /api/v1` with SUBSCRIBE (an event stream), GET_STATE or
// GET_MASTER, as Master::Http::api and Master::Http::getMaster (src/master/http.cpp) and Master::ReadOnlyHandler::subscribe
// (src/master/readonly_handler.cpp) serve them, in the shapes of include/mesos/v1/master/master.proto and of the
// recorded 1.12 master (fixtures real-1.12.0/operator-stream).
//
// Events come from comparing the model with what was last announced, every syncMs and before each SUBSCRIBED, and
// they say only what the real master says (src/master/master.cpp), so a client cannot pass here on a richer stream:
// - TASK_ADDED for a task new to the master; TASK_UPDATED only when a task's latest state changes (updateTask),
//   nothing when its framework acknowledges a terminal update and it moves to completed_tasks (removeTask).
// - AGENT_ADDED only from addSlave: a first registration, or the re-registration of an agent the master had removed
//   or marked unreachable. An agent still registered that reconnects goes through ___reregisterSlave: no event.
//   Nothing when an agent disconnects, and nothing when it is marked unreachable (_markUnreachable): only its
//   tasks' TASK_UPDATED. AGENT_REMOVED comes from _removeSlave only, for agents gone for good, which the sim has not.
// - FRAMEWORK_ADDED on registration, FRAMEWORK_UPDATED on re-registration (sendFrameworkUpdates), nothing when a
//   framework disconnects (Master::disconnect / deactivate), FRAMEWORK_REMOVED after its tasks' TASK_UPDATEDs.
// - Offers and executors never appear in an event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ClusterModel } from './cluster-model';
import { type SimAgent, type SimFramework, type SimTask, TERMINAL_STATES } from './cluster-entities';
import { recordioFrame } from './recordio-writer';
import { type Resources, subtract, toProtoList } from './resources';
import { isIPv4 } from 'node:net';
import { MASTER_CAPABILITIES, type MasterView, SIM_MESOS_VERSION } from './state-json';
import { errorLine } from '../lib/error-line';

const JSON_TYPE = 'application/json';
const PROTOBUF_TYPE = 'application/x-protobuf';

const time = (secs: number) => ({ nanoseconds: Math.round(secs * 1e9) });
const idOf = (value: string) => ({ value });

function taskJson(t: SimTask): Record<string, unknown> {
  const doc: Record<string, unknown> = { name: t.name, task_id: idOf(t.id), framework_id: idOf(t.frameworkId) };
  if (t.executorId) doc.executor_id = idOf(t.executorId);
  Object.assign(doc, {
    agent_id: idOf(t.agentId),
    state: t.state,
    resources: toProtoList(t.resources),
    statuses: t.statuses.map((s) => statusJson(t, s.state, s.timestamp)),
    role: '*',
  });
  return doc;
}

function statusJson(t: SimTask, state: string, timestamp: number): Record<string, unknown> {
  return { task_id: idOf(t.id), state, agent_id: idOf(t.agentId), timestamp };
}

/**
 * `unannounced`: live tasks whose TASK_ADDED follows in the same batch. The real master announces an agent or a
 * framework before their tasks, so its allocated resources leave those out.
 */
function agentJson(a: SimAgent, usage: { used: Resources; offered: Resources }, unannounced: SimTask[] = []): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    agent_info: { hostname: a.hostname, port: a.port, resources: toProtoList(a.resources), id: idOf(a.id) },
    active: a.status === 'active',
    deactivated: false,
    version: SIM_MESOS_VERSION,
    pid: `slave(1)@${a.ip}:${a.port}`,
    registered_time: time(a.registeredTime),
  };
  if (a.reregisteredTime !== undefined) doc.reregistered_time = time(a.reregisteredTime);
  return Object.assign(doc, {
    total_resources: toProtoList(a.resources),
    allocated_resources: toProtoList(without(usage.used, unannounced.filter((t) => t.agentId === a.id))),
    offered_resources: toProtoList(usage.offered),
  });
}

function frameworkInfo(f: SimFramework): Record<string, unknown> {
  return { user: f.user, name: f.name, id: idOf(f.id), failover_timeout: f.failoverTimeout, checkpoint: f.checkpoint, roles: f.roles, hostname: f.hostname };
}

function frameworkJson(model: ClusterModel, f: SimFramework, unannounced: SimTask[] = []): Record<string, unknown> {
  const doc: Record<string, unknown> = { framework_info: frameworkInfo(f), active: f.active, connected: f.connected, recovered: false, registered_time: time(f.registeredTime) };
  if (f.reregisteredTime !== undefined) doc.reregistered_time = time(f.reregisteredTime);
  if (f.unregisteredTime) doc.unregistered_time = time(f.unregisteredTime);
  return Object.assign(doc, {
    offers: [],
    allocated_resources: toProtoList(without(model.usedBy(f), unannounced.filter((t) => t.frameworkId === f.id))),
    offered_resources: toProtoList(model.offeredTo(f)),
  });
}

function without(used: Resources, tasks: SimTask[]): Resources {
  return tasks.reduce((left, t) => subtract(left, t.resources), used);
}

/** Response.GetState (Master::ReadOnlyHandler::jsonifyGetState): tasks, executors, frameworks, agents. */
export function getStateJson(model: ClusterModel): Record<string, unknown> {
  const frameworks = [...model.frameworks.values()];
  const usage = model.usageByAgent();
  return {
    get_tasks: {
      tasks: frameworks.flatMap((f) => [...f.tasks.values()].map(taskJson)),
      unreachable_tasks: frameworks.flatMap((f) => f.unreachableTasks.map(taskJson)),
      completed_tasks: frameworks.flatMap((f) => f.completedTasks.map(taskJson)),
    },
    get_executors: {
      executors: frameworks.flatMap((f) => [...f.executors.values()].map((e) => ({ executor_info: e.info, agent_id: idOf(e.agentId) }))),
    },
    get_frameworks: {
      frameworks: frameworks.map((f) => frameworkJson(model, f)),
      completed_frameworks: model.completedFrameworks.map((f) => frameworkJson(model, f)),
    },
    get_agents: { agents: model.registeredAgents().map((a) => agentJson(a, usage.get(a.id)!)), recovered_agents: [] },
  };
}

/** MasterInfo.ip: the IPv4 address's bytes in network order read as one uint32 on a little-endian host. */
function packedIp(host: string): number {
  return isIPv4(host) ? host.split('.').reduce((n, b, i) => n + Number(b) * 2 ** (8 * i), 0) : 0;
}

/**
 * Response.GetMaster (Master::Http::getMaster): the answering master's own MasterInfo (the leader's: the call is
 * redirected elsewhere), in the shape of the recorded 1.12 master's (scheduler SUBSCRIBED's master_info), its
 * start time and, once elected, its election time, in seconds.
 */
export function getMasterJson(view: MasterView): Record<string, unknown> {
  const master_info = {
    id: view.id,
    ip: packedIp(view.hostname),
    port: view.port,
    pid: `master@${view.hostname}:${view.port}`,
    hostname: view.hostname,
    version: SIM_MESOS_VERSION,
    address: { hostname: view.hostname, ip: view.hostname, port: view.port },
    capabilities: MASTER_CAPABILITIES.map((type) => ({ type })),
  };
  return { master_info, start_time: view.startTime, ...(view.electedTime === undefined ? {} : { elected_time: view.electedTime }) };
}

interface Subscriber {
  res: ServerResponse;
  servedBy: unknown;
  heartbeat: NodeJS.Timeout;
  /** The connection breaks partway through the next record written to it. */
  cutMidRecord: boolean;
}

export interface OperatorFaults {
  /** False stops HEARTBEAT events. */
  heartbeats: boolean;
  /** True writes nothing at all: a master gone quiet, its connections open. Events are lost, as on a dead link. */
  silent: boolean;
}

export interface OperatorApiOptions {
  /** DEFAULT_HEARTBEAT_INTERVAL in src/master/constants.hpp: 15 s. */
  heartbeatIntervalSeconds?: number;
  /** How often the model is compared for events; 0: only when sync() is called. Default 50. */
  syncMs?: number;
}

export class OperatorApi {
  readonly faults: OperatorFaults = { heartbeats: true, silent: false };
  private readonly subscribers = new Set<Subscriber>();
  private readonly heartbeatSeconds: number;
  /** What the subscribers were last told: each live task's state, registered agents, frameworks' registrations. */
  private readonly taskStates = new Map<SimTask, string>();
  private readonly agentIds = new Set<string>();
  private readonly frameworkKeys = new Map<string, string>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly model: ClusterModel,
    opts: OperatorApiOptions = {},
  ) {
    this.heartbeatSeconds = opts.heartbeatIntervalSeconds ?? 15;
    const syncMs = opts.syncMs ?? 50;
    this.timer = syncMs > 0 ? setInterval(() => this.sync(), syncMs) : undefined;
    this.timer?.unref();
    this.sync();
  }

  /** POST /api/v1 on the leader; the body is already read. */
  handle(req: IncomingMessage, res: ServerResponse, body: Buffer, servedBy: { view(): MasterView }): void {
    if (req.method !== 'POST') return text(res, 405, '', { Allow: 'POST' });
    const type = req.headers['content-type'];
    if (type === undefined) return text(res, 400, "Expecting 'Content-Type' to be present");
    if (type !== JSON_TYPE) return text(res, 415, `Expecting 'Content-Type' of ${JSON_TYPE} or ${PROTOBUF_TYPE}`);
    let call: { type?: unknown };
    try {
      call = JSON.parse(body.toString('utf8')) as { type?: unknown };
    } catch (err) {
      return text(res, 400, `Failed to parse body into JSON: ${errorLine(err)}`);
    }
    const accept = req.headers.accept ?? '*/*';
    if (!/application\/json|\*\/\*|application\/\*/.test(accept)) {
      return text(res, 406, `Expecting 'Accept' to allow '${PROTOBUF_TYPE}' or '${JSON_TYPE}'`);
    }
    if (call.type === 'SUBSCRIBE') return this.subscribe(res, servedBy);
    if (call.type === 'GET_STATE') {
      return void res.writeHead(200, { 'Content-Type': JSON_TYPE }).end(JSON.stringify({ type: 'GET_STATE', get_state: getStateJson(this.model) }));
    }
    if (call.type === 'GET_MASTER') {
      return void res.writeHead(200, { 'Content-Type': JSON_TYPE }).end(JSON.stringify({ type: 'GET_MASTER', get_master: getMasterJson(servedBy.view()) }));
    }
    // The sim serves only these calls; any other is what a master without them would answer.
    text(res, 400, `Failed to convert JSON into Call protobuf: Failed to find enum for '${String(call.type).slice(0, 40)}'`);
  }

  /**
   * Cuts every open stream without a word, as a network fault would: at once, or with `midRecord` at the next record
   * each one is sent (an event or a HEARTBEAT), half of which reaches the client first. The event cut in half is lost
   * to that subscriber, as it is on a real connection that breaks; a new subscription's SUBSCRIBED includes it.
   */
  drop(midRecord = false): void {
    for (const s of this.subscribers) {
      if (midRecord) s.cutMidRecord = true;
      else s.res.destroy();
    }
  }

  /** Ends the streams a master served (it lost the leadership), as its connections would break. */
  closeServedBy(servedBy: unknown): void {
    for (const s of [...this.subscribers]) if (s.servedBy === servedBy) s.res.destroy();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const s of [...this.subscribers]) s.res.destroy();
  }

  private subscribe(res: ServerResponse, servedBy: unknown): void {
    // Events up to now are folded into the SUBSCRIBED this subscriber gets, not repeated after it.
    this.sync();
    res.writeHead(200, { 'Content-Type': JSON_TYPE });
    res.flushHeaders();
    const heartbeat = setInterval(() => {
      if (this.faults.heartbeats) this.write(sub, { type: 'HEARTBEAT' });
    }, this.heartbeatSeconds * 1000);
    const sub: Subscriber = { res, servedBy, heartbeat, cutMidRecord: false };
    this.subscribers.add(sub);
    res.on('close', () => {
      clearInterval(heartbeat);
      this.subscribers.delete(sub);
    });
    this.write(sub, { type: 'SUBSCRIBED', subscribed: { get_state: getStateJson(this.model), heartbeat_interval_seconds: this.heartbeatSeconds } });
    this.write(sub, { type: 'HEARTBEAT' });
  }

  private write(sub: Subscriber, event: unknown): void {
    if (this.faults.silent || sub.res.destroyed) return;
    const frame = recordioFrame(event);
    if (!sub.cutMidRecord) return void sub.res.write(frame);
    // Nothing more is written to it; once the half has left, the socket goes: the client holds a length prefix and
    // part of a body.
    clearInterval(sub.heartbeat);
    this.subscribers.delete(sub);
    sub.res.write(frame.subarray(0, Math.ceil(frame.length / 2)), () => sub.res.destroy());
  }

  private broadcast(event: unknown): void {
    for (const sub of this.subscribers) this.write(sub, event);
  }

  /** Compares the model with what was announced and sends the difference, in the real master's order. */
  sync(): void {
    const events: unknown[] = [];
    const fresh: SimTask[] = [];
    for (const f of this.model.frameworks.values()) {
      for (const task of f.tasks.values()) if (!this.taskStates.has(task) && !TERMINAL_STATES.has(task.state)) fresh.push(task);
    }
    const registered = this.model.registeredAgents();
    const added = registered.filter((a) => !this.agentIds.has(a.id));
    const usage = added.length > 0 ? this.model.usageByAgent() : null;
    for (const a of added) events.push({ type: 'AGENT_ADDED', agent_added: { agent: agentJson(a, usage!.get(a.id)!, fresh) } });
    this.agentIds.clear();
    for (const a of registered) this.agentIds.add(a.id);
    for (const f of this.model.frameworks.values()) {
      const key = `${f.registeredTime}/${f.reregisteredTime ?? ''}`;
      const before = this.frameworkKeys.get(f.id);
      if (before === undefined) events.push({ type: 'FRAMEWORK_ADDED', framework_added: { framework: frameworkJson(this.model, f, fresh) } });
      else if (before !== key) events.push({ type: 'FRAMEWORK_UPDATED', framework_updated: { framework: frameworkJson(this.model, f, fresh) } });
      this.frameworkKeys.set(f.id, key);
    }
    for (const [task, state] of this.taskStates) {
      if (task.state !== state) {
        const last = task.statuses[task.statuses.length - 1];
        const status = statusJson(task, last?.state ?? task.state, last?.timestamp ?? this.model.nowSecs());
        events.push({ type: 'TASK_UPDATED', task_updated: { framework_id: idOf(task.frameworkId), status, state: task.state } });
        this.taskStates.set(task, task.state);
      }
      if (this.model.frameworks.get(task.frameworkId)?.tasks.get(task.id) !== task) this.taskStates.delete(task);
    }
    for (const f of this.model.frameworks.values()) {
      for (const task of f.tasks.values()) {
        if (this.taskStates.has(task)) continue;
        // One that started and ended between two comparisons is told as the master told it: added, then updated.
        const ended = TERMINAL_STATES.has(task.state);
        events.push({ type: 'TASK_ADDED', task_added: { task: ended ? { ...taskJson(task), state: 'TASK_STAGING' } : taskJson(task) } });
        if (ended) events.push({ type: 'TASK_UPDATED', task_updated: { framework_id: idOf(task.frameworkId), status: statusJson(task, task.state, this.model.nowSecs()), state: task.state } });
        this.taskStates.set(task, task.state);
      }
    }
    for (const id of [...this.frameworkKeys.keys()]) {
      if (this.model.frameworks.has(id)) continue;
      this.frameworkKeys.delete(id);
      const gone = this.model.completedFrameworks.find((f) => f.id === id);
      events.push({ type: 'FRAMEWORK_REMOVED', framework_removed: { framework_info: gone ? frameworkInfo(gone) : { id: idOf(id), name: '', user: '' } } });
    }
    for (const e of events) this.broadcast(e);
  }
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(body);
}
