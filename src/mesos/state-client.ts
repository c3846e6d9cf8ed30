// Finds the leading master among the configured ones and reads its /state (Mesos src/master/http.cpp).
// - GET <base>/master/state; a 404 there means a master older than 0.25, so <base>/master/state.json,
//   remembered per master (and flipped back should that master be upgraded past 1.7, where state.json is gone).
// - A 307 (1.0+ non-leader) carries a protocol-relative Location to the leader: followed, at most maxHops times.
// - A 200 with an empty view whose `leader` is another master (0.28 and older non-leader): followed the same way.
// - 503, or an old master's empty view naming no leader: no leader elected yet.
// - Several masters: the one that answered last is tried first, then the others in config order.
import { HttpError, getJson, type Credentials } from './http';
import type { ClusterSnapshot } from './snapshot';
import { masterRole, parseState, StateFormatError } from './state-parse';

export interface StateClientOptions {
  /** Base URLs of the masters, e.g. `http://10.0.0.2:5050` (a path prefix behind a proxy is kept). */
  masters: string[];
  timeoutMs: number;
  maxBodyBytes: number;
  credentials?: Credentials;
  /** CA certificates (PEM) trusted for https masters; the contents of the config's caFile. */
  ca?: string | Buffer;
  /** Config key named in a 401 message; default `credentialsFile`. */
  credentialsKey?: string;
  /** Redirects followed per master tried; default 3. */
  maxHops?: number;
}

export interface StateResult {
  snapshot: ClusterSnapshot;
  /** Base URL of the master that answered (the leader). */
  master: string;
  /** The leader as the document names it (host:port), or null. */
  leader: string | null;
}

const STATE = '/master/state';
const LEGACY_STATE = '/master/state.json';

/** How useful an error is to the operator when every master failed: the highest one is reported. */
const RANK: Record<HttpError['kind'] | 'format', number> = {
  unauthorized: 9,
  tls: 8,
  forbidden: 8,
  'bad-url': 7,
  format: 6,
  'not-json': 6,
  'too-large': 6,
  status: 5,
  'not-found': 5,
  unavailable: 4,
  timeout: 3,
  unreachable: 2,
};

export class StateClient {
  private readonly masters: string[];
  private readonly legacy = new Set<string>();
  private preferred: string | null = null;
  private tried: string;

  constructor(private readonly opts: StateClientOptions) {
    if (opts.masters.length === 0) throw new RangeError('state client needs at least one master URL in masters');
    this.masters = opts.masters.map((m) => baseOf(m));
    this.tried = this.masters[0];
  }

  /** Base URL of the master asked last (the first configured one before any request), for the `unreachable` screen. */
  get lastTried(): string {
    return this.tried;
  }

  /** Throws HttpError or StateFormatError, one line each, when no master gives a usable /state. */
  async fetchState(): Promise<StateResult> {
    const { value: snapshot, master } = await this.fetchDocument((json, url) => parseState(json, url));
    return { snapshot, master, leader: snapshot.leader };
  }

  /**
   * The leader's /state read by `read` (which throws StateFormatError when the document cannot be used), with the
   * base URL of the master that answered. The operator stream's refresh reads more of the document than a snapshot.
   */
  async fetchDocument<T>(read: (json: unknown, url: string) => T): Promise<{ value: T; master: string }> {
    const order = this.preferred ? [this.preferred, ...this.masters.filter((m) => m !== this.preferred)] : this.masters;
    let worst: Error | null = null;
    for (const base of order) {
      try {
        const value = await this.fromMaster(base, read);
        this.preferred = value.master;
        return value;
      } catch (err) {
        if (!(err instanceof HttpError || err instanceof StateFormatError)) throw err;
        if (!worst || rank(err) > rank(worst)) worst = err;
      }
    }
    throw worst as Error;
  }

  /** Asks one master, following it to the leader. */
  private async fromMaster<T>(start: string, read: (json: unknown, url: string) => T): Promise<{ value: T; master: string }> {
    const maxHops = this.opts.maxHops ?? 3;
    let base = start;
    for (let hop = 0; ; hop++) {
      const answer = await this.getState(base);
      let next: string;
      if (answer.kind === 'redirect') {
        next = baseOf(answer.location, base);
      } else {
        const role = masterRole(answer.body);
        if (role.role === 'leader') return { value: read(answer.body, answer.url), master: base };
        if (role.role === 'no-leader') {
          throw new HttpError('unavailable', answer.url, `${answer.url} knows no leading master yet (election in progress); retrying`);
        }
        next = `${new URL(base).protocol}//${role.leader}${new URL(base).pathname.replace(/\/$/, '')}`;
      }
      if (hop + 1 > maxHops) {
        throw new HttpError('status', answer.url, `${answer.url}: still not the leader after ${maxHops} redirects (last to ${next}); are the masters in a loop?`);
      }
      base = next;
    }
  }

  /** GET the state path this master serves, trying the other name once on a 404. */
  private async getState(base: string) {
    const get = (path: string) => {
      this.tried = base;
      return getJson(base + path, {
        timeoutMs: this.opts.timeoutMs,
        maxBodyBytes: this.opts.maxBodyBytes,
        credentials: this.opts.credentials,
        credentialsKey: this.opts.credentialsKey,
        ca: this.opts.ca,
      });
    };
    const wasLegacy = this.legacy.has(base);
    try {
      return await get(wasLegacy ? LEGACY_STATE : STATE);
    } catch (err) {
      if (!(err instanceof HttpError && err.kind === 'not-found')) throw err;
    }
    const answer = await get(wasLegacy ? STATE : LEGACY_STATE);
    if (wasLegacy) this.legacy.delete(base);
    else this.legacy.add(base);
    return answer;
  }
}

function rank(err: Error): number {
  return err instanceof HttpError ? RANK[err.kind] : RANK.format;
}

/**
 * The base URL of a master: scheme, host, port and any proxy prefix, no trailing slash. A redirect's Location
 * names the leader's own state path (or none, from /master/redirect); both reduce to the leader's base.
 */
function baseOf(url: string, relativeTo?: string): string {
  let u: URL;
  try {
    u = new URL(url, relativeTo);
  } catch {
    throw new HttpError('bad-url', url, `"${url}" is not a valid master URL; write it like http://10.0.0.2:5050`);
  }
  const path = u.pathname.replace(/\/master\/state(\.json)?$/, '').replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}
