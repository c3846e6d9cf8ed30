// POST /api/v1/scheduler on the leading simulated master (mesos.md b; Master::Http::scheduler in
// src/master/http.cpp and scheduler::call::validate in src/master/validation.cpp), plus the master's side of
// the agents' messages: status updates, executor exits, lost agents, rescinded offers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MasterLink, SimAgentNode } from './agent';
import type { ClusterModel } from './cluster-model';
import type { SimAgent, SimFramework, SimOffer, SimTask } from './cluster-entities';
import { CallError, type Json, answer, idOf, missingRequired, parseCall } from './http-call';
import type { SimMaster } from './master-http';
import { Allocator } from './offers';
import { recordioFrame } from './recordio-writer';
import { type CallContext, masterStatus, runCall } from './scheduler-calls';
import { SchedulerStreams } from './scheduler-streams';
import { SIM_MESOS_VERSION } from './state-json';
import type { TaskStatusJson } from './status-updates';
import { isValidUuidBytes } from './uuid-bytes';

export interface SchedulerServiceOptions {
  model: ClusterModel;
  agents: Map<string, SimAgentNode>;
  /** Sent in SUBSCRIBED and used for HEARTBEATs. Mesos: a fixed 15 s. */
  heartbeatIntervalSeconds?: number;
  /** Mesos --allocation_interval, 1 s. */
  allocationIntervalMs?: number;
}

const CALL_TYPES = new Set([
  'SUBSCRIBE', 'TEARDOWN', 'ACCEPT', 'DECLINE', 'ACCEPT_INVERSE_OFFERS', 'DECLINE_INVERSE_OFFERS', 'REVIVE', 'KILL', 'SHUTDOWN',
  'ACKNOWLEDGE', 'ACKNOWLEDGE_OPERATION_STATUS', 'RECONCILE', 'RECONCILE_OPERATIONS', 'MESSAGE', 'REQUEST', 'SUPPRESS', 'UPDATE_FRAMEWORK', 'UNKNOWN',
]);

// proto2 required fields of scheduler::Call and what it contains ('?' = optional message, '[]' = each element).
const REQUIRED = [
  'framework_id.?.value',
  'subscribe.?.framework_info.user',
  'subscribe.?.framework_info.name',
  'subscribe.?.framework_info.id.?.value',
  'accept.?.offer_ids.[].value',
  'accept.?.operations.[].launch.?.task_infos.[].name',
  'accept.?.operations.[].launch.?.task_infos.[].task_id.value',
  'accept.?.operations.[].launch.?.task_infos.[].agent_id.value',
  'accept.?.operations.[].launch.?.task_infos.[].executor.?.executor_id.value',
  'decline.?.offer_ids.[].value',
  'acknowledge.?.agent_id.value',
  'acknowledge.?.task_id.value',
  'acknowledge.?.uuid',
  'kill.?.task_id.value',
  'shutdown.?.executor_id.value',
  'shutdown.?.agent_id.value',
  'reconcile.?.tasks.[].task_id.value',
  'message.?.agent_id.value',
  'message.?.executor_id.value',
  'message.?.data',
];

// Calls whose payload message must be present (scheduler::call::validate).
const PAYLOAD: Record<string, string> = {
  ACCEPT: 'accept', DECLINE: 'decline', ACKNOWLEDGE: 'acknowledge', KILL: 'kill', SHUTDOWN: 'shutdown',
  RECONCILE: 'reconcile', MESSAGE: 'message', REQUEST: 'request',
};

export class SchedulerService implements MasterLink {
  readonly streams: SchedulerStreams;
  readonly allocator: Allocator;
  private readonly model: ClusterModel;
  private readonly agents: Map<string, SimAgentNode>;
  private readonly heartbeatSecs: number;
  private readonly allocationTimer: NodeJS.Timeout;
  private readonly ctx: CallContext;

  constructor(opts: SchedulerServiceOptions) {
    this.model = opts.model;
    this.agents = opts.agents;
    this.heartbeatSecs = opts.heartbeatIntervalSeconds ?? 15;
    this.streams = new SchedulerStreams(this.heartbeatSecs * 1000, (id) => this.disconnected(id));
    this.allocator = new Allocator(this.model, (id, e) => this.streams.send(id, e), (id) => this.streams.connected(id));
    this.allocationTimer = setInterval(() => this.allocator.allocate(), opts.allocationIntervalMs ?? 1000);
    this.allocationTimer.unref();
    this.ctx = {
      model: this.model,
      allocator: this.allocator,
      agents: this.agents,
      sendStatus: (id, status) => this.forwardUpdate(id, status),
      teardown: (fw) => this.model.removeFramework(fw),
    };
    this.model.on('offerRescinded', (offer: SimOffer) => this.streams.send(offer.frameworkId, { type: 'RESCIND', rescind: { offer_id: { value: offer.id } } } as { type: string }));
    this.model.on('agentUnreachable', (agent: SimAgent, tasks: SimTask[]) => this.agentLost(agent, tasks));
    this.model.on('frameworkRemoved', (fw: SimFramework) => {
      for (const node of this.agents.values()) node.shutdownFramework(fw.id);
      this.allocator.revive(fw.id);
      this.streams.close(fw.id, 'Framework has been removed');
    });
  }

  /** The request handler for one master; `master` is who answers (its identity goes into master_info). */
  handlerFor(master: SimMaster): (req: IncomingMessage, res: ServerResponse, body: Buffer) => void {
    return (req, res, body) => {
      try {
        this.handle(master, req, res, body);
      } catch (err) {
        if (err instanceof CallError) answer(res, err.status, err.message);
        else answer(res, 500, (err as Error).message);
      }
    };
  }

  close(): void {
    clearInterval(this.allocationTimer);
    this.streams.closeAll();
  }

  forwardUpdate(frameworkId: string, status: TaskStatusJson): void {
    this.streams.send(frameworkId, { type: 'UPDATE', update: { status } } as { type: string });
  }

  /** FAILURE on every executor exit, even with status 0 (mesos.md b.4; recorded). */
  executorExited(frameworkId: string, agentId: string, executorId: string, status: number | undefined): void {
    const failure: Json = { agent_id: { value: agentId }, executor_id: { value: executorId } };
    if (status !== undefined) failure.status = status;
    this.streams.send(frameworkId, { type: 'FAILURE', failure } as { type: string });
  }

  executorMessage(frameworkId: string, agentId: string, executorId: string, data: string): void {
    this.streams.send(frameworkId, { type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data } } as { type: string });
  }

  private handle(master: SimMaster, req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const call = parseCall(req, body, 'Call');
    if (call.type !== undefined && (typeof call.type !== 'string' || !CALL_TYPES.has(call.type))) {
      throw new CallError(400, `Failed to convert JSON into Call protobuf: Failed to find enum for '${String(call.type)}'`);
    }
    const missing = missingRequired(call, REQUIRED);
    if (missing.length > 0) throw new CallError(400, `Failed to convert JSON into Call protobuf: Missing required fields: ${missing.join(', ')}`);
    const invalid = validate(call);
    if (invalid) throw new CallError(400, `Failed to validate scheduler::Call: ${invalid}`);
    if (call.type === 'UNKNOWN') throw new CallError(501, "Received an unexpected 'UNKNOWN' call");
    if (call.type === 'SUBSCRIBE') return this.subscribe(master, req, res, call);

    const frameworkId = idOf(call.framework_id) as string;
    const fw = this.model.frameworks.get(frameworkId);
    if (!fw || fw.background) throw new CallError(400, 'Framework cannot be found');
    if (!this.streams.connected(frameworkId)) throw new CallError(403, 'Framework is not subscribed');
    const streamId = req.headers['mesos-stream-id'];
    if (streamId === undefined) throw new CallError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (streamId !== this.streams.streamId(frameworkId)) {
      throw new CallError(400, `The stream ID '${String(streamId)}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`);
    }
    if (call.type === 'UPDATE_FRAMEWORK') {
      applyFrameworkInfo(fw, ((call.update_framework as Json | undefined)?.framework_info ?? {}) as Json);
      return answer(res, 200);
    }
    answer(res, 202);
    runCall(this.ctx, fw, call);
  }

  private subscribe(master: SimMaster, req: IncomingMessage, res: ServerResponse, call: Json): void {
    if (req.headers['mesos-stream-id'] !== undefined) throw new CallError(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    const accept = req.headers.accept;
    if (accept !== undefined && !/(^|,)\s*(\*\/\*|application\/\*|application\/json|application\/x-protobuf)\s*(;|,|$)/.test(accept)) {
      throw new CallError(406, "Expecting 'Accept' to allow 'application/json' or 'application/x-protobuf'");
    }
    const info = (call.subscribe as Json).framework_info as Json;
    const id = idOf(info.id);
    if (id !== undefined && this.model.removedFrameworkIds.has(id)) {
      // 200 first, then ERROR and the end of the stream (mesos.md b.2). The header comes all the same: the
      // master sets Mesos-Stream-Id on the streaming response before Master::subscribe validates anything
      // (Master::Http::scheduler in src/master/http.cpp), so a client sees it and then reads the ERROR.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': randomUUID() });
      res.end(recordioFrame({ type: 'ERROR', error: { message: 'Framework has been removed' } }));
      return;
    }
    let fw = id !== undefined ? this.model.frameworks.get(id) : undefined;
    const resubscribe = fw !== undefined;
    if (fw?.background) throw new CallError(400, `Framework ${id} is not an HTTP framework`);
    if (!fw) fw = this.model.addFramework({ ...(id !== undefined ? { id } : {}), name: String(info.name), user: String(info.user) });
    else fw.reregisteredTime = this.model.nowSecs();
    applyFrameworkInfo(fw, info);
    fw.connected = true;
    fw.active = true;
    fw.disconnectedAt = undefined;
    this.streams.open(fw.id, res, master);
    this.streams.send(fw.id, {
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: fw.id }, heartbeat_interval_seconds: this.heartbeatSecs, master_info: masterInfo(master) },
    } as { type: string });
    this.allocator.revive(fw.id);
    const suppressed = (call.subscribe as Json).suppressed_roles;
    if (Array.isArray(suppressed) && suppressed.length > 0) this.allocator.suppress(fw.id);
    if (resubscribe) for (const node of this.agents.values()) node.frameworkResubscribed(fw.id);
    setImmediate(() => this.allocator.allocate());
  }

  /** The stream broke: the framework is disconnected, its offers go back, and the failover clock starts (b.7). */
  private disconnected(frameworkId: string): void {
    const fw = this.model.frameworks.get(frameworkId);
    if (!fw) return;
    fw.connected = false;
    fw.active = false;
    fw.disconnectedAt = this.model.clock();
    for (const offer of [...fw.offers.values()]) this.model.removeOffer(offer);
  }

  private agentLost(agent: SimAgent, tasks: SimTask[]): void {
    void this.agents.get(agent.id)?.lose();
    for (const task of tasks) {
      const fw = this.model.frameworks.get(task.frameworkId);
      if (!fw || fw.background) continue;
      const state = fw.capabilities.includes('PARTITION_AWARE') ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      const extra: Json = { agent_id: { value: agent.id } };
      if (task.executorId) extra.executor_id = { value: task.executorId };
      this.forwardUpdate(fw.id, masterStatus(this.model, task.id, state, 'REASON_SLAVE_REMOVED', `Agent ${agent.hostname} is unreachable`, extra));
    }
    // A removed agent is announced to every framework as a FAILURE without executor (LostSlaveMessage).
    for (const fw of this.model.frameworks.values()) {
      if (!fw.background) this.streams.send(fw.id, { type: 'FAILURE', failure: { agent_id: { value: agent.id } } } as { type: string });
    }
  }
}

function validate(call: Json): string | undefined {
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.type === 'SUBSCRIBE') {
    if (!call.subscribe) return "Expecting 'subscribe' to be present";
    const infoId = idOf(((call.subscribe as Json).framework_info as Json).id);
    // Both or neither, and equal (recorded: a resubscribe with framework_id only at the top level).
    if (idOf(call.framework_id) !== infoId) return "'framework_id' differs from 'subscribe.framework_info.id'";
    return undefined;
  }
  if (!call.framework_id) return "Expecting 'framework_id' to be present";
  const payload = PAYLOAD[call.type as string];
  if (payload && !call[payload]) return `Expecting '${payload}' to be present`;
  if (call.type === 'ACKNOWLEDGE' && !isValidUuidBytes((call.acknowledge as Json).uuid)) return 'Not a valid UUID';
  return undefined;
}

function applyFrameworkInfo(fw: SimFramework, info: Json): void {
  const capabilities = Array.isArray(info.capabilities) ? (info.capabilities as Json[]).map((c) => String(c?.type)) : [];
  fw.capabilities = capabilities;
  // `roles` counts only with MULTI_ROLE; otherwise the deprecated `role`, default "*" (mesos.md b.2).
  fw.roles = capabilities.includes('MULTI_ROLE') && Array.isArray(info.roles) ? info.roles.map(String) : [typeof info.role === 'string' ? info.role : '*'];
  fw.hostname = typeof info.hostname === 'string' ? info.hostname : '';
  fw.webuiUrl = typeof info.webui_url === 'string' ? info.webui_url : '';
  fw.failoverTimeout = typeof info.failover_timeout === 'number' ? info.failover_timeout : 0;
  fw.checkpoint = info.checkpoint === true;
  if (typeof info.principal === 'string') fw.principal = info.principal;
}

function masterInfo(master: SimMaster): Json {
  const octets = master.hostname.split('.').map(Number);
  // MasterInfo.ip is the IPv4 address as a uint32 in network order, read as a little-endian number (recorded).
  const ip = octets.length === 4 && octets.every((o) => o >= 0 && o < 256) ? (octets[0] | (octets[1] << 8) | (octets[2] << 16) | (octets[3] << 24)) >>> 0 : 0;
  return {
    id: master.id,
    ip,
    port: master.port,
    pid: `master@${master.hostname}:${master.port}`,
    hostname: master.hostname,
    version: SIM_MESOS_VERSION,
    address: { hostname: master.hostname, ip: master.hostname, port: master.port },
    capabilities: [{ type: 'AGENT_UPDATE' }, { type: 'AGENT_DRAINING' }, { type: 'QUOTA_V2' }],
  };
}
