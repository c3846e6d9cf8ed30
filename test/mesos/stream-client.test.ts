// The stream client the operator, scheduler and executor streams share, on what only it does: reading node:http's
// answer over TLS with the cluster's CA and credentials, telling a cut connection from a closed stream, and the
// executor's resubscription when the agent refuses an update on the stream it was made on.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { ExecutorClient } from '../../src/mesos/executor-client';
import { encodeRecord } from '../../src/mesos/recordio';
import { type StreamClientOptions, StreamClient, type StreamError } from '../../src/mesos/stream-client';
import { until } from '../pi/pi-harness';

const TLS = join(__dirname, '../fixtures/tls');
const cert = readFileSync(join(TLS, 'master-cert.pem'));
const key = readFileSync(join(TLS, 'master-key.pem'));
const AUTH = `Basic ${Buffer.from('panel:s3cret').toString('base64')}`;

type Handler = (req: IncomingMessage, body: string, res: ServerResponse, n: number) => void;

const servers: Server[] = [];
const stops: (() => unknown)[] = [];

async function serve(handler: Handler, tls = false): Promise<string> {
  let n = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString(), res, ++n));
  };
  const server = tls ? createHttpsServer({ cert, key }, onRequest) : createHttpServer(onRequest);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
}

function stream(url: string, extra: Partial<StreamClientOptions> = {}) {
  const records: string[] = [];
  const downs: string[] = [];
  const client = new StreamClient({
    name: 'test stream',
    endpoints: () => [url],
    request: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"type":"SUBSCRIBE"}' },
    logger: memoryLogger(),
    onRecord: (r) => void records.push(r.toString()),
    onDown: (why) => void downs.push(why),
    maxRecordBytes: 1024,
    backoffMinMs: 10,
    backoffMaxMs: 20,
    ...extra,
  });
  stops.push(() => client.stop());
  client.start();
  return { records, downs };
}

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

describe('StreamClient', () => {
  it('reads an https stream with the CA and basic credentials, and names the certificate problem without the CA', async () => {
    const url = await serve((req, _body, res) => {
      if (req.headers.authorization !== AUTH) return void res.writeHead(401).end();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(Buffer.concat([encodeRecord('{"type":"SUBSCRIBED"}'), encodeRecord('{"type":"HEARTBEAT"}')]));
    }, true);
    const credentials = { principal: 'panel', secret: 's3cret' };
    const ok = stream(url, { request: { method: 'POST', body: '{}', credentials, ca: cert } });
    await until('both records', () => ok.records.length === 2);
    expect(ok.records).toEqual(['{"type":"SUBSCRIBED"}', '{"type":"HEARTBEAT"}']);

    let fatal: StreamError | undefined;
    stream(url, { request: { method: 'POST', body: '{}', credentials }, onFatal: (e) => void (fatal = e) });
    await until('the refusal', () => fatal !== undefined);
    expect(fatal!.message).toMatch(/^cannot trust https:\/\/127\.0\.0\.1:\d+\/api\/v1: its TLS certificate is self-signed; set caFile/);
  });

  it('reports a connection cut inside a record as broken, one closed between records as closed, and reopens each', async () => {
    const url = await serve((_req, _body, res, n) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (n === 1) return void res.write('20\n{"type":', () => res.socket?.destroy());
      if (n === 2) return void res.end(encodeRecord('{"type":"HEARTBEAT"}'));
      res.write(encodeRecord('{"type":"SUBSCRIBED"}'));
    });
    const s = stream(url);
    await until('the third stream', () => s.records.length === 2);
    expect(s.downs).toEqual([expect.stringMatching(/^stream from .*\/api\/v1 broke: /), `${url} closed the stream`]);
    expect(s.records).toEqual(['{"type":"HEARTBEAT"}', '{"type":"SUBSCRIBED"}']);
  });
});

describe('ExecutorClient on the stream client', () => {
  it('subscribes again when the agent answers an UPDATE with 403, listing the update in the new SUBSCRIBE', async () => {
    const calls: { type: string; subscribe?: { unacknowledged_updates: { status: { state: string } }[] } }[] = [];
    const url = await serve((_req, body, res) => {
      const call = JSON.parse(body);
      calls.push(call);
      if (call.type === 'UPDATE') return void res.writeHead(403).end('Executor is not subscribed');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(encodeRecord('{"type":"SUBSCRIBED","subscribed":{}}'));
    });
    const endpoint = new URL(url);
    const client = new ExecutorClient({
      env: {
        endpoint: `http://${endpoint.host}/api/v1/executor`,
        frameworkId: 'f',
        executorId: 'e',
        checkpoint: true,
        recoveryTimeoutMs: 60_000,
        subscriptionBackoffMaxMs: 20,
        shutdownGracePeriodMs: 1000,
      },
      logger: memoryLogger(),
      onEvent: () => undefined,
      onGiveUp: (why) => {
        throw new Error(`gave up: ${why}`);
      },
      updateRetryMs: 60_000,
    });
    stops.push(() => client.stop());
    client.start();
    await until('subscribed', () => client.isSubscribed);
    client.update('t-1', 'TASK_RUNNING');
    await until('a second SUBSCRIBE', () => calls.filter((c) => c.type === 'SUBSCRIBE').length === 2);
    expect(calls.map((c) => c.type)).toEqual(['SUBSCRIBE', 'UPDATE', 'SUBSCRIBE']);
    expect(calls[2].subscribe!.unacknowledged_updates.map((u) => u.status.state)).toEqual(['TASK_RUNNING']);
  });
});
