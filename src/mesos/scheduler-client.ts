// The v1 scheduler subscribe loop, in one place (Mesos docs/scheduler-http-api.md):
// backoff → SUBSCRIBE (masters in turn, 307 followed, 503 retried) → decode and hand on events, with a
// heartbeat watchdog → on any end, report why and start over. Other calls are their own POSTs carrying
// the Mesos-Stream-Id of the current subscription.
//
// Transport: Node's fetch, through http.ts, for the stream too. Its body reader yields the chunks the
// RecordIO decoder wants, the abort signal ends the stream at once (stop, watchdog), undici never puts a
// second request on a connection that is still streaming, and errors are classified by the same code as
// the /state client. Each attempt has a generation number: whatever a finished attempt still reports
// (a late error, a late 403 on a call) is ignored, so it cannot tear down a newer subscription.

import type { Logger } from '../log';
import { Backoff } from '../lib/backoff';
import { AbortableDeadline, Deadline, type Credentials, discardBody, errorDetail, networkError, resolveLocation, send, statusError } from './http';
import { RecordIODecoder, RecordIOError } from './recordio';
import { RepeatLog } from './repeat-log';
import { type FrameworkOptions, type SchedulerCall, subscribe } from './scheduler-calls';
import { EventError, type SchedulerEvent, decodeSchedulerEvent } from './scheduler-events';
import { type ConnectionPhase, type ConnectionState, SchedulerError, asSchedulerError } from './scheduler-state';
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
const MAX_REDIRECTS = 4;
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
  generation: number;
  endpoint: string;
  streamId: string;
  /** Ends this subscription; the reason becomes lastError. */
  abort: (reason: string) => void;
}

export class SchedulerClient {
  private readonly backoff: Backoff;
  private readonly timeoutMs: number;
  private generation = 0;
  private current: Subscription | undefined;
  private frameworkId: string | undefined;
  private leader: string | undefined;
  private phase: ConnectionPhase = 'stopped';
  private lastError: string | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private abortAttempt: (() => void) | undefined;
  private readonly failureLog: RepeatLog;

  constructor(private readonly opts: SchedulerClientOptions) {
    if (opts.masters.length === 0) throw new RangeError('no master URL given; set at least one, like http://10.0.0.2:5050');
    this.timeoutMs = opts.requestTimeoutMs ?? 20_000;
    this.frameworkId = opts.framework.frameworkId;
    this.backoff = new Backoff({ minMs: opts.backoffMinMs ?? 1000, maxMs: opts.backoffMaxMs ?? 15_000, random: opts.random });
    this.failureLog = new RepeatLog({ write: (line) => opts.logger.warn(line), now: opts.now });
  }

  get state(): ConnectionState {
    const s: ConnectionState = { phase: this.phase, failures: this.backoff.attempts };
    const master = this.current?.endpoint ?? this.leader;
    if (master) s.master = master;
    if (this.frameworkId) s.frameworkId = this.frameworkId;
    if (this.lastError) s.lastError = this.lastError;
    return s;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.phase = 'connecting';
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.running = false;
    this.loop = undefined;
    this.generation++;
    this.current?.abort('stopped');
    this.current = undefined;
    this.abortAttempt?.();
    this.wake?.();
    await loop;
    this.failureLog.ended();
    this.phase = 'stopped';
  }

  /**
   * Removes the framework for good: TEARDOWN on the current subscription, then stop. The master then ends
   * the stream ("Framework has been removed"), which is expected and not retried; the next start() subscribes
   * as a new framework.
   */
  async teardown(call: SchedulerCall): Promise<void> {
    this.running = false;
    try {
      if (this.phase === 'subscribed') await this.send(call);
    } finally {
      this.frameworkId = undefined;
      await this.stop();
    }
  }

  /** Sends one call on its own POST with the current Mesos-Stream-Id. Resolves on 202 (or 200). */
  async send(call: SchedulerCall): Promise<void> {
    const sub = this.current;
    if (!sub || this.phase !== 'subscribed') {
      throw new SchedulerError('not-subscribed', `cannot send ${call.type}: not subscribed to a master (${this.lastError ?? 'connecting'})`);
    }
    const deadline = new Deadline(this.timeoutMs);
    try {
      const res = await send(sub.endpoint, this.request(call, sub.streamId), deadline);
      if (res.status === 202 || res.status === 200) return void (await discardBody(res));
      const err = await this.classify(res, sub.endpoint, call.type);
      // Only the subscription this call was made on is dropped; a newer one is left alone.
      if (err.kind === 'subscription-lost' && this.current === sub) sub.abort(err.message);
      throw err;
    } catch (err) {
      throw asSchedulerError(err, sub.endpoint, deadline);
    } finally {
      deadline.clear();
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      const generation = ++this.generation;
      let fatal = false;
      try {
        await this.subscribeOnce(generation);
      } catch (err) {
        if (generation !== this.generation || !this.running) break;
        const e = err instanceof SchedulerError ? err : new SchedulerError('temporary', errorLine(err, 200));
        fatal = e.kind === 'fatal';
        this.lastError = e.message;
        this.failureLog.failed(`subscription: ${e.message}`);
      }
      if (generation !== this.generation || !this.running) break;
      this.current = undefined;
      // A fatal answer (bad credentials, a refused framework) will not change by itself: retry slowly.
      const delay = fatal ? this.opts.backoffMaxMs ?? 15_000 : this.backoff.next();
      this.phase = 'waiting';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      if (this.running) this.phase = 'connecting';
    }
  }

  /** One attempt: find the leader, then read its stream until it ends. Always ends by throwing why. */
  private async subscribeOnce(generation: number): Promise<void> {
    const { res, endpoint, deadline } = await this.connect();
    const streamId = res.headers.get('mesos-stream-id');
    const type = res.headers.get('content-type');
    if (!streamId || type !== JSON_TYPE || !res.body) {
      deadline.abort();
      const what = !streamId ? 'no Mesos-Stream-Id header' : type !== JSON_TYPE ? `Content-Type ${type ?? 'missing'}` : 'no body';
      throw new SchedulerError('temporary', `SUBSCRIBE to ${endpoint} answered 200 with ${what}; is this a Mesos master?`);
    }
    let why: string | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const end = (reason: string) => {
      why ??= reason;
      clearTimeout(watchdog);
      deadline.abort();
    };
    const sub: Subscription = { generation, endpoint, streamId, abort: end };
    this.current = sub;
    this.leader = endpoint;
    const decoder = new RecordIODecoder({ maxRecordBytes: this.opts.maxRecordBytes });
    let silenceMs = silenceLimitMs();
    let subscribed = false;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => end(`nothing from ${endpoint} for ${silenceMs / 1000} s (${HEARTBEAT_MISSES} heartbeats); reconnecting`), silenceMs);
    };
    arm();
    const reader = res.body.getReader();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw new SchedulerError('temporary', why ?? `stream from ${endpoint} broke: ${networkError(err, endpoint, deadline).message}`);
        }
        if (generation !== this.generation) return;
        if (chunk.done) {
          decoder.end();
          throw new SchedulerError('temporary', `${endpoint} closed the subscription stream`);
        }
        arm();
        for (const record of decoder.push(chunk.value)) {
          const event = this.decode(record);
          if (!event) continue;
          // The first record is SUBSCRIBED or ERROR (Mesos docs/scheduler-http-api.md). A stream that lost it, whose heartbeats
          // would keep the watchdog fed, would leave us connected but never subscribed: start over instead.
          if (!subscribed && event.type !== 'SUBSCRIBED' && event.type !== 'ERROR') {
            throw new SchedulerError('temporary', `${endpoint} sent ${event.type} before SUBSCRIBED; subscribing again`);
          }
          if (event.type === 'SUBSCRIBED') {
            subscribed = true;
            silenceMs = silenceLimitMs(event.subscribed.heartbeat_interval_seconds);
            arm();
            this.onSubscribed(event.subscribed.framework_id.value, endpoint);
          }
          this.dispatch(event);
          if (event.type === 'ERROR') throw new SchedulerError('subscription-lost', this.onError(event.error.message, endpoint));
        }
      }
    } catch (err) {
      if (err instanceof RecordIOError) throw new SchedulerError('temporary', `stream from ${endpoint} lost its framing: ${err.message}`);
      throw err;
    } finally {
      clearTimeout(watchdog);
      deadline.abort();
      if (this.current === sub) this.current = undefined;
    }
  }

  private onSubscribed(frameworkId: string, endpoint: string): void {
    this.frameworkId = frameworkId;
    this.lastError = undefined;
    this.backoff.reset();
    this.failureLog.ended();
    this.opts.logger.info(`subscribed to ${endpoint} as framework ${frameworkId}`);
    this.phase = 'subscribed';
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

  /** POSTs SUBSCRIBE to each master in turn, following 307s, until one answers 200. */
  private async connect(): Promise<{ res: Response; endpoint: string; deadline: AbortableDeadline }> {
    const call = subscribe({ ...this.opts.framework, frameworkId: this.frameworkId });
    const candidates = [...new Set([...(this.leader ? [this.leader] : []), ...this.opts.masters.map(endpointOf)])];
    let last: SchedulerError | undefined;
    for (const start of candidates) {
      let endpoint = start;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const deadline = new AbortableDeadline(this.timeoutMs);
        this.abortAttempt = () => deadline.abort();
        try {
          const res = await send(endpoint, this.request(call), deadline);
          if (res.status === 200) {
            deadline.clear();
            return { res, endpoint, deadline };
          }
          deadline.clear();
          if (res.status === 307) {
            const location = res.headers.get('location');
            await discardBody(res);
            if (!location) throw new SchedulerError('temporary', `307 from ${endpoint} without a Location header`, 307);
            endpoint = endpointOf(resolveLocation(location, endpoint));
            this.opts.logger.info(`following the leader to ${endpoint}`);
            continue;
          }
          throw await this.classify(res, endpoint, 'SUBSCRIBE');
        } catch (err) {
          deadline.clear();
          last = asSchedulerError(err, endpoint, deadline);
          if (last.kind === 'fatal' || !this.running) throw last;
          break;
        } finally {
          this.abortAttempt = undefined;
        }
      }
    }
    throw last ?? new SchedulerError('temporary', `too many redirects among ${candidates.join(', ')}`);
  }

  private request(call: SchedulerCall, streamId?: string) {
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
