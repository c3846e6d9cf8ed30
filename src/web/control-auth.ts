// The checks a control request must pass before it may press the button: sent by the panel's own page (same
// origin), signed with the secret (an HMAC, so the secret itself never crosses the network, which is plain
// HTTP on a Pi), fresh and never seen before (a nonce and a time inside the signature: a captured request
// cannot be sent again), and not one of a flood (a token bucket: refused at once, never queued). Pure apart
// from the clocks handed in, so each check is tested on its own.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a signed request carries: its time on the panel's clock (ms), a random nonce and the MAC. */
export interface Signed {
  t: number;
  nonce: string;
  mac: string;
}

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const MAC = /^[0-9a-f]{64}$/;

/** The signed text: the action is inside it, so a MAC for "next" cannot be replayed as "reset". */
export function signedText(action: string, t: number, nonce: string): string {
  return `mesos-panel control\n${action}\n${t}\n${nonce}`;
}

export function macOf(secret: string, action: string, t: number, nonce: string): string {
  return createHmac('sha256', secret).update(signedText(action, t, nonce)).digest('hex');
}

/** The request body as a Signed, 'missing' when it carries no MAC at all, or what is wrong with it. */
export function parseSigned(body: string): Signed | 'missing' | string {
  let doc: unknown;
  try {
    doc = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    return 'the body is not JSON; send {"t", "nonce", "mac"}';
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'the body must be a JSON object {"t", "nonce", "mac"}';
  const { t, nonce, mac } = doc as Record<string, unknown>;
  if (mac === undefined) return 'missing';
  if (typeof mac !== 'string' || !MAC.test(mac)) return 'mac must be 64 lowercase hex digits (HMAC-SHA256)';
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return 'nonce must be 16 to 64 characters of [A-Za-z0-9_-]';
  if (typeof t !== 'number' || !Number.isSafeInteger(t)) return 't must be the time in whole milliseconds';
  return { t, nonce, mac };
}

/** Whether `s` was made with `secret` for `action`, compared in constant time. */
export function macMatches(secret: string, action: string, s: Signed): boolean {
  return timingSafeEqual(Buffer.from(macOf(secret, action, s.t, s.nonce), 'hex'), Buffer.from(s.mac, 'hex'));
}

/**
 * Why a request is not from the panel's own page, or null when it may be. A browser names the page's origin
 * (Origin, and Sec-Fetch-Site in current browsers) on every POST; a request naming neither is not from a
 * browser, so no other site can have made it, and the MAC alone decides. http and https both count, for a
 * TLS proxy in front of the panel; the host must be the one the request was sent to.
 */
export function crossOrigin(headers: IncomingHttpHeaders): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is ${site}`;
  const origin = headers.origin;
  if (origin === undefined) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin ${origin.slice(0, 80)} is not an origin`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== headers.host) return `Origin ${url.origin} is not this panel (${headers.host ?? 'no Host'})`;
  return null;
}

/**
 * Nonces seen inside the freshness window. A request is fresh while its time is within `windowMs` of the
 * panel's clock, so a nonce must be kept until then: at most 2 windows after it arrived. Kept in arrival
 * order, so the expired ones are at the front. The rate limit bounds how many arrive in a window.
 */
export class NonceWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** 'stale' when `t` is outside the window, 'replayed' when the nonce was used, else 'fresh' (and now used). */
  use(s: Pick<Signed, 't' | 'nonce'>): 'fresh' | 'stale' | 'replayed' {
    const now = this.now();
    for (const [nonce, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(nonce);
    }
    if (Math.abs(now - s.t) > this.windowMs) return 'stale';
    if (this.seen.has(s.nonce)) return 'replayed';
    this.seen.set(s.nonce, now + 2 * this.windowMs);
    return 'fresh';
  }

  get size(): number {
    return this.seen.size;
  }
}

/** A token bucket: `burst` requests at once, then one every `everyMs`; a request without a token is refused. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly everyMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.at = this.now();
  }

  /** Takes a token; false (and nothing taken) when none is left. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.at) / this.everyMs);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole seconds until the next token, for Retry-After. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((1 - this.tokens) * this.everyMs) / 1000));
  }
}
