// The daemon's file server for the agents (Mesos docs/fetcher.md): the Mesos fetcher
// downloads the executor from CommandInfo.uris before it starts it, so the daemon serves exactly one file,
// the bundled executor, and nothing else. The request target is compared as a whole string, never decoded
// or joined to a path, so no spelling (`/../`, `%2e%2e`, `//executor.js`, a query) can reach another file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from '../log';
import type { ExecutorBundle } from './executor-bundle';
import { errorLine } from '../lib/error-line';

export const EXECUTOR_PATH = '/executor.js';
export const HEALTH_PATH = '/health';

export interface ExecutorServerOptions {
  bundle: ExecutorBundle;
  /** Address to listen on, e.g. 0.0.0.0 on the Pi, 127.0.0.1 in tests. */
  bind: string;
  /** 0 picks a free port. */
  port: number;
  /** The name or address agents use to reach this host; the machine's hostname when null. */
  advertiseHost?: string | null;
  logger?: Logger;
}

/** What /health answers: `report` as the JSON body, with 200 when `ok` and 503 when not. */
export interface Health {
  ok: boolean;
  report: Record<string, unknown>;
}

/** The daemon's account of itself; without one the server can vouch only for the executor it serves. */
export type HealthProvider = () => Health;

type Route = (req: IncomingMessage, res: ServerResponse) => void;

export class ExecutorServerError extends Error {
  override readonly name = 'ExecutorServerError';
}

export class ExecutorServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The URL the agents fetch, e.g. http://pi-master:5055/executor.js. */
    readonly url: string,
    private readonly health: { provider: HealthProvider | null },
  ) {}

  static async start(o: ExecutorServerOptions): Promise<ExecutorServer> {
    const etag = `"${o.bundle.sha256}"`;
    const health: { provider: HealthProvider | null } = { provider: null };
    // Whole request targets, compared as written: nothing else in this server decides what is served.
    const routes = new Map<string, Route>([
      [EXECUTOR_PATH, (req, res) => serveExecutor(req, res, o.bundle, etag)],
      [HEALTH_PATH, (req, res) => serveHealth(req, res, o.bundle, health.provider)],
    ]);
    const server = createServer((req, res) => route(req, res, routes));
    // Agents fetch one small file; a stuck client must not hold a socket for ever.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'needs privileges' : err.code === 'EADDRNOTAVAIL' ? 'is not an address of this host' : err.message;
        reject(new ExecutorServerError(`cannot serve the executor on ${o.bind}:${o.port}: the address ${why}; set http.bind and http.port in the config`));
      });
      server.listen(o.port, o.bind, () => resolve());
    });
    server.on('error', (err) => o.logger?.warn(`executor server: ${err.message}`));
    const port = (server.address() as AddressInfo).port;
    const host = o.advertiseHost ?? hostname();
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}${EXECUTOR_PATH}`;
    o.logger?.info(`serving the executor (sha256 ${o.bundle.sha256.slice(0, 12)}, ${o.bundle.bytes.length} bytes) at ${url}`);
    return new ExecutorServer(server, port, url, health);
  }

  /** From now on /health reports what `provider` says (the daemon, once its panel runs). */
  setHealth(provider: HealthProvider): void {
    this.health.provider = provider;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function route(req: IncomingMessage, res: ServerResponse, routes: ReadonlyMap<string, Route>): void {
  const handler = routes.get(req.url ?? '');
  if (!handler) return plain(res, 404, 'not found: this server only serves /executor.js');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, 405, `method ${req.method} not allowed; use GET`);
  }
  handler(req, res);
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

function plain(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
}
