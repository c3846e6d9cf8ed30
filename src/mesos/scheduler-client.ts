// The v1 scheduler client (Mesos docs/scheduler-http-api.md): its subscription runs on the shared stream client
// (SUBSCRIBE to the masters in turn, 307 followed, 503 retried, heartbeat watchdog, backoff, RecordIO); this file
// holds what is the scheduler's own: the SUBSCRIBE call and its framework id, the Mesos-Stream-Id that every
// other call (its own POST) must carry, the rule that the first event is SUBSCRIBED or ERROR, and how answers
// are classified. A call made on a subscription that has since ended cannot tear down the newer one: it can
// only end the stream it was made on, and the stream client ignores whatever a finished stream still reports.

import type { Logger } from '../log';
import { Deadline, type Credentials, type SendOptions, discardBody, errorDetail, send, statusError } from './http';
import { DEFAULT_MAX_RECORD_BYTES } from './recordio';
import { type FrameworkOptions, type SchedulerCall, subscribe } from './scheduler-calls';
import { EventError, type SchedulerEvent, decodeSchedulerEvent } from './scheduler-events';
import { type ConnectionState, SchedulerError, asSchedulerError } from './scheduler-state';
import { StreamClient, StreamError, type StreamSession } from './stream-client';
import { errorLine } from '../lib/error-line';

export interface SchedulerClientOptions {
  /** Master base URLs, e.g. http://10.0.0.2:5050; tried in turn. */
  masters: string[];
  framework: FrameworkOptions;
  credentials?: Credentials;
  /** CA certificates (PEM) trusted for https masters; the contents of the config's caFile. */
  ca?: string | Buffer;
  logger: Logger;
  /** Called in stream order. A throw or rejection is logged; it does not end the subscription. */
  onEvent: (event: SchedulerEvent) => void | Promise<void>;
  /** Timeout for SUBSCRIBE's headers and for each other call. Default 20 s. */
  requestTimeoutMs?: number;
  maxRecordBytes?: number;
  /** Reconnect backoff; default 1 s doubling to 15 s, with full jitter. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  /** Clock for the summaries of repeated failures. */
  now?: () => number;
}

const API_PATH = '/api/v1/scheduler';
const DEFAULT_HEARTBEAT_SECONDS = 15;
const HEARTBEAT_MISSES = 5;
/** setTimeout fires at once for more than 2^31-1 ms, which would end every subscription as it starts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * How long a silent stream is tolerated: five heartbeats, at most the longest timer, so a master announcing
 * an absurd interval (1e308 s, or "Infinity" in stout's spelling) cannot make the watchdog fire at once.
 */
export function silenceLimitMs(heartbeatSeconds = DEFAULT_HEARTBEAT_SECONDS): number {
  const ms = HEARTBEAT_MISSES * heartbeatSeconds * 1000;
  return Number.isNaN(ms) ? HEARTBEAT_MISSES * DEFAULT_HEARTBEAT_SECONDS * 1000 : Math.min(MAX_TIMER_MS, Math.max(1, ms));
}
const JSON_TYPE = 'application/json';

interface Subscription {
  session: StreamSession;
  streamId: string;
}

export class SchedulerClient {
  private readonly stream: StreamClient;
  private readonly timeoutMs: number;
  /** The stream whose SUBSCRIBED has arrived, while it lasts. */
  private current: Subscription | undefined;
  private frameworkId: string | undefined;
  private lastError: string | undefined;
  private started = false;

  constructor(private readonly opts: SchedulerClientOptions) {
    if (opts.masters.length === 0) throw new RangeError('no master URL given; set at least one, like http://10.0.0.2:5050');
    this.timeoutMs = opts.requestTimeoutMs ?? 20_000;
    this.frameworkId = opts.framework.frameworkId;
    const endpoints = opts.masters.map(endpointOf);
    this.stream = new StreamClient({
      name: 'subscription',
      endpoints: () => endpoints,
      request: () => this.request(subscribe({ ...this.opts.framework, frameworkId: this.frameworkId })),
      logger: opts.logger,
      onOpen: (session) => this.onOpen(session),
      onRecord: (record, session) => this.onRecord(record, session),
      onDown: (reason) => {
        this.current = undefined;
        this.lastError = reason;
      },
      classify: async (res, url) => {
        const e = await this.classify(res, url, 'SUBSCRIBE');
        // A refused framework or bad credentials will not change by itself: retried slowly, not given up.
        return new StreamError(e.kind === 'fatal' ? 'fatal' : 'temporary', e.message, e.status);
      },
      requestTimeoutMs: this.timeoutMs,
      maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      backoffMinMs: opts.backoffMinMs,
      backoffMaxMs: opts.backoffMaxMs,
      random: opts.random,
      now: opts.now,
    });
  }

  get state(): ConnectionState {
    const phase = !this.started ? 'stopped' : this.current ? 'subscribed' : this.stream.waiting ? 'waiting' : 'connecting';
    const s: ConnectionState = { phase, failures: this.stream.failedAttempts };
    const master = this.current?.session.endpoint ?? this.stream.leader;
    if (master) s.master = master;
    if (this.frameworkId) s.frameworkId = this.frameworkId;
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stream.start();
  }

  async stop(): Promise<void> {
    this.current = undefined;
    await this.stream.stop();
    this.started = false;
  }

  /**
   * Removes the framework for good: TEARDOWN on the current subscription, then stop. The master then ends
   * the stream ("Framework has been removed"), which is expected and not retried; the next start() subscribes
   * as a new framework.
   */
  async teardown(call: SchedulerCall): Promise<void> {
    this.stream.finishing();
    try {
      if (this.current) await this.send(call);
    } finally {
      this.frameworkId = undefined;
      await this.stop();
    }
  }

  /** Sends one call on its own POST with the current Mesos-Stream-Id. Resolves on 202 (or 200). */
  async send(call: SchedulerCall): Promise<void> {
    const sub = this.current;
    if (!sub) {
      throw new SchedulerError('not-subscribed', `cannot send ${call.type}: not subscribed to a master (${this.lastError ?? 'connecting'})`);
    }
    const endpoint = sub.session.endpoint;
    const deadline = new Deadline(this.timeoutMs);
    try {
      const res = await send(endpoint, this.request(call, sub.streamId), deadline);
      if (res.status === 202 || res.status === 200) return void (await discardBody(res));
      const err = await this.classify(res, endpoint, call.type);
      // Only the subscription this call was made on is dropped; a newer one is left alone.
      if (err.kind === 'subscription-lost') sub.session.end(err.message);
      throw err;
    } catch (err) {
      throw asSchedulerError(err, endpoint, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** A SUBSCRIBE answered 200: it must carry a stream id and JSON, or it is not a master's subscription. */
  private onOpen(session: StreamSession): string | null {
    const type = session.headers.get('content-type');
    const what = !session.headers.get('mesos-stream-id') ? 'no Mesos-Stream-Id header' : type !== JSON_TYPE ? `Content-Type ${type ?? 'missing'}` : null;
    if (what) return `${what}; is this a Mesos master?`;
    this.watch(session, DEFAULT_HEARTBEAT_SECONDS);
    return null;
  }

  private watch(session: StreamSession, heartbeatSeconds: number | undefined): void {
    const ms = silenceLimitMs(heartbeatSeconds);
    session.setSilenceLimit(ms, `${ms / 1000} s (${HEARTBEAT_MISSES} heartbeats)`);
  }

  private onRecord(record: Buffer, session: StreamSession): void {
    const event = this.decode(record);
    if (!event) return;
    // The first record is SUBSCRIBED or ERROR (Mesos docs/scheduler-http-api.md). A stream that lost it, whose heartbeats
    // would keep the watchdog fed, would leave us connected but never subscribed: start over instead.
    if (this.current?.session !== session && event.type !== 'SUBSCRIBED' && event.type !== 'ERROR') {
      throw new StreamError('temporary', `${session.endpoint} sent ${event.type} before SUBSCRIBED; subscribing again`);
    }
    if (event.type === 'SUBSCRIBED') {
      this.watch(session, event.subscribed.heartbeat_interval_seconds);
      session.healthy();
      this.frameworkId = event.subscribed.framework_id.value;
      this.lastError = undefined;
      this.current = { session, streamId: session.headers.get('mesos-stream-id') ?? '' };
      this.opts.logger.info(`subscribed to ${session.endpoint} as framework ${this.frameworkId}`);
    }
    this.dispatch(event);
    if (event.type === 'ERROR') throw new StreamError('temporary', this.onError(event.error.message, session.endpoint));
  }

  private onError(message: string, endpoint: string): string {
    // The id is retired for good (failover timeout passed, or torn down): the next SUBSCRIBE starts fresh.
    if (/framework has been removed/i.test(message)) this.frameworkId = undefined;
    return `${endpoint} ended the subscription: ${message.slice(0, 200)}`;
  }

  private decode(record: Buffer): SchedulerEvent | null {
    try {
      const event = decodeSchedulerEvent(record);
      if (event.type !== 'UNKNOWN') return event;
      this.opts.logger.debug(`ignoring event of unknown type ${event.name}`);
    } catch (err) {
      // The framing is intact, so the stream goes on; an update skipped here is resent by Mesos until acked.
      if (!(err instanceof EventError)) throw err;
      this.opts.logger.warn(err.message);
    }
    return null;
  }

  private dispatch(event: SchedulerEvent): void {
    const fail = (err: unknown) => this.opts.logger.error(`handling ${event.type} failed: ${errorLine(err, 200)}`);
    try {
      const result = this.opts.onEvent(event);
      if (result) result.catch(fail);
    } catch (err) {
      fail(err);
    }
  }

  private request(call: SchedulerCall, streamId?: string): SendOptions {
    const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE };
    if (streamId) headers['Mesos-Stream-Id'] = streamId;
    return { method: 'POST', headers, body: JSON.stringify(call), credentials: this.opts.credentials, ca: this.opts.ca };
  }

  /** b.6: 503/429 temporary, 403 subscription lost, 4xx fatal with the master's words. */
  private async classify(res: Response, url: string, what: string): Promise<SchedulerError> {
    const detail = (await errorDetail(res))?.replace(/\s+/g, ' ').slice(0, 200);
    const said = detail ? `: ${detail}` : '';
    const s = res.status;
    if (s === 503 || s === 429) return new SchedulerError('temporary', `${what} to ${url} answered ${s}${said}; retrying`, s);
    if (s === 403) return new SchedulerError('subscription-lost', `${what} to ${url} answered 403${said}; resubscribing`, s);
    if (s === 401 || s === 404) {
      const e = statusError(s, url, { sentCredentials: this.opts.credentials !== undefined, credentialsKey: 'credentials file', detail });
      return new SchedulerError('fatal', e.message, s);
    }
    return new SchedulerError(s >= 500 ? 'temporary' : 'fatal', `${what} to ${url} answered ${s}${said}`, s);
  }
}

function endpointOf(url: string): string {
  const u = new URL(url);
  if (u.pathname === '/' || u.pathname === '') u.pathname = API_PATH;
  return u.toString();
}
