// What the operator stream's source reads from the leading master, now and then, for what no event tells, without the
// tasks the stream already keeps (a 1,000-agent /state is mostly tasks):
// - the master facts: leader, version and start time from the operator API's GET_MASTER (Master::Http::getMaster in
//   src/master/http.cpp, Response.GetMaster in include/mesos/v1/master/master.proto: the leader's own MasterInfo,
//   start_time and elected_time, in seconds), and the number of unreachable agents from /metrics/snapshot's
//   `master/slaves_unreachable` (src/master/metrics.cpp), the same count as /state's `unreachable_slaves`
//   (Master::_slaves_unreachable in src/master/master.cpp; neither GET_MASTER nor /state-summary has it);
// - with them, unless only the master facts are wanted, the agents and frameworks from /state-summary.
// All three go to the master the stream is subscribed to, the leader: /state-summary and GET_MASTER answer 307 on
// another master, and /metrics/snapshot answers anywhere but says `master/elected` 0, both read as "not the leader
// any more" (the stream then follows the new leader, whose SUBSCRIBED asks for a refresh of its own).
import type { Credentials } from './http';
import { HttpError, getJson } from './http';
import type { MasterFacts } from './operator-state';
import { type StateSummary, readStateSummary } from './state-summary';
import { StateFormatError, masterAddress, obj, optNum, optStr, str, withOrigin } from './state-parse';

export interface RefreshReadOptions {
  timeoutMs: number;
  /** Cap on /state-summary and /metrics/snapshot, both of which grow with the cluster. */
  maxBodyBytes: number;
  credentials?: Credentials;
  ca?: string | Buffer;
}

export interface Refreshed {
  /** `unreachable` is null when /metrics/snapshot refused this user: the count held is kept. */
  master: Omit<MasterFacts, 'unreachable'> & { unreachable: number | null };
  /** Null when only the master facts were read. */
  summary: StateSummary | null;
  /** Why the count of unreachable agents was not read (metrics refused or absent), or null. */
  metricsProblem: string | null;
}

/**
 * A master may let this user read /state-summary and the operator API but not /metrics/snapshot (Mesos' ACLs guard
 * the endpoints apart: `--authorization` with a `get_endpoints` rule); the unreachable count is then the only figure
 * lost, so the refresh goes on without it rather than failing whole.
 */
const METRICS_REFUSED = new Set(['unauthorized', 'forbidden', 'not-found']);

/** A MasterInfo with its domain and capabilities is under 2 kB. */
const MAX_GET_MASTER_BYTES = 64 * 1024;

/** The leader's root URL from the stream's endpoint (`http://host:5050/api/v1`). */
function rootOf(endpoint: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/(master\/)?api\/v1\/?$/, '')}`;
}

/** Throws HttpError or StateFormatError, one line each, naming the URL. */
export async function readRefresh(endpoint: string, withSummary: boolean, o: RefreshReadOptions): Promise<Refreshed> {
  const root = rootOf(endpoint);
  const ask = async (url: string, maxBodyBytes: number, call?: string): Promise<unknown> => {
    const post = call === undefined ? {} : { method: 'POST', body: JSON.stringify({ type: call }), headers: { 'Content-Type': 'application/json' } };
    const answer = await getJson(url, { timeoutMs: o.timeoutMs, maxBodyBytes, credentials: o.credentials, ca: o.ca, ...post }).catch((err: unknown) => {
      // The URL alone does not say which call of the operator API failed.
      throw call !== undefined && err instanceof HttpError ? new HttpError(err.kind, url, `${call}: ${err.message}`, err.status) : err;
    });
    if (answer.kind === 'redirect') throw new HttpError('status', url, `${url} redirects to ${answer.location}: that master no longer leads; the stream follows the leader`, answer.status);
    return answer.body;
  };
  const summaryUrl = `${root}/master/state-summary`;
  const metricsUrl = `${root}/metrics/snapshot`;
  const metricsRead = ask(metricsUrl, o.maxBodyBytes).then(
    (json) => ({ unreachable: readUnreachable(json, metricsUrl), problem: null }),
    (err: unknown) => {
      if (err instanceof HttpError && METRICS_REFUSED.has(err.kind)) return { unreachable: null, problem: err.message };
      throw err;
    },
  );
  const [getMaster, metrics, summary] = await Promise.all([
    ask(endpoint, MAX_GET_MASTER_BYTES, 'GET_MASTER'),
    metricsRead,
    withSummary ? ask(summaryUrl, o.maxBodyBytes) : null,
  ]);
  return {
    master: { ...readGetMaster(getMaster, `GET_MASTER from ${endpoint}`), unreachable: metrics.unreachable },
    summary: summary === null ? null : readStateSummary(summary, summaryUrl),
    metricsProblem: metrics.problem,
  };
}

/** `{"type":"GET_MASTER","get_master":{"master_info":{…},"start_time":…}}` → the leader, version and start time. */
export function readGetMaster(json: unknown, origin: string): Omit<MasterFacts, 'unreachable'> {
  return withOrigin(origin, () => {
    const doc = obj(json, '');
    const type = str(doc.type, 'type');
    if (type !== 'GET_MASTER') throw new StateFormatError('type', `type is ${JSON.stringify(type.slice(0, 40))}, expected "GET_MASTER"`);
    const answer = obj(doc.get_master, 'get_master');
    const info = obj(answer.master_info, 'get_master.master_info');
    return {
      leader: masterAddress(info, 'get_master.master_info'),
      version: optStr(info.version, 'get_master.master_info.version'),
      startedAt: answer.start_time === undefined ? null : optNum(answer.start_time, 'get_master.start_time') * 1000,
    };
  });
}

/** /metrics/snapshot → `master/slaves_unreachable` (0 when absent, as /state's field before 1.2). */
export function readUnreachable(json: unknown, origin: string): number {
  return withOrigin(origin, () => {
    const doc = obj(json, '');
    if (doc['master/elected'] !== undefined && optNum(doc['master/elected'], 'master/elected') !== 1) {
      throw new StateFormatError('master/elected', 'master/elected is not 1: this master no longer leads; the stream follows the leader');
    }
    return Math.round(optNum(doc['master/slaves_unreachable'], 'master/slaves_unreachable'));
  });
}
