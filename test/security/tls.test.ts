// TLS to the master (issue 6, "Security"): an https master signed by the cluster's own CA is read once its
// certificate is given as `ca` (the config's caFile), and refused before that with one line naming the
// certificate problem and the fix. The certificate is hand-made test material (test/fixtures/tls/README.md).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { memoryLogger } from '../../src/log';
import { HttpError } from '../../src/mesos/http';
import { SchedulerClient } from '../../src/mesos/scheduler-client';
import { type ConnectionState } from '../../src/mesos/scheduler-state';
import type { SchedulerEvent } from '../../src/mesos/scheduler-events';
import { StateClient } from '../../src/mesos/state-client';

const TLS = join(__dirname, '../fixtures/tls');
const cert = readFileSync(join(TLS, 'master-cert.pem'));
const key = readFileSync(join(TLS, 'master-key.pem'));
const REAL = join(__dirname, '../fixtures/mesos/real-1.12.0');
const STATE = readFileSync(join(REAL, 'master-state-task-running.json'));
const STREAM = readFileSync(join(REAL, 'scheduler-stream.recordio'));

let server: Server;
let base: string;
let subscribes = 0;

beforeAll(async () => {
  server = createServer({ cert, key }, (req, res) => {
    if (req.method === 'GET' && req.url === '/master/state') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(STATE);
    } else if (req.method === 'POST' && req.url === '/api/v1/scheduler') {
      subscribes++;
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'tls-stream' });
      res.write(STREAM);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const state = (ca?: Buffer, url = base) => new StateClient({ masters: [url], timeoutMs: 5000, maxBodyBytes: 1 << 20, ca });

describe('https /state', () => {
  test('with the CA configured, /state is read', async () => {
    const r = await state(cert).fetchState();
    expect(r.master).toBe(base);
    expect(r.snapshot.leader).toBe('127.0.0.1:5050');
    expect(r.snapshot.tasks).toEqual({ TASK_RUNNING: 1 });
  });

  test('the CA as PEM text works too', async () => {
    await expect(state(cert.toString('utf8') as unknown as Buffer).fetchState()).resolves.toMatchObject({ master: base });
  });

  test('without it, one line names the self-signed certificate and caFile', async () => {
    const err = (await state().fetchState().catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.kind).toBe('tls');
    expect(err.temporary).toBe(false);
    expect(err.message).toBe(
      `cannot trust ${base}/master/state: its TLS certificate is self-signed; set caFile to the PEM certificate of the CA that signed the master's certificate (for a self-signed one, the certificate itself)`,
    );
  });

  test('a certificate for another name is refused naming the name, even with the CA', async () => {
    // The certificate names 127.0.0.1 and localhost; 127.0.0.2 reaches the same loopback server.
    const other = base.replace('127.0.0.1', '127.0.0.2');
    const err = (await state(cert, other).fetchState().catch((e: unknown) => e)) as HttpError;
    if (err instanceof HttpError && err.kind === 'unreachable') return; // a host without 127.0.0.2 on lo
    expect(err).toBeInstanceOf(HttpError);
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/its TLS certificate is for another host name; use the name or address the certificate names in masters$/);
  });

  test.each([
    ['another CA', readFileSync(join(TLS, 'other-ca-cert.pem'))],
    ['text that is not PEM', Buffer.from('garbage')],
  ])('%s in caFile is no better than none', async (_what, ca) => {
    const err = (await state(ca).fetchState().catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.kind).toBe('tls');
    expect(err.message).toMatch(/its TLS certificate is self-signed; set caFile/);
  });
});

describe('https scheduler subscription', () => {
  const clients: SchedulerClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
  });

  function client(ca?: Buffer) {
    const events: SchedulerEvent[] = [];
    const states: ConnectionState[] = [];
    const c = new SchedulerClient({
      masters: [base],
      framework: { user: 'pi', name: 'leibniz-pi' },
      logger: memoryLogger(),
      onEvent: (e) => void events.push(e),
      onStateChange: (s) => void states.push(s),
      backoffMinMs: 10,
      backoffMaxMs: 40,
      requestTimeoutMs: 5000,
      ca,
    });
    clients.push(c);
    c.start();
    return { c, events, states };
  }

  async function until(what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (cond()) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  test('with the CA, SUBSCRIBE streams the recorded events over TLS', async () => {
    const { c, events } = client(cert);
    await until('the recorded events', () => events.length >= 12);
    expect(c.state.phase).toBe('subscribed');
    expect(events[0].type).toBe('SUBSCRIBED');
    expect(events.filter((e) => e.type === 'UPDATE')).toHaveLength(6);
  });

  test('without it, the attempt fails with the certificate problem and the fix, and nothing is subscribed', async () => {
    const before = subscribes;
    const { states } = client();
    await until('a failed attempt', () => states.some((s) => s.lastError !== undefined));
    const last = states.find((s) => s.lastError)!.lastError!;
    expect(last).toMatch(/^cannot trust https:\/\/127\.0\.0\.1:\d+\/api\/v1\/scheduler: its TLS certificate is self-signed; set caFile/);
    expect(subscribes).toBe(before);
  });
});
