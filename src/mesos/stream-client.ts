// One RecordIO-over-HTTP stream, kept open: POST to a master (the candidates in turn, a 307 followed to the leader,
// a 503 moving on to the next), read its RecordIO records and hand them on, and on any end start over after a
// backoff with full jitter. A heartbeat watchdog ends a stream that stays silent past its limit (Mesos advises
// resubscribing after a few missed heartbeats: the HEARTBEAT comment in include/mesos/v1/master/master.proto).
// Records are capped in size, the first one separately, since a SUBSCRIBED carrying the whole cluster is
// legitimately far larger than any later event. What the records mean is the caller's business.
import type { Logger } from '../log';
import { Backoff } from '../lib/backoff';
import { AbortableDeadline, Deadline, HttpError, type SendOptions, discardBody, errorDetail, networkError, resolveLocation, send } from './http';
import { RecordIODecoder, RecordIOError } from './recordio';
import { RepeatLog } from './repeat-log';
import { errorLine } from '../lib/error-line';

/** How a failed attempt ends: `temporary` is retried with backoff; `fatal` is handed to onFatal and not retried. */
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
  /** Sets how long silence is tolerated from now on (e.g. five heartbeat intervals once announced). */
  setSilenceLimit(ms: number): void;
  /** The stream works (its first record made sense): the next failure starts its backoff from the minimum. */
  healthy(): void;
}

export interface StreamClientOptions {
  /** Names the stream in log lines, e.g. `operator stream`. */
  name: string;
  /** The URLs to try, leader first; asked again before every attempt. */
  endpoints: () => string[];
  /** Method, headers and body of the request that opens the stream (credentials and CA included). */
  request: SendOptions;
  logger: Logger;
  /** Each record, in order; a throw (StreamError or any) ends the stream with its message. */
  onRecord: (record: Buffer, session: StreamSession) => void;
  /** A 200 arrived: a chance to refuse it (return why) by its headers. */
  onOpen?: (res: Response, endpoint: string) => string | null;
  /** The stream ended, with why, before a retry. */
  onDown?: (reason: string) => void;
  /** A fatal answer: the client stops. */
  onFatal?: (err: StreamError) => void;
  /** Timeout for the answer's headers. Default 20 s. */
  requestTimeoutMs?: number;
  /** Silence tolerated before the first record told better. Default 75 s. */
  silenceMs?: number;
  maxRecordBytes: number;
  maxFirstRecordBytes?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
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

export class StreamClient {
  private readonly backoff: Backoff;
  // A master down for an hour is one warning and a count, not a warning per retry.
  private readonly failures: RepeatLog;
  private running = false;
  private loop: Promise<void> | undefined;
  private abortCurrent: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private leader: string | undefined;

  constructor(private readonly opts: StreamClientOptions) {
    this.failures = new RepeatLog({ write: (line) => opts.logger.warn(line) });
    this.backoff = new Backoff({ minMs: opts.backoffMinMs ?? 1000, maxMs: opts.backoffMaxMs ?? 15_000, random: opts.random });
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
  }

  /** Ends the current stream (if any) so that the loop opens a fresh one after its backoff. */
  restart(reason: string): void {
    this.opts.logger.info(`${this.opts.name}: ${reason}`);
    this.abortCurrent?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.once();
      } catch (err) {
        if (!this.running) break;
        const e = err instanceof StreamError ? err : new StreamError('temporary', errorLine(err, 200));
        if (e.kind === 'fatal') {
          this.running = false;
          this.opts.onFatal?.(e);
          break;
        }
        this.failures.failed(`${this.opts.name}: ${e.message}`);
        this.opts.onDown?.(e.message);
      }
      if (!this.running) break;
      const delay = this.backoff.next();
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

  /** One stream, from connect to its end; always ends by throwing why. */
  private async once(): Promise<void> {
    const { res, endpoint, deadline } = await this.connect();
    const refused = this.opts.onOpen?.(res, endpoint) ?? null;
    if (refused !== null || !res.body) {
      deadline.abort();
      throw new StreamError('temporary', `${endpoint} answered 200 with ${refused ?? 'no body'}`);
    }
    let why: string | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let silenceMs = this.opts.silenceMs ?? 75_000;
    const end = (reason: string) => {
      why ??= reason;
      clearTimeout(watchdog);
      deadline.abort();
    };
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => end(`nothing from ${endpoint} for ${Math.round(silenceMs / 1000)} s; reconnecting`), silenceMs);
    };
    this.abortCurrent = () => end('stopped');
    const session: StreamSession = {
      endpoint,
      setSilenceLimit: (ms) => {
        silenceMs = Math.min(MAX_TIMER_MS, Math.max(1, Number.isNaN(ms) ? silenceMs : ms));
        arm();
      },
      healthy: () => {
        this.backoff.reset();
        this.failures.ended();
      },
    };
    const feed = new CappedRecords(this.opts.maxFirstRecordBytes ?? this.opts.maxRecordBytes, this.opts.maxRecordBytes);
    arm();
    const reader = res.body.getReader();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw new StreamError('temporary', why ?? `stream from ${endpoint} broke: ${networkError(err, endpoint, deadline).message}`);
        }
        if (chunk.done) {
          feed.end();
          throw new StreamError('temporary', `${endpoint} closed the stream`);
        }
        arm();
        for (const record of feed.push(chunk.value)) this.opts.onRecord(record, session);
      }
    } catch (err) {
      if (err instanceof RecordIOError) throw new StreamError('temporary', `stream from ${endpoint} refused: ${err.message}; reconnecting`);
      if (why !== undefined) throw new StreamError('temporary', why);
      throw err;
    } finally {
      clearTimeout(watchdog);
      deadline.abort();
      this.abortCurrent = undefined;
    }
  }

  /** POSTs to each candidate in turn, following 307s, until one answers 200. */
  private async connect(): Promise<{ res: Response; endpoint: string; deadline: AbortableDeadline }> {
    const candidates = [...new Set([...(this.leader ? [this.leader] : []), ...this.opts.endpoints()])];
    let last: StreamError | undefined;
    for (const start of candidates) {
      let endpoint = start;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const deadline = new AbortableDeadline(this.opts.requestTimeoutMs ?? 20_000);
        this.abortCurrent = () => deadline.abort();
        try {
          const res = await send(endpoint, this.opts.request, deadline);
          deadline.clear();
          if (res.status === 200) {
            this.leader = endpoint;
            return { res, endpoint, deadline };
          }
          if (res.status === 307) {
            const location = res.headers.get('location');
            await discardBody(res);
            if (!location) throw new StreamError('temporary', `307 from ${endpoint} without a Location header`, 307);
            endpoint = resolveLocation(location, endpoint);
            this.opts.logger.info(`${this.opts.name}: following the leader to ${endpoint}`);
            continue;
          }
          throw await classify(res, endpoint);
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
    this.leader = undefined;
    throw last ?? new StreamError('temporary', `too many redirects among ${candidates.join(', ')}`);
  }
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
