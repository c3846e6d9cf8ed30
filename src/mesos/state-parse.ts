// A Mesos master's /state (or /state.json) document → ClusterSnapshot. Pure; each field means what
// snapshot.ts says, the same as `mesos-panel status --json` prints.
//
// Validation is by hand, touching only what the snapshot needs (agents, frameworks and their live tasks, never
// completed_tasks), so the 2.4 MB dcos-ui capture parses in well under a millisecond after JSON.parse.
// Tolerant where Mesos versions differ: `gpus` (1.0+), `active` on agents (0.22+), `used_resources` and
// `offered_resources` (frameworks 0.20+, agents 0.23+), `unreachable_slaves` (1.2+) and `leader_info` (1.1+)
// may be missing. Strict where the data would be unusable: a wrong type anywhere we read is an error.
import { RESOURCES, type AgentSummary, type ClusterSnapshot, type FrameworkSummary, type ResourceName, type ResourceUse } from './snapshot';

export class StateFormatError extends Error {
  override readonly name = 'StateFormatError';
  constructor(
    /** Where in the document, e.g. `slaves[3].resources.cpus`. */
    readonly path: string,
    /** What is wrong there, e.g. `slaves[3].resources.cpus is a string ("4"), expected a number`. */
    readonly detail: string,
    /** Where the document came from: `state` for a file, the URL for a master's answer. */
    readonly origin = 'state',
  ) {
    super(`${origin}: ${detail}`);
  }
}

type Obj = Record<string, unknown>;
export type Amounts = Record<ResourceName, number>;

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v)})`;
    case 'number':
    case 'boolean':
      return `a ${typeof v} (${String(v)})`;
    default:
      return `an ${typeof v}`;
  }
}

function wrongType(path: string, v: unknown, expected: string): StateFormatError {
  const where = path === '' ? 'the document' : path;
  return new StateFormatError(path, `${where} is ${describe(v)}, expected ${expected}`);
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw wrongType(path, v, 'an object');
  return v;
}

export function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw wrongType(path, v, 'an array');
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw wrongType(path, v, 'a string');
  return v;
}

export function optStr(v: unknown, path: string): string | null {
  return v === undefined ? null : str(v, path);
}

export function optBool(v: unknown, path: string, absent: boolean): boolean {
  if (v === undefined) return absent;
  if (typeof v !== 'boolean') throw wrongType(path, v, 'true or false');
  return v;
}

/**
 * Far above any cluster (10^15 MB is a zettabyte) and far below where a sum over many agents could overflow
 * to Infinity and turn every figure on the panel into NaN.
 */
const MAX_AMOUNT = 1e15;

export function optNum(v: unknown, path: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(path, v, 'a number');
  if (Math.abs(v) > MAX_AMOUNT) throw wrongType(path, v, `a number within ±${MAX_AMOUNT}`);
  return v;
}

export function zero(): Amounts {
  return { cpus: 0, mem: 0, disk: 0, gpus: 0 };
}

/** Adds a resource object (a.4: scalars summed per name; cpus/mem/disk/gpus, each optional) into `into`. */
export function addResources(into: Amounts, v: unknown, path: string): void {
  const r = obj(v, path);
  for (const name of RESOURCES) into[name] += optNum(r[name], `${path}.${name}`);
}

/** An optional resource object: missing counts as nothing. */
export function resourcesOf(v: unknown, path: string): Amounts {
  const a = zero();
  if (v !== undefined) addResources(a, v, path);
  return a;
}

/** Mesos keeps scalars in fixed point with 3 decimals; old masters print float noise (14.5500000000001). */
export function round3(x: number): number {
  const r = Math.round(x * 1000) / 1000;
  return r === 0 ? 0 : r; // no -0 in the output
}

export function use(total: number, used: number, offered: number): ResourceUse {
  const t = round3(total);
  const u = round3(used);
  const o = round3(offered);
  return { total: t, used: u, offered: o, free: round3(t - u - o) };
}

/** `master@10.0.0.2:5050` → `10.0.0.2:5050`. */
function pidAddress(pid: string): string {
  const at = pid.indexOf('@');
  return at < 0 ? pid : pid.slice(at + 1);
}

/**
 * host:port of the leader. From `leader_info` (1.1+) its hostname and port, the name Mesos itself puts in
 * redirects and the one an operator knows the master by; else the address in the `leader` PID.
 */
export function leaderOf(doc: Obj): string | null {
  const fromInfo = doc.leader_info === undefined ? null : masterAddress(doc.leader_info, 'leader_info');
  if (fromInfo) return fromInfo;
  const leader = optStr(doc.leader, 'leader');
  return leader ? pidAddress(leader) : null;
}

/** host:port of a MasterInfo (include/mesos/mesos.proto) at `path`: its hostname and port, else its PID's address. */
export function masterAddress(v: unknown, path: string): string | null {
  const info = obj(v, path);
  const hostname = optStr(info.hostname, `${path}.hostname`);
  const port = info.port === undefined ? null : optNum(info.port, `${path}.port`);
  if (hostname && port !== null) return `${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  const pid = optStr(info.pid, `${path}.pid`);
  return pid ? pidAddress(pid) : null;
}

export type MasterRole =
  | { role: 'leader' }
  /** A 0.28-or-older non-leader: 200 with its own empty view; `leader` is the leader's host:port (IP). */
  | { role: 'follower'; leader: string }
  /** No leader known: an empty view with neither `leader` nor `elected_time`. */
  | { role: 'no-leader' };

/**
 * Tells a leader's answer from a pre-1.0 non-leader's (a.7): the latter answers 200 with `slaves: []` and a
 * `leader` PID other than its own `pid`. Anything that is not such a document counts as the leader's, and
 * parseState then judges it.
 */
export function masterRole(json: unknown): MasterRole {
  if (!isObj(json)) return { role: 'leader' };
  const emptyView = Array.isArray(json.slaves) && json.slaves.length === 0;
  if (!emptyView) return { role: 'leader' };
  const { pid, leader } = json;
  if (typeof leader === 'string' && typeof pid === 'string' && leader !== pid) {
    return { role: 'follower', leader: pidAddress(leader) };
  }
  if (leader === undefined && json.leader_info === undefined && json.elected_time === undefined) return { role: 'no-leader' };
  return { role: 'leader' };
}

/**
 * Throws StateFormatError (one line, naming `origin` and the path) when the document cannot be used.
 * `origin` names where the document came from, e.g. the URL; default `state`.
 */
export function parseState(json: unknown, origin = 'state'): ClusterSnapshot {
  return withOrigin(origin, () => snapshotOf(obj(json, '')));
}

/** Runs a reader whose StateFormatErrors then name `origin` (the URL the document came from) as where it failed. */
export function withOrigin<T>(origin: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof StateFormatError && origin !== err.origin) throw new StateFormatError(err.path, err.detail, origin);
    throw err;
  }
}

function snapshotOf(doc: Obj): ClusterSnapshot {
  const slaves = arr(doc.slaves, 'slaves');
  const frameworks = arr(doc.frameworks, 'frameworks');

  const total = zero();
  const agentUsed = zero();
  const agentOffered = zero();
  let agentsCarryUsed = false;
  let agentsCarryOffered = false;
  let active = 0;
  const agentList: AgentSummary[] = [];
  for (let i = 0; i < slaves.length; i++) {
    const p = `slaves[${i}]`;
    const s = obj(slaves[i], p);
    const res = zero();
    addResources(res, s.resources, `${p}.resources`); // required: an agent without resources is not an agent
    const used = resourcesOf(s.used_resources, `${p}.used_resources`);
    const offered = resourcesOf(s.offered_resources, `${p}.offered_resources`);
    agentsCarryUsed ||= s.used_resources !== undefined;
    agentsCarryOffered ||= s.offered_resources !== undefined;
    for (const name of RESOURCES) {
      total[name] += res[name];
      agentUsed[name] += used[name];
      agentOffered[name] += offered[name];
    }
    // Before 0.22 agents had no `active`; /state then listed only registered, connected agents.
    const isActive = optBool(s.active, `${p}.active`, true);
    if (isActive) active++;
    agentList.push({
      id: str(s.id, `${p}.id`),
      hostname: str(s.hostname, `${p}.hostname`),
      active: isActive,
      cpus: use(res.cpus, used.cpus, offered.cpus),
      mem: use(res.mem, used.mem, offered.mem),
      ...(optBool(s.deactivated, `${p}.deactivated`, false) ? { deactivated: true as const } : {}),
      ...(s.drain_info !== undefined ? { draining: true as const } : {}),
    });
  }

  const fwUsed = zero();
  const fwOffered = zero();
  const tasks: Record<string, number> = {};
  let frameworksActive = 0;
  const frameworkList: FrameworkSummary[] = [];
  for (let i = 0; i < frameworks.length; i++) {
    const p = `frameworks[${i}]`;
    const f = obj(frameworks[i], p);
    const used = resourcesOf(f.used_resources, `${p}.used_resources`);
    const offered = resourcesOf(f.offered_resources, `${p}.offered_resources`);
    for (const name of RESOURCES) {
      fwUsed[name] += used[name];
      fwOffered[name] += offered[name];
    }
    const isActive = optBool(f.active, `${p}.active`, true);
    if (isActive) frameworksActive++;
    const list = f.tasks === undefined ? [] : arr(f.tasks, `${p}.tasks`);
    for (let j = 0; j < list.length; j++) {
      const t = obj(list[j], `${p}.tasks[${j}]`);
      const state = str(t.state, `${p}.tasks[${j}].state`);
      tasks[state] = (tasks[state] ?? 0) + 1;
    }
    frameworkList.push({
      id: str(f.id, `${p}.id`),
      name: str(f.name, `${p}.name`),
      active: isActive,
      tasks: list.length,
      cpusUsed: round3(used.cpus),
      memUsed: round3(used.mem),
    });
  }

  const used = agentsCarryUsed ? agentUsed : fwUsed;
  const offered = agentsCarryOffered ? agentOffered : fwOffered;
  const byResource = (name: ResourceName) => use(total[name], used[name], offered[name]);
  return {
    leader: leaderOf(doc),
    version: optStr(doc.version, 'version'),
    agents: {
      active,
      inactive: slaves.length - active,
      unreachable: Math.round(optNum(doc.unreachable_slaves, 'unreachable_slaves')),
    },
    cpus: byResource('cpus'),
    mem: byResource('mem'),
    disk: byResource('disk'),
    gpus: byResource('gpus'),
    frameworks: { active: frameworksActive, registered: frameworkList.length },
    tasks: Object.fromEntries(Object.entries(tasks).sort(([a], [b]) => (a < b ? -1 : 1))),
    agentList,
    frameworkList,
  };
}
