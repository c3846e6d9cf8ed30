import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { encodeRecord, RecordIODecoder } from '../../src/mesos/recordio';
import * as calls from '../../src/mesos/scheduler-calls';
import { SchedulerClient, type SchedulerClientOptions } from '../../src/mesos/scheduler-client';
import { SchedulerError, type ConnectionState } from '../../src/mesos/scheduler-state';
import { decodeSchedulerEvent, type SchedulerEvent } from '../../src/mesos/scheduler-events';

const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const STREAM = readFileSync(join(REAL, 'scheduler-stream.recordio'));
const RECORDED = new RecordIODecoder().push(STREAM).map((r) => decodeSchedulerEvent(r));
const FW = '8764bf41-b9a6-46da-a458-0fd7e65f2641-0000';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: any;
}

type Handler = (seen: Seen, res: ServerResponse, n: number) => void;

interface Fake {
  url: string;
  port: number;
  seen: Seen[];
  close(): Promise<void>;
}

const servers: Server[] = [];

async function fakeMaster(handler: Handler): Promise<Fake> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: text ? JSON.parse(text) : null };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Answers SUBSCRIBE like the recorded master: 200, Mesos-Stream-Id, then the recorded records in odd-sized chunks. */
function stream(res: ServerResponse, streamId: string, body: Buffer = STREAM): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': streamId });
  for (let pos = 0; pos < body.length; pos += 97) res.write(body.subarray(pos, pos + 97));
}

function subscribedRecord(frameworkId: string, heartbeat?: number): Buffer {
  const subscribed: Record<string, unknown> = { framework_id: { value: frameworkId } };
  if (heartbeat !== undefined) subscribed.heartbeat_interval_seconds = heartbeat;
  return encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed }));
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const clients: SchedulerClient[] = [];

function client(masters: string[], extra: Partial<SchedulerClientOptions> = {}) {
  const events: SchedulerEvent[] = [];
  const states: ConnectionState[] = [];
  const logger = memoryLogger();
  const c = new SchedulerClient({
    masters,
    framework: { user: 'pi', name: 'leibniz-pi', failoverTimeoutSeconds: 604800, checkpoint: true },
    logger,
    onEvent: (e) => void events.push(e),
    onStateChange: (s) => void states.push(s),
    backoffMinMs: 10,
    backoffMaxMs: 40,
    requestTimeoutMs: 2000,
    ...extra,
  });
  clients.push(c);
  c.start();
  return { c, events, states, logger };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

describe('SchedulerClient against a raw HTTP master replaying the real 1.12.0 stream', () => {
  it('subscribes with exactly application/json, hands on every event, and sends calls with the stream id', async () => {
    const master = await fakeMaster((s, res) => {
      if (s.body.type === 'SUBSCRIBE') return stream(res, '1f00ffa2-2666-49d7-8106-bb8e316259eb');
      res.writeHead(202).end();
    });
    const { c, events } = client([master.url]);
    await until('all recorded events', () => events.length === RECORDED.length);
    expect(events).toEqual(RECORDED);

    const sub = master.seen[0];
    expect(sub.method).toBe('POST');
    expect(sub.url).toBe('/api/v1/scheduler');
    // The header as it went over the wire, not as a library reports it.
    const contentTypes = sub.rawHeaders.filter((_, i) => i % 2 === 1 && sub.rawHeaders[i - 1].toLowerCase() === 'content-type');
    expect(contentTypes).toEqual(['application/json']);
    expect(sub.headers.accept).toBe('application/json');
    expect(sub.headers['mesos-stream-id']).toBeUndefined();
    expect(sub.body).toEqual(calls.subscribe({ user: 'pi', name: 'leibniz-pi', failoverTimeoutSeconds: 604800, checkpoint: true }));

    expect(c.state).toMatchObject({ phase: 'subscribed', frameworkId: FW, master: `${master.url}/api/v1/scheduler` });
    await c.send(calls.acknowledge(FW, 'agent', 'task', 'BoTVf65jTg6G5rVve76G4g=='));
    const ack = master.seen[1];
    expect(ack.headers['mesos-stream-id']).toBe('1f00ffa2-2666-49d7-8106-bb8e316259eb');
    expect(ack.headers['content-type']).toBe('application/json');
    expect(ack.body.type).toBe('ACKNOWLEDGE');
  });

  it('follows a protocol-relative 307 to the leader and sends later calls there', async () => {
    const leader = await fakeMaster((s, res) => {
      if (s.body.type === 'SUBSCRIBE') return stream(res, 'leader-stream', subscribedRecord(FW));
      res.writeHead(202).end();
    });
    const follower = await fakeMaster((_s, res) => {
      res.writeHead(307, { Location: `//127.0.0.1:${leader.port}/api/v1/scheduler` }).end();
    });
    const { c, logger } = client([follower.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    expect(c.state.master).toBe(`${leader.url}/api/v1/scheduler`);
    expect(leader.seen[0].body).toEqual(follower.seen[0].body);
    await c.send(calls.revive(FW));
    expect(leader.seen[1].headers['mesos-stream-id']).toBe('leader-stream');
    expect(follower.seen).toHaveLength(1);
    expect(logger.lines).toContain(`following the leader to ${leader.url}/api/v1/scheduler`);
  });

  it('retries a 503 and reports it as the reason meanwhile', async () => {
    const master = await fakeMaster((_s, res, n) => {
      if (n === 1) return void res.writeHead(503).end('Master has not finished recovery');
      stream(res, 's', subscribedRecord(FW));
    });
    const { c, states } = client([master.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    const waiting = states.find((s) => s.phase === 'waiting');
    expect(waiting?.lastError).toBe(`SUBSCRIBE to ${master.url}/api/v1/scheduler answered 503: Master has not finished recovery; retrying`);
    expect(c.state.lastError).toBeUndefined();
  });

  it('logs a run of the same failure once, then how many more came and over how long', async () => {
    let t = 0;
    const master = await fakeMaster((_s, res, n) => {
      t += 10_000;
      if (n <= 12) return void res.writeHead(503).end('Master has not finished recovery');
      stream(res, 's', subscribedRecord(FW));
    });
    const { c, logger } = client([master.url], { now: () => t });
    await until('subscribed', () => c.state.phase === 'subscribed');
    const said = `warn: subscription: SUBSCRIBE to ${master.url}/api/v1/scheduler answered 503: Master has not finished recovery; retrying`;
    // Failures at 10 s … 120 s: the first, a count at 60 s into the run, and the rest when SUBSCRIBED ends it.
    expect(logger.lines.filter((l) => l.startsWith('warn:'))).toEqual([said, `${said} (failed 6 more times in 60 s)`, `${said} (failed 5 more times in 60 s)`]);
  });

  it('tries the next master when the first is down', async () => {
    const down = await fakeMaster(() => undefined);
    await down.close();
    const up = await fakeMaster((_s, res) => stream(res, 's', subscribedRecord(FW)));
    const { c } = client([down.url, up.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    expect(c.state.master).toBe(`${up.url}/api/v1/scheduler`);
  });

  it('reconnects when nothing arrives for 5 heartbeats, resubscribing with the framework id in both places', async () => {
    const master = await fakeMaster((_s, res, n) => stream(res, `stream-${n}`, subscribedRecord(FW, 0.02)));
    const { c, states } = client([master.url]);
    await until('a second SUBSCRIBE', () => master.seen.length >= 2);
    expect(states.some((s) => s.lastError === `nothing from ${master.url}/api/v1/scheduler for 0.1 s (5 heartbeats); reconnecting`)).toBe(true);
    expect(master.seen[1].body).toEqual({
      type: 'SUBSCRIBE',
      framework_id: { value: FW },
      subscribe: {
        framework_info: { user: 'pi', name: 'leibniz-pi', id: { value: FW }, failover_timeout: 604800, checkpoint: true },
      },
    });
    expect(c.state.failures).toBeLessThanOrEqual(1);
  });

  it('keeps a new subscription when a call made on the old one gets a late 403', async () => {
    let holdCall: ServerResponse | undefined;
    let first: ServerResponse | undefined;
    const master = await fakeMaster((s, res, n) => {
      if (s.body.type !== 'SUBSCRIBE') return void (holdCall ? res.writeHead(202).end() : (holdCall = res));
      if (n === 1) first = res;
      stream(res, `stream-${n}`, subscribedRecord(FW));
    });
    const { c } = client([master.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    const late = c.send(calls.revive(FW)).catch((e: unknown) => e);
    await until('the call to arrive', () => holdCall !== undefined);
    first!.end();
    await until('the second subscription', () => master.seen.filter((s) => s.body.type === 'SUBSCRIBE').length === 2 && c.state.phase === 'subscribed');
    holdCall!.writeHead(403).end('Framework is not subscribed');
    const err = await late;
    expect(err).toBeInstanceOf(SchedulerError);
    expect((err as SchedulerError).kind).toBe('subscription-lost');
    // A wrongly torn-down stream would make this call fail as not subscribed.
    await c.send(calls.suppress(FW));
    expect(c.state.phase).toBe('subscribed');
    expect(master.seen.filter((s) => s.body.type === 'SUBSCRIBE')).toHaveLength(2);
    expect(master.seen[master.seen.length - 1].headers['mesos-stream-id']).toBe('stream-3');
    expect(c.state.phase).toBe('subscribed');
  });

  it('drops its subscription on a 403 to a call on the current stream, and resubscribes', async () => {
    const master = await fakeMaster((s, res, n) => {
      if (s.body.type === 'SUBSCRIBE') return stream(res, `stream-${n}`, subscribedRecord(FW));
      res.writeHead(403).end('Framework is not subscribed');
    });
    const { c } = client([master.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    await expect(c.send(calls.revive(FW))).rejects.toMatchObject({ kind: 'subscription-lost', status: 403 });
    await until('a second SUBSCRIBE', () => master.seen.filter((s) => s.body.type === 'SUBSCRIBE').length === 2);
  });

  it('reports a fatal answer with the master\'s words and keeps retrying slowly', async () => {
    const master = await fakeMaster((_s, res) => void res.writeHead(400).end("Failed to validate scheduler::Call: 'framework_id' differs"));
    const { c } = client([master.url]);
    await until('an error', () => c.state.lastError !== undefined);
    expect(c.state.lastError).toBe(`SUBSCRIBE to ${master.url}/api/v1/scheduler answered 400: Failed to validate scheduler::Call: 'framework_id' differs`);
    await expect(c.send(calls.revive(FW))).rejects.toMatchObject({ kind: 'not-subscribed' });
    await until('a retry', () => master.seen.length >= 2);
  });

  it('names missing credentials on a 401 and sends basic auth when given', async () => {
    const master = await fakeMaster((s, res) => {
      if (s.headers.authorization !== `Basic ${Buffer.from('pi:s3cret').toString('base64')}`) return void res.writeHead(401).end();
      stream(res, 's', subscribedRecord(FW));
    });
    const anonymous = client([master.url]);
    await until('an error', () => anonymous.c.state.lastError !== undefined);
    expect(anonymous.c.state.lastError).toMatch(/requires HTTP authentication; set credentials file/);
    const authed = client([master.url], { credentials: { principal: 'pi', secret: 's3cret' } });
    await until('subscribed', () => authed.c.state.phase === 'subscribed');
  });

  it('starts fresh after ERROR "Framework has been removed"', async () => {
    const master = await fakeMaster((s, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'x' });
        return void res.end(encodeRecord('{"type":"ERROR","error":{"message":"Framework has been removed"}}'));
      }
      stream(res, 'y', subscribedRecord(s.body.framework_id ? 'old' : 'new-id'));
    });
    const { c, events } = client([master.url], { framework: { user: 'pi', name: 'leibniz-pi', frameworkId: 'old' } });
    await until('subscribed', () => c.state.phase === 'subscribed');
    expect(master.seen[0].body.framework_id).toEqual({ value: 'old' });
    expect(master.seen[1].body.framework_id).toBeUndefined();
    expect(master.seen[1].body.subscribe.framework_info.id).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['ERROR', 'SUBSCRIBED']);
    expect(c.state.frameworkId).toBe('new-id');
  });

  it('skips a malformed event with a warning, ignores an unknown type, and goes on', async () => {
    const body = Buffer.concat([
      subscribedRecord(FW),
      encodeRecord('{"type":"UPDATE","update":{"status":{"task_id":{"value":1}}}}'),
      encodeRecord('{"type":"FUTURE_THING","future_thing":{}}'),
      encodeRecord('{"type":"HEARTBEAT"}'),
    ]);
    const master = await fakeMaster((_s, res) => stream(res, 's', body));
    const { events, logger } = client([master.url]);
    await until('the heartbeat', () => events.length === 2);
    expect(events.map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT']);
    expect(logger.lines).toContain('warn: malformed event: update.status.task_id.value must be a string, got number 1');
    expect(logger.lines).toContain('debug: ignoring event of unknown type FUTURE_THING');
  });

  it('reconnects on broken framing, and stop() closes the stream at once', async () => {
    let closed = 0;
    const master = await fakeMaster((_s, res, n) => {
      res.on('close', () => closed++);
      stream(res, 's', n === 1 ? Buffer.from('12x\n') : subscribedRecord(FW));
    });
    const { c, states } = client([master.url]);
    await until('subscribed', () => c.state.phase === 'subscribed');
    expect(states.some((s) => /lost its framing: bad record length line/.test(s.lastError ?? ''))).toBe(true);
    await c.stop();
    await until('the server to see the close', () => closed === 2);
    expect(c.state.phase).toBe('stopped');
  });
});
