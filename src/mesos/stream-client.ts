// One RecordIO-over-HTTP stream, kept open: the v1 operator, scheduler and executor streams all run on it. POST to
// the candidates in turn (a 307 followed to the leader, a 503 moving on to the next), read the RecordIO records and
// hand them on, and on any end start over after a backoff with full jitter. A heartbeat watchdog ends a stream that
// stays silent past its limit (Mesos advises resubscribing after a few missed heartbeats: the HEARTBEAT comments in
// include/mesos/v1/master/master.proto and scheduler/scheduler.proto). Records are capped in size, the first one
// separately, since a SUBSCRIBED carrying the whole cluster is legitimately far larger than any later event. What
// the records mean, what the request says and when to give up are the caller's business.
//
// The stream is read from node:http's own IncomingMessage: its 'data' Buffers go straight into the RecordIO decoder,
// with no web stream and no copy between. On a stream that brings one small event per wake-up, which is what a
// cluster's stream is, that costs a fraction of fetch's body reader (bench/stream-read.ts measures both).
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log';
import { Backoff } from '../lib/backoff';
import { AbortableDeadline, Deadline, HttpError, type SendOptions, errorDetail, exchange, networkError, resolveLocation, toResponse } from './http';
import { RecordIODecoder, RecordIOError } from './recordio';
import { RepeatLog } from './repeat-log';
import { errorLine } from '../lib/error-line';

/** How a failed attempt ends: `temporary` is retried with backoff; `fatal` is handed to onFatal, if given. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly kind: 'temporary' | 'fatal',
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface StreamSession {
  readonly endpoint: string;
  /** The headers of the answer that opened the stream. */
  readonly headers: { get(name: string): string | null };
  /** Sets how long silence is tolerated from now on (e.g. five heartbeat intervals once announced), and how the
   *  watchdog's line says that span (default: the seconds, rounded). */
  setSilenceLimit(ms: number, said?: string): void;
  /** The stream works (its first record made sense): the next failure starts its backoff from the minimum. */
  healthy(): void;
  /** Ends this stream, if it is still the current one, with why; the client then starts over. */
  end(reason: string): void;
}

export interface StreamClientOptions {
  /** Names the stream in log lines, e.g. `operator stream`. */
  name: string;
  /** The URLs to try, leader first; asked again before every attempt. */
  endpoints: () => string[];
  /** Method, headers and body of the request that opens the stream (credentials and CA included); a function is
   *  asked again for every attempt. */
  request: SendOptions | (() => SendOptions);
  logger: Logger;
  /** Each record, in order; a throw (StreamError or any) ends the stream with its message. */
  onRecord: (record: Buffer, session: StreamSession) => void;
  /** A 200 arrived: a chance to refuse it (return why) by its headers, or to set its silence limit. */
  onOpen?: (session: StreamSession) => string | null;
  /** The stream ended, with why, before a retry. The client may be stopped from here: then nothing more is logged. */
  onDown?: (reason: string) => void;
  /** A fatal answer: the client stops and hands it here. Without this hook it is reported like any other end and
   *  retried after the longest backoff, since it will not change soon. */
  onFatal?: (err: StreamError) => void;
  /** Reads an answer other than 200 or 307 as why the attempt failed. Default: 503, 429 and other 5xx temporary,
   *  anything else fatal, with the start of its body. */
  classify?: (res: Response, endpoint: string) => Promise<StreamError>;
  /** Timeout for the answer's headers. Default 20 s. */
  requestTimeoutMs?: number;
  /** Silence tolerated before the first record told better. Default 75 s. */
  silenceMs?: number;
  maxRecordBytes: number;
  maxFirstRecordBytes?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  /** Clock for the summaries of repeated failures. */
  now?: () => number;
}

const MAX_REDIRECTS = 4;
/** setTimeout fires at once past 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * RecordIO with two caps: the first record may be as large as `first` (a SUBSCRIBED carries the whole cluster),
 * every later one only `rest`. Memory stays within the larger cap plus one chunk; RecordIOError on a breach.
 */
export class CappedRecords {
  private readonly decoder: RecordIODecoder;
  private records = 0;

  constructor(
    private readonly first: number,
    private readonly rest: number,
  ) {
    this.decoder = new RecordIODecoder({ maxRecordBytes: Math.max(first, rest) });
  }

  private get cap(): number {
    return this.records === 0 ? this.first : this.rest;
  }

  push(chunk: Uint8Array): Buffer[] {
    if (this.decoder.bufferedBytes > this.cap) throw new RecordIOError('oversized', `a record beyond the limit of ${this.cap} bytes`);
    const out = this.decoder.push(chunk);
    for (const record of out) {
      if (record.length > this.cap) throw new RecordIOError('oversized', `record of ${record.length} bytes exceeds the limit of ${this.cap} bytes`);
      this.records++;
    }
    return out;
  }

  end(): void {
    this.decoder.end();
  }
}

function clampTimer(ms: number, fallback: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(1, Number.isNaN(ms) ? fallback : ms));
}

export class StreamClient {
  private readonly backoff: Backoff;
  // A master down for an hour is one warning and a count, not a warning per retry.
  private readonly failures: RepeatLog;
  private running = false;
  private loop: Promise<void> | undefined;
  private abortCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private leaderUrl: string | undefined;

  constructor(private readonly opts: StreamClientOptions) {
    this.failures = new RepeatLog({ write: (line) => opts.logger.warn(line), now: opts.now });
    this.backoff = new Backoff({ minMs: opts.backoffMinMs ?? 1000, maxMs: opts.backoffMaxMs ?? 15_000, random: opts.random });
  }

  /** The endpoint that last answered 200, until every candidate fails. */
  get leader(): string | undefined {
    return this.leaderUrl;
  }

  /** Failed attempts since the stream last worked. */
  get failedAttempts(): number {
    return this.backoff.attempts;
  }

  /** Between attempts, in the backoff. */
  get waiting(): boolean {
    return this.wake !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abortCurrent?.();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.failures.ended();
  }

  /** The current stream is the last: its end (expected, say after a TEARDOWN) is neither reported nor retried. */
  finishing(): void {
    this.running = false;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const delay = await this.once().catch((err: unknown) => this.ended(err));
      if (delay === null || !this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Reports why a stream or attempt ended; returns how long to wait before the next, or null to stop. */
  private ended(err: unknown): number | null {
    if (!this.running) return null;
    const e = err instanceof StreamError ? err : new StreamError('temporary', errorLine(err, 200));
    if (e.kind === 'fatal' && this.opts.onFatal) {
      this.running = false;
      this.opts.onFatal(e);
      return null;
    }
    this.opts.onDown?.(e.message);
    if (!this.running) return null;
    this.failures.failed(`${this.opts.name}: ${e.message}`);
    return e.kind === 'fatal' ? this.opts.backoffMaxMs ?? 15_000 : this.backoff.next();
  }

  /** One stream, from connect to its end; always ends by throwing why. */
  private async once(): Promise<never> {
    const { res, endpoint, deadline } = await this.connect();
    // stop() may have come between the answer and here, when nothing could abort it yet.
    if (!this.running) {
      deadline.abort();
      res.destroy();
      throw new StreamError('temporary', 'stopped');
    }
    const feed = new CappedRecords(this.opts.maxFirstRecordBytes ?? this.opts.maxRecordBytes, this.opts.maxRecordBytes);
    let silenceMs = clampTimer(this.opts.silenceMs ?? 75_000, 75_000);
    let said: string | undefined;
    let done = false;
    let watchdog: NodeJS.Timeout | undefined;
    return new Promise<never>((_resolve, reject) => {
      const end = (err: StreamError) => {
        if (done) return;
        done = true;
        clearTimeout(watchdog);
        this.abortCurrent = undefined;
        deadline.abort();
        res.destroy();
        reject(err);
      };
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => end(new StreamError('temporary', `nothing from ${endpoint} for ${said ?? `${Math.round(silenceMs / 1000)} s`}; reconnecting`)), silenceMs);
      };
      const session: StreamSession = {
        endpoint,
        headers: { get: (name) => headerOf(res, name) },
        setSilenceLimit: (ms, words) => {
          silenceMs = clampTimer(ms, silenceMs);
          said = words;
          if (!done) arm();
        },
        healthy: () => {
          this.backoff.reset();
          this.failures.ended();
        },
        end: (reason) => end(new StreamError('temporary', reason)),
      };
      this.abortCurrent = () => end(new StreamError('temporary', 'stopped'));
      // A caller's StreamError as it is; lost framing, or any other throw from onRecord, in words.
      const failed = (err: unknown) =>
        end(err instanceof StreamError ? err : new StreamError('temporary', err instanceof RecordIOError ? `stream from ${endpoint} lost its framing: ${err.message}` : errorLine(err, 200)));
      const broke = (what: string) => end(new StreamError('temporary', `stream from ${endpoint} broke: ${what}`));
      arm();
      try {
        const refused = this.opts.onOpen?.(session) ?? null;
        if (refused !== null) return end(new StreamError('temporary', `${endpoint} answered 200 with ${refused}`));
      } catch (err) {
        return failed(err);
      }
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        // refresh() restarts the same timer: no new one per chunk.
        watchdog?.refresh();
        try {
          for (const record of feed.push(chunk)) {
            this.opts.onRecord(record, session);
            if (done) return;
          }
        } catch (err) {
          failed(err);
        }
      });
      res.on('end', () => {
        try {
          feed.end();
          end(new StreamError('temporary', `${endpoint} closed the stream`));
        } catch (err) {
          failed(err);
        }
      });
      res.on('error', (err) => broke(networkError(err, endpoint, deadline).message));
      res.on('close', () => broke('the connection closed before the stream ended'));
    });
  }

  /** POSTs to each candidate in turn, following 307s, until one answers 200. */
  private async connect(): Promise<{ res: IncomingMessage; endpoint: string; deadline: AbortableDeadline }> {
    const candidates = [...new Set([...(this.leaderUrl ? [this.leaderUrl] : []), ...this.opts.endpoints()])];
    let last: StreamError | undefined;
    for (const start of candidates) {
      let endpoint = start;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const deadline = new AbortableDeadline(this.opts.requestTimeoutMs ?? 20_000);
        this.abortCurrent = () => deadline.abort();
        try {
          const request = typeof this.opts.request === 'function' ? this.opts.request() : this.opts.request;
          const res = await exchange(endpoint, request, deadline);
          deadline.clear();
          if (res.statusCode === 200) {
            this.leaderUrl = endpoint;
            return { res, endpoint, deadline };
          }
          if (res.statusCode === 307) {
            const location = headerOf(res, 'location');
            res.destroy();
            if (!location) throw new StreamError('temporary', `307 from ${endpoint} without a Location header`, 307);
            endpoint = resolveLocation(location, endpoint);
            this.opts.logger.info(`following the leader to ${endpoint}`);
            continue;
          }
          const answer = toResponse(res, request.method ?? 'GET');
          throw await (this.opts.classify ?? classify)(answer, endpoint);
        } catch (err) {
          deadline.clear();
          last = err instanceof StreamError ? err : asStreamError(err, endpoint, deadline);
          if (last.kind === 'fatal' || !this.running) throw last;
          break;
        } finally {
          this.abortCurrent = undefined;
        }
      }
    }
    this.leaderUrl = undefined;
    throw last ?? new StreamError('temporary', `too many redirects among ${candidates.join(', ')}`);
  }
}

function headerOf(res: IncomingMessage, name: string): string | null {
  const v = res.headers[name.toLowerCase()];
  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
}

/** 503 and 429 come and go (no leader yet, recovering, busy); other 5xx too; a 4xx will not change by itself. */
async function classify(res: Response, url: string): Promise<StreamError> {
  const detail = (await errorDetail(res))?.replace(/\s+/g, ' ').slice(0, 200);
  const said = detail ? ` (${detail})` : '';
  const s = res.status;
  const kind = s === 503 || s === 429 || s >= 500 ? 'temporary' : 'fatal';
  return new StreamError(kind, `${url} answered ${s}${said}`, s);
}

function asStreamError(err: unknown, url: string, deadline: Deadline): StreamError {
  const e = err instanceof HttpError ? err : networkError(err, url, deadline);
  return new StreamError(e.temporary ? 'temporary' : 'fatal', e.message, e.status);
}
