// v1 scheduler events (Mesos docs/scheduler-http-api.md) as a discriminated union, decoded from untrusted JSON.
// Every event is rebuilt from checked fields only, so a malformed one gives a one-line EventError naming the
// path that is wrong, and nothing the master did not mean (unknown keys, `__proto__`) reaches the handler.
// Repeated fields may be left out by stout when empty; they come back as [].

import { constants as osConstants } from 'node:os';
import type { Id, Resource } from './scheduler-calls';
import { errorLine } from '../lib/error-line';

export interface TaskStatus {
  task_id: Id;
  state: string;
  source?: string;
  reason?: string;
  message?: string;
  /** Base64. */
  data?: string;
  agent_id?: Id;
  executor_id?: Id;
  timestamp?: number;
  /** Base64 of 16 bytes; only updates that carry one are acknowledged. */
  uuid?: string;
  healthy?: boolean;
}

export interface Offer {
  id: Id;
  framework_id: Id;
  agent_id: Id;
  hostname: string;
  resources: Resource[];
  executor_ids: Id[];
  allocation_info?: { role: string };
  /** Where the agent answers HTTP (its /state and /files/read). */
  url?: { scheme?: string; address: { hostname?: string; ip?: string; port: number } };
}

export interface InverseOffer {
  id: Id;
  framework_id: Id;
  agent_id?: Id;
}

/** The part of MasterInfo worth showing; the rest (ip as a network-order uint32, address, …) is dropped. */
export interface MasterInfo {
  id?: string;
  hostname?: string;
  port?: number;
  version?: string;
}

export type SchedulerEvent =
  | { type: 'SUBSCRIBED'; subscribed: { framework_id: Id; heartbeat_interval_seconds?: number; master_info?: MasterInfo } }
  | { type: 'OFFERS'; offers: { offers: Offer[] } }
  | { type: 'INVERSE_OFFERS'; inverse_offers: { inverse_offers: InverseOffer[] } }
  | { type: 'RESCIND'; rescind: { offer_id: Id } }
  | { type: 'RESCIND_INVERSE_OFFER'; rescind_inverse_offer: { inverse_offer_id: Id } }
  | { type: 'UPDATE'; update: { status: TaskStatus } }
  | {
      type: 'UPDATE_OPERATION_STATUS';
      update_operation_status: { status: { operation_id?: Id; state: string; uuid?: string; agent_id?: Id; message?: string } };
    }
  | { type: 'MESSAGE'; message: { agent_id: Id; executor_id: Id; data: string } }
  | { type: 'FAILURE'; failure: { agent_id?: Id; executor_id?: Id; status?: number } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'HEARTBEAT' };

/** An event type this code does not know; the client logs it at debug level and goes on. */
export interface UnknownEvent {
  type: 'UNKNOWN';
  name: string;
}

export class EventError extends Error {
  override readonly name = 'EventError';
}

/** Decodes one RecordIO record of the scheduler stream. Throws EventError for anything malformed. */
export function decodeSchedulerEvent(record: Uint8Array | string): SchedulerEvent | UnknownEvent {
  const root = obj(parseRecord(record, 'scheduler'), 'event');
  const type = str(root, 'type', 'event');
  const at = (key: string) => obj(root[key], key);
  switch (type) {
    case 'SUBSCRIBED': {
      const s = at('subscribed');
      const masterInfo = optObj(s, 'master_info', 'subscribed');
      const out: { framework_id: Id; heartbeat_interval_seconds?: number; master_info?: MasterInfo } = {
        framework_id: id(s, 'framework_id', 'subscribed'),
      };
      const hb = optNum(s, 'heartbeat_interval_seconds', 'subscribed');
      if (hb !== undefined) {
        if (!(hb > 0)) throw bad('subscribed.heartbeat_interval_seconds', 'must be positive', hb);
        out.heartbeat_interval_seconds = hb;
      }
      if (masterInfo) {
        const mp = 'subscribed.master_info';
        out.master_info = defined({
          id: optStr(masterInfo, 'id', mp),
          hostname: optStr(masterInfo, 'hostname', mp),
          port: optNum(masterInfo, 'port', mp),
          version: optStr(masterInfo, 'version', mp),
        });
      }
      return { type, subscribed: out };
    }
    case 'OFFERS':
      return { type, offers: { offers: arr(at('offers'), 'offers', 'offers', offer) } };
    case 'INVERSE_OFFERS':
      return { type, inverse_offers: { inverse_offers: arr(at('inverse_offers'), 'inverse_offers', 'inverse_offers', inverseOffer) } };
    case 'RESCIND':
      return { type, rescind: { offer_id: id(at('rescind'), 'offer_id', 'rescind') } };
    case 'RESCIND_INVERSE_OFFER':
      return { type, rescind_inverse_offer: { inverse_offer_id: id(at('rescind_inverse_offer'), 'inverse_offer_id', 'rescind_inverse_offer') } };
    case 'UPDATE':
      return { type, update: { status: taskStatus(obj(at('update').status, 'update.status'), 'update.status') } };
    case 'UPDATE_OPERATION_STATUS': {
      const path = 'update_operation_status.status';
      const s = obj(at('update_operation_status').status, path);
      return {
        type,
        update_operation_status: {
          status: defined({
            state: str(s, 'state', path),
            operation_id: optId(s, 'operation_id', path),
            uuid: optStr(s, 'uuid', path),
            agent_id: optId(s, 'agent_id', path),
            message: optStr(s, 'message', path),
          }),
        },
      };
    }
    case 'MESSAGE': {
      const m = at('message');
      return { type, message: { agent_id: id(m, 'agent_id', 'message'), executor_id: id(m, 'executor_id', 'message'), data: base64(m, 'data', 'message') } };
    }
    case 'FAILURE': {
      const f = at('failure');
      return { type, failure: defined({ agent_id: optId(f, 'agent_id', 'failure'), executor_id: optId(f, 'executor_id', 'failure'), status: optNum(f, 'status', 'failure') }) };
    }
    case 'ERROR':
      return { type, error: { message: str(at('error'), 'message', 'error') } };
    case 'HEARTBEAT':
      return { type };
    default:
      return { type: 'UNKNOWN', name: type.slice(0, 64) };
  }
}

/** The exit code in a FAILURE's raw waitpid status word (WEXITSTATUS), or null when it was killed by a signal. */
export function exitCode(status: number): number | null {
  return status !== -1 && (status & 0x7f) === 0 ? (status >> 8) & 0xff : null;
}

const SIGNAL_NAMES = new Map(Object.entries(osConstants.signals).map(([name, n]) => [n as number, name]));

/**
 * A FAILURE's status in words, as Mesos words it (WSTRINGIFY in src/common/status_utils.hpp, with the Linux
 * wait macros). -1 is what the agent sends when it has no wait status for the executor (its container's
 * termination carried none), not a signal.
 */
export function describeWaitStatus(status: number): string {
  if (status === -1) return 'ended with no exit status known to the agent';
  const low = status & 0x7f;
  if (low === 0) return `exited with status ${(status >> 8) & 0xff}`;
  const signal = (n: number) => `${n}${SIGNAL_NAMES.has(n) ? ` (${SIGNAL_NAMES.get(n)})` : ''}`;
  if (low !== 0x7f) return `terminated with signal ${signal(low)}${status & 0x80 ? ' (core dumped)' : ''}`;
  if ((status & 0xff) === 0x7f) return `stopped on signal ${signal((status >> 8) & 0xff)}`;
  return `wait status ${status}`;
}

function offer(v: unknown, path: string): Offer {
  const o = obj(v, path);
  const out: Offer = {
    id: id(o, 'id', path),
    framework_id: id(o, 'framework_id', path),
    agent_id: id(o, 'agent_id', path),
    hostname: str(o, 'hostname', path),
    resources: arr(o, 'resources', path, resource),
    executor_ids: arr(o, 'executor_ids', path, (e, p) => ({ value: str(obj(e, p), 'value', p) })),
  };
  const alloc = optObj(o, 'allocation_info', path);
  const role = alloc && optStr(alloc, 'role', `${path}.allocation_info`);
  if (role !== undefined) out.allocation_info = { role };
  const url = optObj(o, 'url', path);
  const address = url && optObj(url, 'address', `${path}.url`);
  if (url && address) {
    const ap = `${path}.url.address`;
    out.url = defined({ scheme: optStr(url, 'scheme', `${path}.url`), address: defined({ hostname: optStr(address, 'hostname', ap), ip: optStr(address, 'ip', ap), port: num(address, 'port', ap) }) });
  }
  return out;
}

function inverseOffer(v: unknown, path: string): InverseOffer {
  const o = obj(v, path);
  return defined({ id: id(o, 'id', path), framework_id: id(o, 'framework_id', path), agent_id: optId(o, 'agent_id', path) });
}

export function resource(v: unknown, path: string): Resource {
  const o = obj(v, path);
  const type = str(o, 'type', path);
  if (type !== 'SCALAR' && type !== 'RANGES' && type !== 'SET') throw bad(`${path}.type`, 'must be SCALAR, RANGES or SET', type);
  const out: Resource = { name: str(o, 'name', path), type };
  if (type === 'SCALAR') out.scalar = { value: num(obj(o.scalar, `${path}.scalar`), 'value', `${path}.scalar`) };
  if (type === 'RANGES') {
    const rp = `${path}.ranges`;
    out.ranges = {
      range: arr(obj(o.ranges, rp), 'range', rp, (r, p) => {
        const ro = obj(r, p);
        return { begin: num(ro, 'begin', p), end: num(ro, 'end', p) };
      }),
    };
  }
  if (type === 'SET') out.set = { item: arr(obj(o.set, `${path}.set`), 'item', `${path}.set`, (s, p) => stringValue(s, p)) };
  const role = optStr(o, 'role', path);
  if (role !== undefined) out.role = role;
  const alloc = optObj(o, 'allocation_info', path);
  const allocRole = alloc && optStr(alloc, 'role', `${path}.allocation_info`);
  if (allocRole !== undefined) out.allocation_info = { role: allocRole };
  return out;
}

export function taskStatus(o: Record<string, unknown>, path: string): TaskStatus {
  return defined({
    task_id: id(o, 'task_id', path),
    state: str(o, 'state', path),
    source: optStr(o, 'source', path),
    reason: optStr(o, 'reason', path),
    message: optStr(o, 'message', path),
    data: o.data === undefined || o.data === null ? undefined : base64(o, 'data', path),
    agent_id: optId(o, 'agent_id', path),
    executor_id: optId(o, 'executor_id', path),
    timestamp: optNum(o, 'timestamp', path),
    uuid: o.uuid === undefined || o.uuid === null ? undefined : base64(o, 'uuid', path),
    healthy: optBool(o, 'healthy', path),
  });
}

// Checked readers, shared with the executor client. Each names the JSON path of what is wrong.

export function parseRecord(record: Uint8Array | string, stream: string): unknown {
  const text = typeof record === 'string' ? record : Buffer.from(record.buffer, record.byteOffset, record.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes the text around the error, newlines included; the message stays one line.
    throw new EventError(`malformed ${stream} event: not valid JSON (${errorLine(err, 120)})`);
  }
}

export function bad(path: string, what: string, got: unknown): EventError {
  return new EventError(`malformed event: ${path} ${what}, got ${describe(got)}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(path, 'must be an object', v);
  return v as Record<string, unknown>;
}

export function optObj(o: Record<string, unknown>, key: string, path: string): Record<string, unknown> | undefined {
  return o[key] === undefined || o[key] === null ? undefined : obj(o[key], `${path}.${key}`);
}

function stringValue(v: unknown, path: string): string {
  if (typeof v !== 'string') throw bad(path, 'must be a string', v);
  return v;
}

export function str(o: Record<string, unknown>, key: string, path: string): string {
  return stringValue(o[key], `${path}.${key}`);
}

export function optStr(o: Record<string, unknown>, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, path);
}

/** stout may write doubles as strings (e.g. "Infinity"), so a numeric string is accepted. */
export function num(o: Record<string, unknown>, key: string, path: string): number {
  const v = o[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(n)) throw bad(`${path}.${key}`, 'must be a number', v);
  return n;
}

export function optNum(o: Record<string, unknown>, key: string, path: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : num(o, key, path);
}

function optBool(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`${path}.${key}`, 'must be true or false', v);
  return v;
}

export function id(o: Record<string, unknown>, key: string, path: string): Id {
  return { value: str(obj(o[key], `${path}.${key}`), 'value', `${path}.${key}`) };
}

export function optId(o: Record<string, unknown>, key: string, path: string): Id | undefined {
  return o[key] === undefined || o[key] === null ? undefined : id(o, key, path);
}

/**
 * Standard base64: whole quads, at most two `=` at the end. Checked without a repeated group, whose
 * backtracking overflowed V8's regexp stack on a few MB (a 4 MB task result) with a RangeError.
 */
function isBase64(v: string): boolean {
  if (v.length % 4 !== 0) return false;
  const body = v.endsWith('==') ? v.slice(0, -2) : v.endsWith('=') ? v.slice(0, -1) : v;
  return !/[^A-Za-z0-9+/]/.test(body);
}

/** Standard base64, as stout writes bytes fields. */
export function base64(o: Record<string, unknown>, key: string, path: string): string {
  const v = str(o, key, path);
  if (!isBase64(v)) throw bad(`${path}.${key}`, 'must be standard base64', v);
  return v;
}

/** A repeated field; absent means empty. */
export function arr<T>(o: Record<string, unknown>, key: string, path: string, item: (v: unknown, path: string) => T): T[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`${path}.${key}`, 'must be an array', v);
  return v.map((e, i) => item(e, `${path}.${key}[${i}]`));
}

/** Drops undefined members so events compare and serialise as the master sent them. */
export function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
