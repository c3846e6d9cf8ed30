// HTTP helpers for talking to Mesos masters and agents: Node's built-in fetch for http, node:https for https, and
// node:http(s) for the long-lived event streams. Shared by the /state client, the stream client and the calls of the
// scheduler and executor: every failure is classified once, in http-errors.ts, into an HttpError whose message is one
// line naming the URL, the problem and what to do about it.
//
// https goes through node:https because a master running with SSL usually has a certificate from the
// cluster's own CA, and Node 18's fetch cannot take a CA per request (that needs undici's dispatcher, not
// public there). Its answer is wrapped in a standard Response, so callers read both kinds alike.
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { errorLine } from '../lib/error-line';
import { HttpError, causeLine, networkError, statusError } from './http-errors';

export { HttpError, type HttpErrorKind, networkError, type StatusErrorContext, statusError } from './http-errors';

export interface Credentials {
  principal: string;
  secret: string;
}

/** At most this much of an error body is read for the message (mesos-go apierrors: MaxSizeDetails). */
const ERROR_DETAIL_BYTES = 4096;

export function basicAuthHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.principal}:${c.secret}`, 'utf8').toString('base64')}`;
}

/** Mesos redirects with a protocol-relative Location (`//host:5050/master/state`); this keeps the request's scheme. */
export function resolveLocation(location: string, requestUrl: string): string {
  return new URL(location, requestUrl).toString();
}

/** A timer that aborts one exchange; `expired` tells a timeout apart from other aborts and failures. */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(readonly timeoutMs: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A Deadline that a watchdog or stop() can also end at once, through the same signal fetch holds. */
export class AbortableDeadline extends Deadline {
  private readonly own = new AbortController();

  constructor(timeoutMs: number) {
    super(timeoutMs);
    super.signal.addEventListener('abort', () => this.own.abort(), { once: true });
  }

  override get signal(): AbortSignal {
    return this.own.signal;
  }

  abort(): void {
    this.clear();
    this.own.abort();
  }
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  credentials?: Credentials;
  /** CA certificates (PEM) trusted for https, in place of the system's; the config's caFile. */
  ca?: string | Buffer;
}

/**
 * One request, redirects not followed (the caller decides where a 307 leads). Resolves once the headers have
 * arrived, whatever the status; rejects with an HttpError only when no answer came.
 */
export async function send(url: string, opts: SendOptions, deadline: Deadline): Promise<Response> {
  if (protocolOf(url) === 'https:') return toResponse(await exchange(url, opts, deadline), opts.method ?? 'GET');
  try {
    // Node's fetch files a PerformanceResourceTiming for every exchange in the process-wide timeline, kept
    // until cleared up to 250 entries. Nothing in the daemon reads them, and the soak's heap snapshots found
    // them the one kind of our objects still piling up after warm-up, so each request drops the earlier ones.
    performance.clearResourceTimings();
    return await fetch(url, { method: opts.method ?? 'GET', headers: requestHeaders(opts), body: opts.body, redirect: 'manual', signal: deadline.signal });
  } catch (err) {
    throw networkError(err, url, deadline);
  }
}

/**
 * One request on node:http or node:https, its answer as Node's own IncomingMessage: what a long-lived stream reads,
 * its body arriving as Buffers with no web stream between. Resolves once the headers have arrived, whatever the
 * status; rejects with an HttpError only when no answer came. The deadline's signal ends it at any point.
 */
export async function exchange(url: string, opts: SendOptions, deadline: Deadline): Promise<IncomingMessage> {
  const protocol = protocolOf(url);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const options = { method: opts.method ?? 'GET', headers: requestHeaders(opts), signal: deadline.signal };
    const answered = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status <= 599) return resolve(res);
      res.destroy();
      reject(new HttpError('status', url, `${url} answered with status ${status}, which is not an HTTP answer; is this a Mesos master?`, status));
    };
    const req = protocol === 'https:' ? https.request(url, { ...options, ca: opts.ca }, answered) : http.request(url, options, answered);
    req.on('error', (err) => reject(networkError(err, url, deadline)));
    req.end(opts.body);
  });
}

function protocolOf(url: string): string {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new HttpError('bad-url', url, `"${url}" is not a valid URL; write it like http://10.0.0.2:5050`);
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new HttpError('bad-url', url, `"${url}" is not an http:// or https:// URL; write it like http://10.0.0.2:5050`);
  }
  return protocol;
}

function requestHeaders(opts: SendOptions): Record<string, string> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.credentials) headers.Authorization = basicAuthHeader(opts.credentials);
  return headers;
}

/** Statuses whose Response must have no body (fetch spec, "null body status"). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** Node's answer as a standard Response, its body streamed, so callers read both transports alike. */
export function toResponse(res: IncomingMessage, method: string): Response {
  const status = res.statusCode ?? 0;
  const h = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) h.append(name, v);
  }
  const empty = NULL_BODY.has(status) || method === 'HEAD';
  if (empty) res.resume();
  // Node's web stream type and the global one are the same class at run time.
  const body = empty ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status, headers: h });
}

/**
 * Reads the whole body, streaming, and gives up as soon as it passes maxBytes, so a wrong URL that streams
 * forever cannot fill the Pi's memory.
 */
export async function readBodyCapped(res: Response, url: string, maxBytes: number, deadline: Deadline): Promise<Buffer> {
  const tooLarge = () =>
    new HttpError('too-large', url, `${url}: body over ${maxBytes} bytes; raise the body cap if the cluster is really that large`, res.status);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (err) {
    throw networkError(err, url, deadline);
  }
  return Buffer.concat(chunks, size);
}

/** Drops a body we will not read, so the connection is released. */
export async function discardBody(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** Reads at most ERROR_DETAIL_BYTES of an error body for its message, never failing. */
export async function errorDetail(res: Response): Promise<string | undefined> {
  if (!res.body) return undefined;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_DETAIL_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The status alone is enough to report.
  }
  const text = Buffer.concat(chunks).subarray(0, ERROR_DETAIL_BYTES).toString('utf8');
  return text.trim() ? htmlTitle(text) ?? text : undefined;
}

function htmlTitle(text: string): string | null {
  const m = /<title[^>]*>([^<]*)<\/title>/i.exec(text);
  return m ? m[1].trim() : /^\s*</.test(text) ? 'an HTML page' : null;
}

/**
 * Parses a body that should be JSON. An HTML page (a proxy's or captive portal's error page) and a truncated
 * or garbled body each get a one-line HttpError naming the source.
 */
export function parseJsonBody(body: Buffer | string, source: string, contentType: string | null = null): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (/^\s*</.test(text) || (contentType !== null && /html/i.test(contentType))) {
    const title = htmlTitle(text);
    const named = title && title !== 'an HTML page' ? ` ("${errorLine(title, 80)}")` : '';
    return notJson(source, `an HTML page${named}, not JSON; is this a Mesos master URL, or is a proxy in the way?`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = causeLine(err);
    const truncated = /end of (JSON )?input|unterminated/i.test(why);
    return notJson(source, `invalid JSON (${why})${truncated ? '; the body looks truncated' : ''}`);
  }
}

function notJson(source: string, what: string): never {
  throw new HttpError('not-json', source, `${source} answered ${what}`);
}

export interface GetJsonOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  credentials?: Credentials;
  /** CA certificates (PEM) for https masters. */
  ca?: string | Buffer;
  /** Config key named when a 401 arrives; default `credentialsFile`. */
  credentialsKey?: string;
  headers?: Record<string, string>;
  /** A call that is a POST expecting JSON back, such as the operator API's GET_MASTER; default GET, no body. */
  method?: string;
  body?: string;
}

export type JsonAnswer =
  | { kind: 'json'; url: string; status: number; body: unknown }
  | { kind: 'redirect'; url: string; status: number; location: string };

/**
 * GET (or another method) that expects JSON. A 3xx is returned with its Location resolved, not followed; every other failure
 * throws an HttpError. The timeout covers the whole exchange including the body.
 */
export async function getJson(url: string, opts: GetJsonOptions): Promise<JsonAnswer> {
  const deadline = new Deadline(opts.timeoutMs);
  try {
    const res = await send(url, { method: opts.method, body: opts.body, headers: { Accept: 'application/json', ...opts.headers }, credentials: opts.credentials, ca: opts.ca }, deadline);
    if (res.status >= 300 && res.status < 400) {
      await discardBody(res);
      const location = res.headers.get('location');
      if (!location) throw new HttpError('status', url, `${res.status} from ${url} without a Location header`, res.status);
      return { kind: 'redirect', url, status: res.status, location: resolveLocation(location, url) };
    }
    if (res.status < 200 || res.status >= 300) {
      const detail = await errorDetail(res);
      throw statusError(res.status, url, {
        sentCredentials: opts.credentials !== undefined,
        credentialsKey: opts.credentialsKey ?? 'credentialsFile',
        detail,
      });
    }
    const body = await readBodyCapped(res, url, opts.maxBodyBytes, deadline);
    return { kind: 'json', url, status: res.status, body: parseJsonBody(body, url, res.headers.get('content-type')) };
  } catch (err) {
    throw networkError(err, url, deadline);
  } finally {
    deadline.clear();
  }
}
