// /master/state, /master/state-summary and /metrics/snapshot documents built from the model, in the shape of the
// recorded 1.12 master (fixtures/mesos/real-1.12.0/master-state-task-running.json and master-state-summary.json;
// Master::ReadOnlyHandler::state and ::stateSummary and the FullFrameworkWriter / SlaveWriter / TaskWriter in
// src/master/readonly_handler.cpp; metrics from src/master/metrics.cpp). Pure functions: the HTTP layer only
// serialises what these return.
import * as os from 'node:os';
import { type ClusterModel } from './cluster-model';
import { type SimAgent, type SimExecutor, type SimFramework, type SimTask, TERMINAL_STATES } from './cluster-entities';
import { type Resources, emptyResources, resourceObject, sum } from './resources';

export const SIM_MESOS_VERSION = '1.12.0';

/** MasterInfo.capabilities of a 1.12 master (the recorded /state and scheduler SUBSCRIBED). */
export const MASTER_CAPABILITIES = ['AGENT_UPDATE', 'AGENT_DRAINING', 'QUOTA_V2'];

/** Who is asking: the identity of the master serving the document and whom it believes leads. */
export interface MasterView {
  id: string;
  hostname: string;
  port: number;
  startTime: number;
  /** Set only on a master that has been elected (Mesos src/master/http.cpp). */
  electedTime?: number;
  leader: { id: string; hostname: string; port: number } | null;
  /** True on the leader; a 0.28-style non-leader shows an empty cluster (Mesos src/master/http.cpp). */
  leading: boolean;
}

const pid = (host: string, port: number): string => `master@${host}:${port}`;

export function stateJson(model: ClusterModel, view: MasterView): Record<string, unknown> {
  const agents = view.leading ? model.registeredAgents() : [];
  const frameworks = view.leading ? [...model.frameworks.values()] : [];
  const doc: Record<string, unknown> = {
    version: SIM_MESOS_VERSION,
    build_date: '2026-11-24 19:16:05',
    build_time: 1795547765.0,
    build_user: '',
    start_time: view.startTime,
  };
  if (view.electedTime !== undefined) doc.elected_time = view.electedTime;
  Object.assign(doc, {
    id: view.id,
    pid: pid(view.hostname, view.port),
    hostname: view.hostname,
    capabilities: MASTER_CAPABILITIES,
    activated_slaves: agents.filter((a) => a.status === 'active').length,
    deactivated_slaves: agents.filter((a) => a.status === 'inactive').length,
    unreachable_slaves: view.leading ? [...model.agents.values()].filter((a) => a.status === 'unreachable').length : 0,
  });
  if (view.leader) {
    doc.leader = pid(view.leader.hostname, view.leader.port);
    doc.leader_info = { id: view.leader.id, pid: pid(view.leader.hostname, view.leader.port), port: view.leader.port, hostname: view.leader.hostname };
  }
  doc.flags = flags(view);
  const usage = model.usageByAgent();
  doc.slaves = agents.map((a) => agentJson(a, usage.get(a.id)!));
  doc.recovered_slaves = [];
  doc.frameworks = frameworks.map((f) => frameworkJson(model, f));
  doc.completed_frameworks = view.leading ? model.completedFrameworks.map((f) => frameworkJson(model, f)) : [];
  doc.orphan_tasks = [];
  doc.unregistered_frameworks = [];
  return doc;
}

function flags(view: MasterView): Record<string, string> {
  return {
    agent_ping_timeout: '15secs',
    agent_reregister_timeout: '10mins',
    allocation_interval: '1secs',
    authenticate_http_frameworks: 'false',
    authenticate_http_readonly: 'false',
    authenticate_http_readwrite: 'false',
    hostname: view.hostname,
    ip: '127.0.0.1',
    max_agent_ping_timeouts: '5',
    max_completed_frameworks: '50',
    max_completed_tasks_per_framework: '1000',
    min_allocatable_resources: 'cpus:0.01|mem:32',
    port: String(view.port),
    registry: 'in_memory',
    root_submissions: 'true',
    version: 'false',
  };
}

function agentJson(a: SimAgent, usage: { used: Resources; offered: Resources }): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    id: a.id,
    hostname: a.hostname,
    port: a.port,
    attributes: {},
    pid: `slave(1)@${a.ip}:${a.port}`,
    registered_time: a.registeredTime,
  };
  if (a.reregisteredTime !== undefined) doc.reregistered_time = a.reregisteredTime;
  Object.assign(doc, {
    resources: resourceObject(a.resources),
    used_resources: resourceObject(usage.used),
    offered_resources: resourceObject(usage.offered),
    reserved_resources: {},
    unreserved_resources: resourceObject(a.resources),
    active: a.status === 'active',
    deactivated: false,
    version: SIM_MESOS_VERSION,
    capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT', 'RESOURCE_PROVIDER', 'RESIZE_VOLUME', 'AGENT_OPERATION_FEEDBACK', 'AGENT_DRAINING', 'TASK_RESOURCE_LIMITS'],
  });
  return doc;
}

/** json(JSON::ObjectWriter*, const Summary<Framework>&): what /state-summary writes and /state begins with. */
function frameworkSummaryJson(model: ClusterModel, f: SimFramework): Record<string, unknown> {
  // No `pid`: it is written only for frameworks on the old driver, and the sim's speak the v1 HTTP API.
  return {
    id: f.id,
    name: f.name,
    used_resources: resourceObject(model.usedBy(f)),
    offered_resources: resourceObject(model.offeredTo(f)),
    capabilities: f.capabilities,
    hostname: f.hostname,
    webui_url: f.webuiUrl,
    active: f.active,
    connected: f.connected,
    recovered: false,
  };
}

function frameworkJson(model: ClusterModel, f: SimFramework): Record<string, unknown> {
  const used = model.usedBy(f);
  const offered = model.offeredTo(f);
  const doc: Record<string, unknown> = {
    ...frameworkSummaryJson(model, f),
    user: f.user,
    failover_timeout: f.failoverTimeout,
    checkpoint: f.checkpoint,
    registered_time: f.registeredTime,
    unregistered_time: f.unregisteredTime,
  };
  if (f.reregisteredTime !== undefined) doc.reregistered_time = f.reregisteredTime;
  if (f.principal !== undefined) doc.principal = f.principal;
  Object.assign(doc, {
    resources: resourceObject(sum([used, offered])),
    roles: f.roles,
    tasks: [...f.tasks.values()].map(taskJson),
    unreachable_tasks: f.unreachableTasks.map(taskJson),
    completed_tasks: f.completedTasks.map(taskJson),
    offers: [...f.offers.values()].map((o) => ({
      id: o.id,
      framework_id: o.frameworkId,
      allocation_info: { role: '*' },
      slave_id: o.agentId,
      resources: resourceObject(o.resources),
    })),
    executors: [...f.executors.values()].map(executorJson),
    offer_constraints: {},
  });
  return doc;
}

/** The counters TaskStateSummary writes, in its order; TASK_DROPPED, TASK_GONE and the like are counted, not written. */
const SUMMARY_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE'];

/** What TaskStateSummaries and SlaveFrameworkMapping gather for one agent or one framework. */
interface Tally {
  states: Map<string, number>;
  others: Set<string>;
}

function tally(): Tally {
  return { states: new Map(), others: new Set() };
}

function counters(t: Tally): Record<string, number> {
  return Object.fromEntries(SUMMARY_STATES.map((s) => [s, t.states.get(s) ?? 0]));
}

/**
 * /master/state-summary (Master::ReadOnlyHandler::stateSummary): the registered agents through SlaveWriter and the
 * registered frameworks through Summary<Framework>, each with its tasks counted by state over the frameworks'
 * tasks, unreachable and completed tasks, and the ids of the frameworks (agents) those tasks name. No tasks, and
 * nothing of the master but its hostname (and `cluster`, which the sim's masters have no flag for).
 */
export function stateSummaryJson(model: ClusterModel, view: MasterView): Record<string, unknown> {
  const agents = view.leading ? model.registeredAgents() : [];
  const frameworks = view.leading ? [...model.frameworks.values()] : [];
  const byAgent = new Map<string, Tally>();
  const byFramework = new Map<string, Tally>();
  for (const f of frameworks) {
    const mine = tally();
    byFramework.set(f.id, mine);
    for (const t of [...f.tasks.values(), ...f.unreachableTasks, ...f.completedTasks]) {
      let there = byAgent.get(t.agentId);
      if (!there) byAgent.set(t.agentId, (there = tally()));
      for (const [one, other] of [[mine, t.agentId], [there, f.id]] as const) {
        one.states.set(t.state, (one.states.get(t.state) ?? 0) + 1);
        one.others.add(other);
      }
    }
  }
  const usage = model.usageByAgent();
  return {
    hostname: view.hostname,
    slaves: agents.map((a) => {
      const t = byAgent.get(a.id) ?? tally();
      return { ...agentJson(a, usage.get(a.id)!), ...counters(t), framework_ids: [...t.others] };
    }),
    frameworks: frameworks.map((f) => {
      const t = byFramework.get(f.id) ?? tally();
      return { ...frameworkSummaryJson(model, f), ...counters(t), slave_ids: [...t.others] };
    }),
  };
}

function taskJson(t: SimTask): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    framework_id: t.frameworkId,
    executor_id: t.executorId,
    slave_id: t.agentId,
    state: t.state,
    resources: resourceObject(t.resources),
    role: '*',
    // /state never carries data, message, reason, source or uuid (Mesos src/master/http.cpp).
    statuses: t.statuses.map((s) => ({ ...s })),
  };
}

interface CommandJson {
  shell?: boolean;
  value?: string;
  arguments?: string[];
  environment?: { variables?: { name: string; value?: string; type?: string }[] };
  uris?: { value: string; executable?: boolean }[];
}

function executorJson(e: SimExecutor): Record<string, unknown> {
  const cmd = (e.info.command ?? {}) as CommandJson;
  // json(JSON::ObjectWriter*, const CommandInfo&) in src/common/http.cpp: shell defaults to true, arguments
  // become argv, variables get their default type VALUE, uris keep value and executable only.
  const command: Record<string, unknown> = { shell: cmd.shell ?? true, value: cmd.value ?? '', argv: cmd.arguments ?? [] };
  if (cmd.environment) {
    command.environment = { variables: (cmd.environment.variables ?? []).map((v) => ({ name: v.name, type: v.type ?? 'VALUE', value: v.value ?? '' })) };
  }
  command.uris = (cmd.uris ?? []).map((u) => ({ value: u.value, executable: u.executable ?? false }));
  return {
    executor_id: e.executorId,
    name: typeof e.info.name === 'string' ? e.info.name : '',
    framework_id: e.frameworkId,
    command,
    resources: resourceObject(e.resources),
    role: '*',
    slave_id: e.agentId,
  };
}

const METRIC_RESOURCES = ['cpus', 'gpus', 'mem', 'disk'] as const;
const TASK_GAUGES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'];
const TASK_COUNTERS = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR'];

/** /metrics/snapshot. A non-leader has no registered agents, so its master/* totals are 0 (Mesos docs/monitoring.md). */
export function metricsJson(model: ClusterModel, view: MasterView & { uptimeSecs: number }): Record<string, number> {
  const leading = view.leading && view.electedTime !== undefined;
  const agents = leading ? model.registeredAgents() : [];
  const frameworks = leading ? [...model.frameworks.values()] : [];
  const total = sum(agents.map((a) => a.resources));
  const used: Resources = leading ? sum(agents.map((a) => model.usedOn(a.id))) : emptyResources();
  const m: Record<string, number> = {};
  for (const r of METRIC_RESOURCES) {
    m[`master/${r}_total`] = total[r];
    m[`master/${r}_used`] = used[r];
    // A fraction, not a percentage, despite the name (Mesos docs/monitoring.md).
    m[`master/${r}_percent`] = total[r] > 0 ? used[r] / total[r] : 0;
    m[`master/${r}_revocable_total`] = 0;
    m[`master/${r}_revocable_used`] = 0;
    m[`master/${r}_revocable_percent`] = 0;
  }
  const active = agents.filter((a) => a.status === 'active').length;
  Object.assign(m, {
    'master/elected': leading ? 1 : 0,
    'master/uptime_secs': view.uptimeSecs,
    'master/slaves_active': active,
    'master/slaves_inactive': agents.length - active,
    'master/slaves_connected': active,
    'master/slaves_disconnected': agents.length - active,
    'master/slaves_unreachable': leading ? [...model.agents.values()].filter((a) => a.status === 'unreachable').length : 0,
    'master/frameworks_active': frameworks.filter((f) => f.active).length,
    'master/frameworks_inactive': frameworks.filter((f) => !f.active).length,
    'master/frameworks_connected': frameworks.filter((f) => f.connected).length,
    'master/frameworks_disconnected': frameworks.filter((f) => !f.connected).length,
    'master/outstanding_offers': frameworks.reduce((n, f) => n + f.offers.size, 0),
  });
  const live = frameworks.flatMap((f) => [...f.tasks.values()]).filter((t) => !TERMINAL_STATES.has(t.state));
  for (const s of TASK_GAUGES) m[`master/tasks_${s.slice(5).toLowerCase()}`] = live.filter((t) => t.state === s).length;
  for (const s of TASK_COUNTERS) m[`master/tasks_${s.slice(5).toLowerCase()}`] = leading ? model.terminalCounts.get(s) ?? 0 : 0;
  m['master/tasks_unreachable'] = frameworks.reduce((n, f) => n + f.unreachableTasks.length, 0);
  const load = os.loadavg();
  Object.assign(m, {
    'system/cpus_total': os.cpus().length,
    'system/load_1min': load[0],
    'system/load_5min': load[1],
    'system/load_15min': load[2],
    'system/mem_total_bytes': os.totalmem(),
    'system/mem_free_bytes': os.freemem(),
  });
  return m;
}
