// The daemon's file server for the agents (Mesos docs/fetcher.md): the Mesos fetcher
// downloads the executor from CommandInfo.uris before it starts it, so the π framework serves exactly one file,
// the bundled executor, and /health. Both are fixed routes on an HttpHost, which compares the request target
// as a whole string, never decoded or joined to a path, so no spelling (`/../`, `%2e%2e`, `//executor.js`, a
// query) can reach another file. The daemon hands in its shared host; the one-shot `pi` command and tests let
// the server start its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log';
import { HttpHost, HttpHostError } from '../lib/http-host';
import type { ExecutorBundle } from './executor-bundle';
import { errorLine } from '../lib/error-line';

export const EXECUTOR_PATH = '/executor.js';
export const HEALTH_PATH = '/health';

export interface ExecutorServerOptions {
  bundle: ExecutorBundle;
  /** Address to listen on, e.g. 0.0.0.0 on the Pi, 127.0.0.1 in tests; unused with `host`. */
  bind: string;
  /** 0 picks a free port; unused with `host`. */
  port: number;
  /** The name or address agents use to reach this host; the machine's hostname when null. */
  advertiseHost?: string | null;
  /** A running server to add the routes to (the daemon's); without it the executor server has its own. */
  host?: HttpHost;
  logger?: Logger;
}

/** What /health answers: `report` as the JSON body, with 200 when `ok` and 503 when not. */
export interface Health {
  ok: boolean;
  report: Record<string, unknown>;
}

/** The daemon's account of itself; without one the server can vouch only for the executor it serves. */
export type HealthProvider = () => Health;

export class ExecutorServerError extends Error {
  override readonly name = 'ExecutorServerError';
}

export class ExecutorServer {
  private constructor(
    private readonly release: () => Promise<void>,
    readonly port: number,
    /** The URL the agents fetch, e.g. http://pi-master:5055/executor.js. */
    readonly url: string,
    private readonly health: { provider: HealthProvider | null },
  ) {}

  static async start(o: ExecutorServerOptions): Promise<ExecutorServer> {
    const etag = `"${o.bundle.sha256}"`;
    const health: { provider: HealthProvider | null } = { provider: null };
    let host = o.host;
    if (!host) {
      try {
        host = await HttpHost.start({ bind: o.bind, port: o.port, serves: 'the executor', notFound: 'not found: this server only serves /executor.js', logger: o.logger });
      } catch (err) {
        throw err instanceof HttpHostError ? new ExecutorServerError(err.message) : err;
      }
    }
    const unmount = [
      host.mount(EXECUTOR_PATH, { methods: ['GET'], handle: (req, res) => serveExecutor(req, res, o.bundle, etag) }),
      host.mount(HEALTH_PATH, { methods: ['GET'], handle: (req, res) => serveHealth(req, res, o.bundle, health.provider) }),
    ];
    const own = o.host ? null : host;
    const url = host.url(EXECUTOR_PATH, o.advertiseHost);
    o.logger?.info(`serving the executor (sha256 ${o.bundle.sha256.slice(0, 12)}, ${o.bundle.bytes.length} bytes) at ${url}`);
    return new ExecutorServer(
      async () => {
        unmount.forEach((u) => u());
        await own?.close();
      },
      host.port,
      url,
      health,
    );
  }

  /** From now on /health reports what `provider` says (the daemon, once its panel runs). */
  setHealth(provider: HealthProvider): void {
    this.health.provider = provider;
  }

  /** Stops serving the executor; a server of its own is closed, a shared one keeps serving the rest. */
  close(): Promise<void> {
    return this.release();
  }
}

function serveExecutor(req: IncomingMessage, res: ServerResponse, bundle: ExecutorBundle, etag: string): void {
  const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'Content-Type': 'application/javascript; charset=utf-8' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': bundle.bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bundle.bytes);
}

function serveHealth(req: IncomingMessage, res: ServerResponse, bundle: ExecutorBundle, provider: HealthProvider | null): void {
  let health: Health;
  try {
    health = provider ? provider() : { ok: true, report: {} };
  } catch (err) {
    // A bug in the report must not take the executor's server down with it.
    health = { ok: false, report: { error: `health report failed: ${errorLine(err)}` } };
  }
  const body = Buffer.from(`${JSON.stringify({ status: health.ok ? 'ok' : 'failing', ...health.report, executor: { sha256: bundle.sha256 } })}\n`, 'utf8');
  res.writeHead(health.ok ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
