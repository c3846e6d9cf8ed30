// How a failed exchange with a master or agent reads: one HttpError per failure, its message one line naming the URL,
// the problem and what to do about it, whichever client (fetch, node:http, node:https) met it.
import type { Deadline } from './http';
import { errorLine } from '../lib/error-line';

export type HttpErrorKind =
  | 'bad-url' // the URL itself cannot be used
  | 'unreachable' // connection refused, host unknown or unreachable, connection dropped
  | 'timeout'
  | 'unauthorized' // 401
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'unavailable' // 503: no leader elected yet, or the master is recovering
  | 'status' // any other unexpected status
  | 'not-json' // an HTML error page or another body that is not JSON where JSON was expected
  | 'too-large' // body over the cap
  | 'tls'; // the master's certificate is not trusted, expired or for another name

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly kind: HttpErrorKind,
    readonly url: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }

  /** Worth retrying as is: the same request may succeed later without anyone changing the config. */
  get temporary(): boolean {
    return this.kind === 'unreachable' || this.kind === 'timeout' || this.kind === 'unavailable';
  }
}

/** Classifies a rejection from fetch or from reading a body. */
export function networkError(err: unknown, url: string, deadline: Deadline): HttpError {
  if (err instanceof HttpError) return err;
  if (deadline.expired) {
    return new HttpError('timeout', url, `${url} did not answer within ${deadline.timeoutMs} ms; is the master overloaded or the network down?`);
  }
  const code = errorCode(err);
  const tls = code ? TLS_CODES[code] : undefined;
  if (tls) return new HttpError('tls', url, `cannot trust ${url}: ${tls[0]}; ${tls[1]}`);
  // OpenSSL reads a plain-HTTP answer as a TLS record of an unknown version ("wrong version number").
  if (code === 'EPROTO' && url.startsWith('https:')) {
    return new HttpError('tls', url, `${url} does not answer in TLS (EPROTO); the master probably serves plain HTTP: write http:// instead of https://`);
  }
  const what = code ? (CONNECT_CODES[code] ?? code) : causeLine(err);
  return new HttpError('unreachable', url, `cannot reach ${url}: ${what}; check that the master runs there and the URL is right`);
}

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the other side',
};

const SET_CA = "set caFile to the PEM certificate of the CA that signed the master's certificate";

/** TLS verification failures (OpenSSL's X509_V_ERR names, as Node reports them): what is wrong and the fix. */
const TLS_CODES: Record<string, [string, string]> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: ['its TLS certificate is self-signed', `${SET_CA} (for a self-signed one, the certificate itself)`],
  SELF_SIGNED_CERT_IN_CHAIN: ['its TLS certificate chain ends in a CA this host does not trust', SET_CA],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: ['its TLS certificate is signed by a CA this host does not trust', SET_CA],
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: ['its TLS certificate is signed by a CA this host does not trust', SET_CA],
  UNABLE_TO_GET_ISSUER_CERT: ['its TLS certificate is signed by a CA this host does not trust', SET_CA],
  CERT_SIGNATURE_FAILURE: ['its TLS certificate signature does not verify', SET_CA],
  CERT_HAS_EXPIRED: ['its TLS certificate has expired', "renew the master's certificate, and check this host's clock"],
  CERT_NOT_YET_VALID: ['its TLS certificate is not valid yet', "check this host's clock"],
  ERR_TLS_CERT_ALTNAME_INVALID: ['its TLS certificate is for another host name', 'use the name or address the certificate names in masters'],
};

function errorCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** undici wraps the cause in a generic "fetch failed"; the cause says what went wrong. */
export function causeLine(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  return errorLine(cause instanceof Error ? cause : err, 160);
}

export interface StatusErrorContext {
  /** Whether credentials were sent, to tell "missing" from "wrong" on a 401. */
  sentCredentials: boolean;
  /** The config key that holds the credentials, named in the 401 message. */
  credentialsKey: string;
  /** The start of the error body, if read. */
  detail?: string;
}

/** The HttpError for a non-2xx, non-3xx status. */
export function statusError(status: number, url: string, ctx: StatusErrorContext): HttpError {
  const said = ctx.detail ? ` ("${errorLine(ctx.detail, 100)}")` : '';
  switch (status) {
    case 401:
      return new HttpError(
        'unauthorized',
        url,
        ctx.sentCredentials
          ? `401 from ${url}: the master rejected the credentials; check principal and secret in ${ctx.credentialsKey}`
          : `401 from ${url}: the master requires HTTP authentication; set ${ctx.credentialsKey} (principal and secret)`,
        status,
      );
    case 403:
      return new HttpError('forbidden', url, `403 from ${url}${said}: the principal is not allowed this call; check the master's ACLs`, status);
    case 404:
      return new HttpError('not-found', url, `404 from ${url}: no such endpoint; is this a Mesos master URL?`, status);
    case 503:
      return new HttpError('unavailable', url, `503 from ${url}${said}: no leader elected yet or the master is recovering; retrying`, status);
    default:
      return new HttpError('status', url, `unexpected ${status} from ${url}${said}`, status);
  }
}
