// The daemon's file server for the agents (issue 3, "Delivery"; reference/mesos.md d): the Mesos fetcher
// downloads the executor from CommandInfo.uris before it starts it, so the daemon serves exactly one file,
// the bundled executor, and nothing else. The request target is compared as a whole string, never decoded
// or joined to a path, so no spelling (`/../`, `%2e%2e`, `//executor.js`, a query) can reach another file.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from '../log';
import type { ExecutorBundle } from './executor-bundle';

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

export class ExecutorServerError extends Error {
  override readonly name = 'ExecutorServerError';
}

export class ExecutorServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    /** The URL the agents fetch, e.g. http://pi-master:5055/executor.js. */
    readonly url: string,
  ) {}

  static async start(o: ExecutorServerOptions): Promise<ExecutorServer> {
    const etag = `"${o.bundle.sha256}"`;
    const server = createServer((req, res) => serve(req, res, o.bundle, etag));
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
    return new ExecutorServer(server, port, url);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function serve(req: IncomingMessage, res: ServerResponse, bundle: ExecutorBundle, etag: string): void {
  const target = req.url ?? '';
  const known = target === EXECUTOR_PATH || target === HEALTH_PATH;
  if (!known) return plain(res, 404, 'not found: this server only serves /executor.js');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, 405, `method ${req.method} not allowed; use GET`);
  }
  if (target === HEALTH_PATH) return plain(res, 200, `ok ${bundle.sha256}`, req.method === 'HEAD');
  const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'Content-Type': 'application/javascript; charset=utf-8' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': bundle.bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bundle.bytes);
}

function plain(res: ServerResponse, status: number, text: string, headOnly = false): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(headOnly ? undefined : body);
}
