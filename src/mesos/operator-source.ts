// The panel's state source on the master's v1 operator event stream (Mesos docs/operator-http-api.md): `POST /api/v1`
// {"type":"SUBSCRIBE"}, JSON in RecordIO (Master::Http::api in src/master/http.cpp, whose answer
// Master::ReadOnlyHandler::subscribe in src/master/readonly_handler.cpp builds: SUBSCRIBED with the whole GET_STATE,
// then HEARTBEAT every 15 s). Events keep the snapshot current as they happen; a slow, bounded refresh reads what no
// event tells from the leader (operator-refresh.ts): its agents and frameworks from /state-summary (offers,
// executors, agents disconnecting or draining, frameworks disconnecting), every refreshMs, and the master facts
// (the leader, the version, the start time, unreachable agents) then and right after each SUBSCRIBED, which carries
// everything else. The tasks are the stream's alone. Events that arrive while a refresh is in flight are applied
// again over its answer, which the reducer allows because every event is idempotent. An event that does not fit
// (a TASK_UPDATED before its TASK_ADDED) has the stream subscribed to again, since SUBSCRIBED replaces everything.
//
// Falls back to polling /state, for good, where the stream cannot serve: `auto` does so for a master older than 1.5
// (no heartbeats, and events dropped: MESOS-8469), one that answers SUBSCRIBE with an error (404 before 1.0, 4xx),
// or one whose SUBSCRIBED announces no heartbeat. `stream` never falls back; it keeps retrying.
import type { Logger } from '../log';
import type { SourceStatus } from './source-status';
import { Backoff } from '../lib/backoff';
import type { Credentials } from './http';
import { type DecodedOperatorEvent, type OperatorEvent, decodeOperatorEvent } from './operator-events';
import { type Refreshed, readRefresh } from './operator-refresh';
import { type OperatorState, emptyState } from './operator-state';
import { RepeatLog } from './repeat-log';
import { StateClient } from './state-client';
import { StatePoller, type StateView } from './state-poller';
import { StateFormatError } from './state-parse';
import { StreamClient, type StreamError, type StreamSession } from './stream-client';
import { errorLine } from '../lib/error-line';

export interface OperatorSourceOptions {
  masters: string[];
  mode: 'auto' | 'stream';
  timeoutMs: number;
  /** Cap on SUBSCRIBED and on the answers that grow with the cluster (/state, /state-summary, /metrics/snapshot). */
  maxStateBytes: number;
  /** Cap on any later event; default 1 MiB (a TASK_ADDED is under 1 kB). */
  maxEventBytes?: number;
  /** How often /state-summary and the master facts refresh what the stream does not carry. */
  refreshMs: number;
  /** The poll interval: the fall-back's, the shortest wait between refreshes, and between resubscribes. */
  pollIntervalMs: number;
  credentials?: Credentials;
  ca?: string | Buffer;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Reconnect backoff, as the stream client's. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

const HEARTBEAT_MISSES = 5;
const JSON_TYPE = 'application/json';
/** Problems logged per subscription before the rest go to debug: a confused master must not flood the journal. */
const PROBLEMS_LOGGED = 5;

/** Mesos `x.y.z` older than 1.5, the first with heartbeats on this stream and the fix for dropped events. */
export function tooOldForStream(version: string | null): boolean {
  const m = version === null ? null : /^(\d+)\.(\d+)/.exec(version);
  return m !== null && (Number(m[1]) < 1 || (Number(m[1]) === 1 && Number(m[2]) < 5));
}

export class OperatorSource {
  private readonly state: StateClient;
  private readonly stream: StreamClient;
  private readonly refreshBackoff: Backoff;
  /** A master whose refresh keeps failing is one warning and a count, not a warning per retry. */
  private readonly refreshFailures: RepeatLog;
  /** The last refresh could not read /metrics/snapshot (see METRICS_REFUSED in operator-refresh.ts). */
  private metricsRefused = false;
  /** The cluster as the events and the refreshes left it, changed in place (a SUBSCRIBED replaces its contents). */
  private readonly opState: OperatorState = emptyState();
  private snapshotAt: number | null = null;
  private subscribed = false;
  /** The subscription the events come from, while there is one. */
  private session: StreamSession | null = null;
  /** The current subscription is being ended on purpose: its end is no outage. */
  private resubscribing = false;
  private status: SourceStatus;
  private fallback: StatePoller | null = null;
  private running = false;
  private refreshTimer: NodeJS.Timeout | null = null;
  /** Events seen since the refresh in flight began; null when none is in flight. */
  private sinceRefresh: OperatorEvent[] | null = null;
  /** A subscription began while a refresh was in flight: that refresh may describe the master before it. */
  private refreshOutdated = false;
  private problems = 0;
  private readonly unknownTypes = new Set<string>();
  private lastResubscribe = Number.NEGATIVE_INFINITY;
  /** Tasks that ended, by state, since start: what a burst of failures is measured by. */
  private taskEnds: Record<string, number> = {};
  /** Events received and not applied yet (see flush). */
  private pending: OperatorEvent[] = [];

  constructor(private readonly opts: OperatorSourceOptions) {
    this.state = new StateClient({ masters: opts.masters, timeoutMs: opts.timeoutMs, maxBodyBytes: opts.maxStateBytes, credentials: opts.credentials, ca: opts.ca });
    this.status = { master: this.state.lastTried, ok: false, downSince: null, lastError: null, via: 'stream' };
    this.refreshBackoff = new Backoff({ minMs: opts.pollIntervalMs, maxMs: Math.max(opts.refreshMs, opts.pollIntervalMs), random: opts.random });
    this.refreshFailures = new RepeatLog({ write: (line) => opts.logger.warn(line), now: opts.now });
    this.stream = new StreamClient({
      name: 'operator stream',
      endpoints: () => opts.masters.map((m) => new URL('/api/v1', m).toString()),
      request: {
        method: 'POST',
        headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
        body: JSON.stringify({ type: 'SUBSCRIBE' }),
        credentials: opts.credentials,
        ca: opts.ca,
      },
      logger: opts.logger,
      onOpen: (res) => (res.headers.get('content-type') === JSON_TYPE ? null : `Content-Type ${res.headers.get('content-type') ?? 'missing'}`),
      onRecord: (record, session) => this.onRecord(record, session),
      onDown: (reason) => this.down(reason),
      onFatal: (err) => this.fatal(err),
      requestTimeoutMs: opts.timeoutMs,
      maxRecordBytes: opts.maxEventBytes ?? 1024 * 1024,
      maxFirstRecordBytes: opts.maxStateBytes,
      backoffMinMs: opts.backoffMinMs,
      backoffMaxMs: opts.backoffMaxMs,
      random: opts.random,
    });
  }

  /** Which source serves the panel now. */
  get via(): 'stream' | 'poll' {
    return this.fallback ? 'poll' : 'stream';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // The first refresh waits for SUBSCRIBED (see onRecord): without the stream's tasks there is nothing to refresh.
    this.stream.start();
  }

  stop(): void {
    this.running = false;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    void this.stream.stop();
    this.fallback?.stop();
  }

  current(): StateView {
    if (this.fallback) {
      const v = this.fallback.current();
      return { ...v, status: { ...v.status, via: 'poll' } };
    }
    this.flush();
    // Built only now, when the panel asks, and kept by the state until an event changes it.
    const snapshot = this.subscribed || this.snapshotAt !== null ? this.opState.snapshot() : null;
    return { snapshot, snapshotAt: this.snapshotAt, status: { ...this.status, masterStartedAt: this.opState.master.startedAt, taskEnds: this.taskEnds } };
  }

  /** Refreshes agents, frameworks and master facts now, out of turn (tests and the bench); nothing until subscribed. */
  async refreshNow(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    await this.refresh(true);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private onRecord(record: Buffer, session: StreamSession): void {
    let event: DecodedOperatorEvent;
    try {
      event = decodeOperatorEvent(record, `operator event from ${session.endpoint}`);
    } catch (err) {
      // The first record is the whole state: without it nothing else makes sense, so subscribe again.
      if (!this.subscribed || !(err instanceof StateFormatError)) throw err;
      this.problem(`${err.message}; skipped`);
      this.resubscribe();
      return;
    }
    this.snapshotAt = this.now();
    if (!this.subscribed) {
      if (event.type !== 'SUBSCRIBED') throw new Error(`${session.endpoint} sent ${event.type} before SUBSCRIBED; subscribing again`);
      if (event.heartbeatSeconds === null && this.opts.mode === 'auto') {
        this.toPolling(`${session.endpoint} sends no heartbeats (a master older than 1.5)`);
        return;
      }
      session.setSilenceLimit(event.heartbeatSeconds === null ? Infinity : HEARTBEAT_MISSES * event.heartbeatSeconds * 1000);
      session.healthy();
      this.subscribed = true;
      this.session = session;
      this.problems = 0;
      const base = new URL(session.endpoint);
      this.opts.logger.info(`subscribed to the operator stream of ${base.host}`);
      this.status = { master: `${base.protocol}//${base.host}`, ok: true, downSince: null, lastError: null, via: 'stream' };
      // SUBSCRIBED tells all but the master facts, and a new subscription may be to a new leader: they are read now,
      // or, when a refresh is in flight, again once it is in, as it may have read the old leader.
      if (this.sinceRefresh === null) this.scheduleRefresh(0, false);
      else this.refreshOutdated = true;
    }
    if (event.type === 'UNKNOWN') {
      if (!this.unknownTypes.has(event.name)) this.opts.logger.debug(`operator stream: ignoring events of unknown type ${event.name}`);
      this.unknownTypes.add(event.name);
      return;
    }
    this.sinceRefresh?.push(event);
    this.pending.push(event);
  }

  /**
   * Applies the events received since the last call, in place: the daemon asks for the state four times a second,
   * so a busy stream builds at most four snapshots a second, however many events it brings.
   */
  private flush(): void {
    if (this.pending.length === 0) return;
    const r = this.opState.applyAll(this.pending);
    this.pending = [];
    // Counted here, not on replay: events replayed over a refresh have been counted once already.
    if (r.ended.length > 0) {
      const ends = { ...this.taskEnds };
      for (const state of r.ended) ends[state] = (ends[state] ?? 0) + 1;
      this.taskEnds = ends;
    }
    for (const p of r.problems) this.problem(p);
    if (r.problems.length > 0) this.resubscribe();
  }

  private problem(line: string): void {
    this.problems++;
    if (this.problems <= PROBLEMS_LOGGED) this.opts.logger.warn(`operator stream: ${line}${this.problems === PROBLEMS_LOGGED ? ' (further ones at debug level)' : ''}`);
    else this.opts.logger.debug(`operator stream: ${line}`);
  }

  private down(reason: string): void {
    this.subscribed = false;
    this.session = null;
    if (this.resubscribing) {
      // Ended on purpose (see resubscribe): the master is fine, and the new SUBSCRIBED follows within the backoff.
      this.resubscribing = false;
      return;
    }
    if (this.status.ok || this.status.downSince === null) {
      // The same words as polling's, so a user reads one line for one outage whichever source is in use.
      this.opts.logger.warn(this.status.ok ? `lost master ${this.status.master}: ${reason}` : `no master answers: ${reason}`);
      this.status = { ...this.status, ok: false, downSince: this.now(), lastError: reason };
    }
    else this.status = { ...this.status, lastError: reason };
  }

  private fatal(err: StreamError): void {
    if (this.opts.mode === 'auto') return this.toPolling(err.message);
    this.opts.logger.error(`operator stream: ${err.message}; stateSource is "stream", so retrying in ${Math.round((this.opts.backoffMaxMs ?? 15_000) / 1000)} s`);
    this.down(err.message);
    setTimeout(() => {
      if (this.running) this.stream.start();
    }, this.opts.backoffMaxMs ?? 15_000).unref();
  }

  private toPolling(why: string): void {
    if (this.fallback || !this.running) return;
    this.opts.logger.warn(`operator stream unusable: ${why}; polling /state every ${this.opts.pollIntervalMs / 1000} s instead`);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    void this.stream.stop();
    this.fallback = new StatePoller({ source: this.state, logger: this.opts.logger }, { intervalMs: this.opts.pollIntervalMs, random: this.opts.random, now: this.opts.now });
    this.fallback.start();
  }

  /** `summary`: agents and frameworks as well as the master facts. */
  private scheduleRefresh(ms: number, summary: boolean): void {
    if (!this.running || this.fallback) return;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh(summary);
    }, ms);
  }

  /**
   * An event did not fit the state: the refresh cannot mend that, as it leaves the tasks to the stream, so the
   * stream is subscribed to again and its SUBSCRIBED replaces everything; not more often than the poll interval.
   */
  private resubscribe(): void {
    const now = this.now();
    if (this.session === null || now - this.lastResubscribe < this.opts.pollIntervalMs) return;
    this.lastResubscribe = now;
    this.resubscribing = true;
    this.session.end('an event did not fit the state held; subscribing again');
  }

  private async refresh(summary: boolean): Promise<void> {
    const session = this.session;
    // Not subscribed: SUBSCRIBED asks for one when it comes.
    if (this.sinceRefresh !== null || session === null) return;
    this.sinceRefresh = [];
    this.refreshOutdated = false;
    let got: Refreshed;
    try {
      got = await readRefresh(session.endpoint, summary, { timeoutMs: this.opts.timeoutMs, maxBodyBytes: this.opts.maxStateBytes, credentials: this.opts.credentials, ca: this.opts.ca });
    } catch (err) {
      this.sinceRefresh = null;
      if (!this.running || this.fallback) return;
      const wait = this.refreshOutdated ? 0 : this.refreshBackoff.next();
      // A master the stream has left already said why; a new subscription asked for a refresh of its own.
      if (this.session === session) this.refreshFailures.failed(`operator stream: refreshing from the master failed, retrying with backoff: ${errorLine(err)}`);
      return this.scheduleRefresh(wait, summary && !this.refreshOutdated);
    }
    const replay = this.sinceRefresh;
    this.sinceRefresh = null;
    if (!this.running || this.fallback) return;
    this.refreshBackoff.reset();
    this.refreshFailures.ended();
    // Said once, not every minute: the rest of the refresh works, and only an operator can change the master's ACLs.
    if (got.metricsProblem !== null && !this.metricsRefused) {
      this.opts.logger.warn(`operator stream: the count of unreachable agents is kept as it was, the rest refreshes: ${got.metricsProblem}`);
    }
    this.metricsRefused = got.metricsProblem !== null;
    if (this.opts.mode === 'auto' && tooOldForStream(got.master.version)) return this.toPolling(`the master runs Mesos ${got.master.version}, older than 1.5`);
    this.flush();
    this.opState.refresh(got.master, got.summary);
    this.opState.applyAll(replay);
    this.scheduleRefresh(this.refreshOutdated ? 0 : this.opts.refreshMs, !this.refreshOutdated);
  }
}
