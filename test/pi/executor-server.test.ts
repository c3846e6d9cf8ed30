import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { ExecutorServer, ExecutorServerError } from '../../src/pi/executor-server';

const bytes = Buffer.from('#!/usr/bin/env node\nconsole.log("executor");\n');
const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };

/** A raw request, so the target goes over the wire exactly as written (fetch would normalise `/../`). */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('executor server', () => {
  let server: ExecutorServer;
  beforeAll(async () => {
    server = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
  });
  afterAll(() => server.close());

  it('serves the bundle with its length and its sha256 as ETag, and the URL agents fetch', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/executor.js`);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${bundle.sha256}"`);
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('answers HEAD with the headers and no body, and 304 to a matching If-None-Match', async () => {
    const head = await raw(server.port, 'HEAD', '/executor.js');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.body.length).toBe(0);
    const again = await raw(server.port, 'GET', '/executor.js', { 'If-None-Match': `"${bundle.sha256}"` });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await raw(server.port, 'GET', '/executor.js', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('reports health as JSON: without a report from the daemon, only the executor it serves', async () => {
    const res = await raw(server.port, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ status: 'ok', executor: { sha256: bundle.sha256 } });
  });

  it('reports what the daemon says: 503 and its report when it is not ok, 503 with the reason when the report throws', async () => {
    server.setHealth(() => ({ ok: false, report: { master: { answeredRecently: false } } }));
    const res = await raw(server.port, 'GET', '/health');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body.toString())).toEqual({ status: 'failing', master: { answeredRecently: false }, executor: { sha256: bundle.sha256 } });
    server.setHealth(() => {
      throw new Error('no model yet');
    });
    const broken = await raw(server.port, 'GET', '/health');
    expect(broken.status).toBe(503);
    expect(JSON.parse(broken.body.toString()).error).toBe('health report failed: no model yet');
    expect((await raw(server.port, 'GET', '/executor.js')).status).toBe(200);
    server.setHealth(() => ({ ok: true, report: {} }));
  });

  it.each([
    '/',
    '/executor',
    '/executor.js/',
    '//executor.js',
    '/./executor.js',
    '/x/../executor.js',
    '/../executor.js',
    '/%2e%2e/executor.js',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/..%2f..%2fetc/passwd',
    '/../../../../etc/passwd',
    '/executor.js?x=1',
    '/executor.js?../../etc/passwd',
    '/executor.js#frag',
    '/executor%2ejs',
    '/EXECUTOR.JS',
    '/health/../executor.js',
    '*',
    'http://127.0.0.1/executor.js',
  ])('answers 404 and nothing else for %s', async (path) => {
    const res = await raw(server.port, 'GET', path);
    expect(res.status).toBe(404);
    expect(res.body.includes(bytes)).toBe(false);
    expect(res.body.toString()).toBe('not found: this server only serves /executor.js\n');
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('answers %s with 405 and an Allow header', async (method) => {
    const res = await raw(server.port, method, '/executor.js');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body.includes(bytes)).toBe(false);
  });

  it('advertises the machine hostname when no host is configured, and names a port in use in one line', async () => {
    const other = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0 });
    try {
      expect(other.url).toBe(`http://${hostname()}:${other.port}/executor.js`);
      await expect(ExecutorServer.start({ bundle, bind: '127.0.0.1', port: other.port })).rejects.toThrow(
        new ExecutorServerError(`cannot serve the executor on 127.0.0.1:${other.port}: the address is in use; set http.bind and http.port in the config`),
      );
    } finally {
      await other.close();
    }
  });

  it('brackets an IPv6 advertise address', async () => {
    const v6 = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0, advertiseHost: 'fd00::2' });
    try {
      expect(v6.url).toBe(`http://[fd00::2]:${v6.port}/executor.js`);
    } finally {
      await v6.close();
    }
  });
});
