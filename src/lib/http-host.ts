// The daemon's one HTTP server, shared by the executor file server (src/pi) and the web face (src/web). Routes
// are fixed request targets compared as whole strings, never decoded or joined to a path, so no spelling
// (`/../`, `%2e%2e`, `//x`, a query) can reach anything but the handlers registered here, and nothing a request
// says ever reaches the file system. The server belongs to the panel host, so the web face runs whether or
// not a π job is registered; the π framework mounts its routes on it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Logger } from '../log';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface Route {
  /** The methods the route answers; the first is named in a 405. HEAD is answered wherever GET is. */
  methods: readonly ('GET' | 'POST')[];
  handle: Handler;
}

export interface HttpHostOptions {
  /** Address to listen on, e.g. 0.0.0.0 on the Pi, 127.0.0.1 in tests. */
  bind: string;
  /** 0 picks a free port. */
  port: number;
  /** What the server is for, in the error when the address cannot be had, e.g. "the executor". */
  serves: string;
  /** The body of every 404, one line saying what the server does serve. */
  notFound: string;
  logger?: Logger;
}

export class HttpHostError extends Error {
  override readonly name = 'HttpHostError';
}

export class HttpHost {
  private readonly routes = new Map<string, Route>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly notFound: string,
  ) {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.serve(req, res));
  }

  static async start(o: HttpHostOptions): Promise<HttpHost> {
    const server = createServer();
    // A request must arrive whole and soon; a stuck client must not hold a socket for ever. Long answers
    // (the mirror's event stream) are not bound by these: they limit receiving the request only.
    server.requestTimeout = 30_000;
    server.headersTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'needs privileges' : err.code === 'EADDRNOTAVAIL' ? 'is not an address of this host' : err.message;
        reject(new HttpHostError(`cannot serve ${o.serves} on ${o.bind}:${o.port}: the address ${why}; set http.bind and http.port in the config`));
      });
      server.listen(o.port, o.bind, () => resolve());
    });
    server.on('error', (err) => o.logger?.warn(`http server: ${err.message}`));
    return new HttpHost(server, (server.address() as AddressInfo).port, o.notFound);
  }

  /** The URL of `path` on this server as another host reaches it; the machine's hostname when none is given. */
  url(path: string, advertiseHost?: string | null): string {
    const host = advertiseHost ?? hostname();
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}${path}`;
  }

  /** Adds a fixed route; the returned function removes it again. */
  mount(path: string, route: Route): () => void {
    if (this.routes.has(path)) throw new Error(`http: ${path} is served twice`);
    this.routes.set(path, route);
    return () => void this.routes.delete(path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const route = this.routes.get(req.url ?? '');
    if (!route) return plain(res, 404, this.notFound);
    const method = req.method ?? '';
    const allowed = route.methods.includes(method as 'GET') || (method === 'HEAD' && route.methods.includes('GET'));
    if (!allowed) {
      res.setHeader('Allow', route.methods.includes('GET') ? [...route.methods, 'HEAD'].join(', ') : route.methods.join(', '));
      return plain(res, 405, `method ${method} not allowed; use ${route.methods[0]}`);
    }
    route.handle(req, res);
  }
}

/** A short text answer; `headOnly` keeps the length but sends no body, as HEAD asks. */
export function plain(res: ServerResponse, status: number, text: string, headOnly = false, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, ...headers });
  res.end(headOnly ? undefined : body);
}
