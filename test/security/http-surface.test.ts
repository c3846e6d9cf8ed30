// The daemon's only listening port, the executor file server (issue 6, "Security"), from an attacker's side:
// raw bytes on a socket, so nothing normalises the request on the way. It must serve /executor.js and
// /health to GET and HEAD, and to everything else a fixed short answer that reveals nothing, and stay up.
// test/pi/executor-server.test.ts covers the usual traversal spellings and the common methods; this adds
// the rest: encodings, methods no client should send, oversized requests, malformed framing, the bind. The
// last part attacks the same server as the daemon runs it, with the web face's routes mounted beside the file.
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { resolveConfig } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import { NullDisplay } from '../../src/hw/null-display';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';
import { ExecutorServer } from '../../src/pi/executor-server';

const bytes = Buffer.from('#!/usr/bin/env node\nconsole.log("executor");\n');
const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
const NOT_FOUND = 'not found: this server only serves /executor.js\n';

let server: ExecutorServer;
beforeAll(async () => {
  server = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
});
afterAll(() => server.close());

interface Answer {
  status: number;
  head: string;
  body: string;
}

/** Sends exactly `request` and reads until the server closes or `Connection: close` ends the answer. */
function rawExchange(request: string | Buffer, host = '127.0.0.1', port = server.port): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body: split < 0 ? '' : text.slice(split + 4) });
    });
    socket.end(request);
  });
}

const get = (target: string, method = 'GET', extra = '') => rawExchange(`${method} ${target} HTTP/1.1\r\nHost: pi\r\nConnection: close\r\n${extra}\r\n`);

async function stillServes(): Promise<void> {
  const ok = await get('/executor.js');
  expect(ok.status).toBe(200);
  expect(ok.body).toBe(bytes.toString('latin1'));
}

describe('paths: only the two fixed targets, compared as written', () => {
  test.each([
    '/..%5c..%5cetc%5cpasswd',
    '/..\\..\\etc\\passwd',
    '/%252e%252e/%252e%252e/etc/passwd',
    '/%c0%ae%c0%ae/etc/passwd',
    '/executor.js%00',
    '/executor.js%00.png',
    '/executor.js;.png',
    '/executor.js/.',
    '/executor.js/..',
    '/%65xecutor.js',
    '/executor.j%73',
    '/\uff0e\uff0e/executor.js',
    '/pi/',
    '/dist/',
    '/.',
    '/..',
    '/.git/config',
    '/etc/passwd',
    '/proc/self/environ',
    '/health/',
    '/health?x',
    '/HEALTH',
    'executor.js',
    'http://evil.example/executor.js',
    '//evil.example/executor.js',
  ])('%s gets the fixed 404 and no file', async (target) => {
    const r = await get(target);
    // Node refuses some spellings itself (400) before our handler: just as good, as long as nothing is served.
    expect([400, 404]).toContain(r.status);
    if (r.status === 404) expect(r.body).toBe(NOT_FOUND);
    expect(r.body).not.toContain('console.log');
    expect(r.body).not.toMatch(/root:|<a href|Index of/i);
  });

  test('the root lists nothing, to GET or HEAD', async () => {
    expect((await get('/')).body).toBe(NOT_FOUND);
    const head = await get('/', 'HEAD');
    expect(head.status).toBe(404);
    expect(head.body).toBe('');
  });
});

describe('methods: GET and HEAD only', () => {
  test.each(['TRACE', 'PROPFIND', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'MKCALENDAR', 'LINK'])(
    '%s /executor.js is 405 with Allow, echoing nothing',
    async (method) => {
      const r = await get('/executor.js', method, 'X-Secret-Probe: s3cr3t-XYZ\r\n');
      expect(r.status).toBe(405);
      expect(r.head).toMatch(/\r\nAllow: GET, HEAD/i);
      expect(r.body).not.toContain('console.log');
      expect(r.head + r.body).not.toContain('s3cr3t-XYZ');
    },
  );

  test('POST to /health is 405 too, and a method Node does not know is a 400', async () => {
    expect((await get('/health', 'POST', 'Content-Length: 0\r\n')).status).toBe(405);
    expect((await get('/executor.js', 'FROBNICATE')).status).toBe(400);
  });

  test('CONNECT does not open a tunnel', async () => {
    const r = await rawExchange('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expect(r.status === 0 || r.status >= 400).toBe(true);
    expect(r.body).not.toMatch(/SSH-/);
  });
});

describe('oversized and malformed requests', () => {
  test('a 64 KiB header is refused with 431, and the server goes on', async () => {
    const r = await get('/executor.js', 'GET', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`);
    expect(r.status).toBe(431);
    await stillServes();
  });

  test('a 100 KiB URL is refused, and the server goes on', async () => {
    const r = await get(`/executor.js?${'a'.repeat(100 * 1024)}`);
    expect([414, 431]).toContain(r.status);
    await stillServes();
  });

  test('ten thousand headers are refused, and the server goes on', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `X-${i}: 1\r\n`).join('');
    expect((await get('/executor.js', 'GET', many)).status).toBe(431);
    await stillServes();
  });

  test.each([
    ['garbage', '\x00\x01\x02\xff\r\n\r\n'],
    ['a bad Content-Length', 'GET /executor.js HTTP/1.1\r\nHost: pi\r\nContent-Length: -1\r\n\r\n'],
    ['two Content-Lengths (smuggling)', 'POST /executor.js HTTP/1.1\r\nHost: pi\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['Transfer-Encoding and Content-Length (smuggling)', 'GET /executor.js HTTP/1.1\r\nHost: pi\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ])('%s gets a 400 or a closed socket, and the server goes on', async (_what, request) => {
    const r = await rawExchange(Buffer.from(request, 'latin1'));
    expect(r.status === 0 || r.status === 400).toBe(true);
    expect(r.body).not.toContain('console.log');
    await stillServes();
  });

  test('an HTTP/0.9-style request line (Node parses it) gets the same fixed answers', async () => {
    expect((await rawExchange('GET /executor.js\r\n\r\n')).body).toBe(bytes.toString('latin1'));
    expect((await rawExchange('GET /../etc/passwd\r\n\r\n')).body).toBe(NOT_FOUND);
  });

  test('a GET with a large body still gets only the file', async () => {
    const r = await rawExchange(`GET /executor.js HTTP/1.1\r\nHost: pi\r\nConnection: close\r\nContent-Length: 1000000\r\n\r\n${'x'.repeat(1_000_000)}`);
    expect(r.status).toBe(200);
    expect(r.body).toBe(bytes.toString('latin1'));
  });

  test('pipelined requests each get their own answer; a bad one after a good one serves nothing extra', async () => {
    const r = await rawExchange('GET /health HTTP/1.1\r\nHost: pi\r\n\r\nGET /../etc/passwd HTTP/1.1\r\nHost: pi\r\nConnection: close\r\n\r\n');
    const text = `${r.head}\r\n\r\n${r.body}`;
    expect(text.match(/HTTP\/1\.1 (\d{3})/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 404']);
    expect(text).not.toContain('root:');
  });
});

describe('what the answers reveal', () => {
  test('no Server or X-Powered-By header, and errors name no file system path or version', async () => {
    for (const target of ['/executor.js', '/nope', '/health']) {
      const r = await get(target);
      expect(r.head).not.toMatch(/\r\n(Server|X-Powered-By):/i);
      if (target !== '/executor.js') expect(r.body).not.toMatch(/\/(home|usr|var|etc|opt|srv|work)\/|node_modules|v\d+\.\d+\.\d+/);
    }
  });
});

describe('/health', () => {
  test('is one JSON object naming only the executor\'s hash, and HEAD gets the headers alone', async () => {
    const r = await get('/health');
    expect(r.status).toBe(200);
    expect(r.head).toMatch(/\r\nContent-Type: application\/json; charset=utf-8/i);
    expect(JSON.parse(r.body)).toEqual({ status: 'ok', executor: { sha256: bundle.sha256 } });
    const head = await get('/health', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('bind address', () => {
  test('bound to 127.0.0.1, it does not answer on another address of the host', async () => {
    // Linux routes all of 127/8 to lo, so 127.0.0.2 reaches this host but not a socket bound to 127.0.0.1.
    const err = await rawExchange('GET /executor.js HTTP/1.1\r\nHost: pi\r\nConnection: close\r\n\r\n', '127.0.0.2').then(
      () => null,
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(err).toMatch(/ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH/);
  });
});

describe("the daemon's server with the web face: only its fixed routes", () => {
  let panel: PanelHost;
  let files: ExecutorServer;
  const WEB_NOT_FOUND = 'not found: this server serves the panel at / and the executor at /executor.js\n';
  const ROUTES = ['/', '/mirror.js', '/controls.js', '/panel.css', '/events', '/metrics', '/control', '/executor.js', '/health'];
  beforeAll(async () => {
    const config = resolveConfig([{ source: 'test', values: { masters: ['http://127.0.0.1:9'], http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' } } }]);
    panel = await startPanel({ config, log: memoryLogger(), display: new NullDisplay(geometryOf('128x64')), button: new NoneBackend() });
    files = await ExecutorServer.start({ bundle, bind: '', port: 0, host: panel.http, advertiseHost: '127.0.0.1' });
  });
  afterAll(async () => {
    await files.close();
    await panel.stop();
  });
  const at = (target: string, method = 'GET', extra = '') => rawExchange(`${method} ${target} HTTP/1.1\r\nHost: pi\r\nConnection: close\r\n${extra}\r\n`, '127.0.0.1', panel.http.port);

  test.each(ROUTES.filter((r) => r !== '/events'))('%s answers GET', async (route) => {
    expect((await at(route)).status).toBe(200);
  });

  test.each([
    '/index.html',
    '/index',
    '/page/mirror.js',
    '/src/web/page/mirror.js',
    '/node_modules/prom-client/package.json',
    '/mirror.js/..',
    '/mirror.js%00',
    '/%6dirror.js',
    '//mirror.js',
    '/./mirror.js',
    '/events?x',
    '/events/',
    '/metrics/',
    '/metrics?name[]=x',
    '/METRICS',
    '/mirror.js/../../package.json',
    '/..%2f..%2fpackage.json',
    '/mirror.js#x',
    '/control/',
    '/control/next/',
    '/control/NEXT',
    '/control/next?x',
    '/control/../control/next',
    '/control/%6eext',
  ])('%s gets the fixed 404 and no file', async (target) => {
    const r = await at(target);
    expect([400, 404]).toContain(r.status);
    if (r.status === 404) expect(r.body).toBe(WEB_NOT_FOUND);
    expect(r.body).not.toMatch(/use strict|"name"|<html/);
  });

  test.each(ROUTES)('POST, PUT, DELETE and TRACE to %s are 405, echoing nothing', async (route) => {
    for (const method of ['POST', 'PUT', 'DELETE', 'TRACE']) {
      const r = await at(route, method, 'Content-Length: 0\r\nX-Secret-Probe: s3cr3t-XYZ\r\n');
      expect(r.status).toBe(405);
      expect(r.head).toMatch(/\r\nAllow: GET, HEAD/i);
      expect(r.head + r.body).not.toContain('s3cr3t-XYZ');
    }
  });

  test('the pages may run only their own scripts, cannot be framed, and name no server', async () => {
    for (const route of ['/', '/mirror.js', '/controls.js', '/panel.css']) {
      const r = await at(route);
      expect(r.head).toMatch(/\r\nContent-Security-Policy: default-src 'none'; script-src 'self';.*frame-ancestors 'none'/i);
      expect(r.head).toMatch(/\r\nX-Content-Type-Options: nosniff/i);
      expect(r.head).not.toMatch(/\r\n(Server|X-Powered-By|Access-Control-Allow-Origin):/i);
    }
  });

  test('a 64 KiB header to /events is refused with 431, and the routes go on', async () => {
    expect((await at('/events', 'GET', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`)).status).toBe(431);
    expect((await at('/metrics')).status).toBe(200);
  });
});
