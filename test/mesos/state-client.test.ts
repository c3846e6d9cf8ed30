import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { basicAuthHeader, HttpError } from '../../src/mesos/http';
import { StateClient, type StateClientOptions } from '../../src/mesos/state-client';
import { StateFormatError } from '../../src/mesos/state-parse';

const FIXTURES = path.resolve(__dirname, '../fixtures/mesos');
const fixture = (file: string): string => readFileSync(path.join(FIXTURES, file), 'utf8');
const REAL = fixture('real-1.12.0/master-state-task-running.json');
const V022 = fixture('master-state__v0.22.0_1agent__datadog-dd-agent.json');
const V028 = fixture('master-state__v0.28.0_1agent_reserved-role__mesosphere-marathon.json');

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, self: Master) => void;
interface Master {
  url: string;
  port: number;
  /** Paths requested, in order. */
  paths: string[];
  close(): Promise<void>;
}

const open: Master[] = [];

async function master(handler: Handler): Promise<Master> {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    handler(req, res, self);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const self: Master = {
    url: `http://127.0.0.1:${port}`,
    port,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(self);
  return self;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

function json(res: http.ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body);
}

/** A free port with nothing listening on it. */
async function closedPort(): Promise<string> {
  const m = await master(() => undefined);
  await m.close();
  open.splice(open.indexOf(m), 1);
  return m.url;
}

function client(masters: string[], extra: Partial<StateClientOptions> = {}): StateClient {
  return new StateClient({ masters, timeoutMs: 2000, maxBodyBytes: 4 * 1024 * 1024, ...extra });
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    expect((err as Error).message).not.toContain('\n');
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('StateClient', () => {
  test('reads /master/state from the leader', async () => {
    const m = await master((req, res) => (req.url === '/master/state' ? json(res, REAL) : json(res, '', 404)));
    const r = await client([m.url + '/']).fetchState();
    expect(r.master).toBe(m.url);
    expect(r.leader).toBe('127.0.0.1:5050');
    expect(r.snapshot.cpus).toEqual({ total: 4, used: 0.6, offered: 0, free: 3.4 });
    expect(m.paths).toEqual(['/master/state']);
  });

  test('follows a 307 with a protocol-relative Location to the leader, and asks the leader first next time', async () => {
    const leader = await master((_req, res) => json(res, REAL));
    const follower = await master((req, res) => {
      res.writeHead(307, { Location: `//127.0.0.1:${leader.port}${req.url}` });
      res.end();
    });
    const c = client([follower.url]);
    const r = await c.fetchState();
    expect(r.master).toBe(leader.url);
    expect(r.snapshot.tasks).toEqual({ TASK_RUNNING: 1 });
    await c.fetchState();
    expect(follower.paths).toEqual(['/master/state']);
    expect(leader.paths).toEqual(['/master/state', '/master/state']);
  });

  test('follows a /master/redirect-style Location that has no path', async () => {
    const leader = await master((req, res) => (req.url === '/master/state' ? json(res, REAL) : json(res, '', 404)));
    const follower = await master((_req, res) => {
      res.writeHead(307, { Location: `//127.0.0.1:${leader.port}` });
      res.end();
    });
    expect((await client([follower.url]).fetchState()).master).toBe(leader.url);
  });

  test('keeps a proxy path prefix when following', async () => {
    const leader = await master((req, res) => (req.url === '/mesos/master/state' ? json(res, REAL) : json(res, '', 404)));
    const r = await client([`${leader.url}/mesos`]).fetchState();
    expect(r.master).toBe(`${leader.url}/mesos`);
  });

  test('gives up on a redirect loop after maxHops', async () => {
    let other = 0;
    const a = await master((req, res) => {
      res.writeHead(307, { Location: `//127.0.0.1:${other}${req.url}` });
      res.end();
    });
    const b = await master((req, res) => {
      res.writeHead(307, { Location: `//127.0.0.1:${a.port}${req.url}` });
      res.end();
    });
    other = b.port;
    const err = await failure(client([a.url], { maxHops: 3 }).fetchState());
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toMatch(/still not the leader after 3 redirects/);
    expect(a.paths.length + b.paths.length).toBe(4);
  });

  test('503 means no leader yet', async () => {
    const m = await master((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('No leader elected');
    });
    const err = await failure(client([m.url]).fetchState());
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).kind).toBe('unavailable');
    expect((err as HttpError).temporary).toBe(true);
    expect(err.message).toBe(`503 from ${m.url}/master/state ("No leader elected"): no leader elected yet or the master is recovering; retrying`);
  });

  test('401 says whether credentials are missing or wrong and names the config key; right ones pass', async () => {
    const good = { principal: 'panel', secret: 's3cret' };
    const m = await master((req, res) => {
      if (req.headers.authorization === basicAuthHeader(good)) return json(res, REAL);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mesos-master-readonly"' });
      res.end();
    });
    const missing = await failure(client([m.url]).fetchState());
    expect((missing as HttpError).kind).toBe('unauthorized');
    expect(missing.message).toBe(`401 from ${m.url}/master/state: the master requires HTTP authentication; set credentialsFile (principal and secret)`);
    const wrong = await failure(client([m.url], { credentials: { principal: 'panel', secret: 'nope' } }).fetchState());
    expect(wrong.message).toBe(`401 from ${m.url}/master/state: the master rejected the credentials; check principal and secret in credentialsFile`);
    expect(basicAuthHeader(good)).toBe(`Basic ${Buffer.from('panel:s3cret').toString('base64')}`);
    expect((await client([m.url], { credentials: good }).fetchState()).leader).toBe('127.0.0.1:5050');
  });

  test('403 is reported as a permission problem', async () => {
    const m = await master((_req, res) => json(res, '', 403));
    const err = await failure(client([m.url]).fetchState());
    expect((err as HttpError).kind).toBe('forbidden');
    expect(err.message).toMatch(/^403 from .*: the principal is not allowed this call; check the master's ACLs$/);
  });

  test('a master older than 0.25 answers 404 on /master/state: state.json is used and remembered', async () => {
    const m = await master((req, res) => (req.url === '/master/state.json' ? json(res, V022) : json(res, 'no', 404)));
    const c = client([m.url]);
    expect((await c.fetchState()).snapshot.version).toBe('0.22.0');
    expect((await c.fetchState()).snapshot.mem).toEqual({ total: 244, used: 100, offered: 0, free: 144 });
    expect(m.paths).toEqual(['/master/state', '/master/state.json', '/master/state.json']);
  });

  test('a master that has neither path is not a Mesos master', async () => {
    const m = await master((_req, res) => json(res, '', 404));
    const err = await failure(client([m.url]).fetchState());
    expect((err as HttpError).kind).toBe('not-found');
    expect(err.message).toBe(`404 from ${m.url}/master/state.json: no such endpoint; is this a Mesos master URL?`);
  });

  test('a 0.28 non-leader answering 200 with an empty view is followed to the leader it names', async () => {
    // Hand-made from the 0.28 capture: the leader's document with pid and leader pointing at the test port,
    // and the follower's own empty view (a.7).
    const leader = await master((_req, res, self) => {
      const d = JSON.parse(V028);
      d.pid = d.leader = `master@127.0.0.1:${self.port}`;
      json(res, JSON.stringify(d));
    });
    const follower = await master((_req, res, self) => {
      const d = JSON.parse(V028);
      d.pid = `master@127.0.0.1:${self.port}`;
      d.leader = `master@127.0.0.1:${leader.port}`;
      d.slaves = [];
      delete d.elected_time;
      json(res, JSON.stringify(d));
    });
    const r = await client([follower.url]).fetchState();
    expect(r.master).toBe(leader.url);
    expect(r.leader).toBe(`127.0.0.1:${leader.port}`);
    expect(r.snapshot.cpus.total).toBe(8);
  });

  test('an old master that knows no leader means no leader yet', async () => {
    const m = await master((_req, res) => {
      const d = JSON.parse(V028);
      delete d.leader;
      delete d.elected_time;
      d.slaves = [];
      json(res, JSON.stringify(d));
    });
    const err = await failure(client([m.url]).fetchState());
    expect((err as HttpError).kind).toBe('unavailable');
    expect(err.message).toBe(`${m.url}/master/state knows no leading master yet (election in progress); retrying`);
  });

  test('a master that does not answer in time is a timeout', async () => {
    const m = await master(() => undefined);
    const err = await failure(client([m.url], { timeoutMs: 150 }).fetchState());
    expect((err as HttpError).kind).toBe('timeout');
    expect(err.message).toBe(`${m.url}/master/state did not answer within 150 ms; is the master overloaded or the network down?`);
  });

  test('a master that stalls halfway through the body is a timeout too', async () => {
    const m = await master((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(REAL.slice(0, 100));
    });
    expect(((await failure(client([m.url], { timeoutMs: 150 }).fetchState())) as HttpError).kind).toBe('timeout');
  });

  test('connection refused names the URL', async () => {
    const url = await closedPort();
    const err = await failure(client([url]).fetchState());
    expect((err as HttpError).kind).toBe('unreachable');
    expect(err.message).toBe(`cannot reach ${url}/master/state: connection refused; check that the master runs there and the URL is right`);
  });

  test('several masters: whichever leads answers; the dead one is skipped', async () => {
    const dead = await closedPort();
    const leader = await master((_req, res) => json(res, REAL));
    const c = client([dead, leader.url]);
    expect((await c.fetchState()).master).toBe(leader.url);
    await leader.close();
    // Everyone down: the most telling error is reported (here both are refused connections).
    expect(((await failure(c.fetchState())) as HttpError).kind).toBe('unreachable');
  });

  test('when all fail, a 503 beats a refused connection in the report', async () => {
    const dead = await closedPort();
    const electing = await master((_req, res) => json(res, 'No leader elected', 503));
    const err = await failure(client([dead, electing.url]).fetchState());
    expect((err as HttpError).kind).toBe('unavailable');
  });

  test('a body over the cap is refused with its size in the message', async () => {
    const big = fixture('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json');
    const m = await master((_req, res) => {
      // Chunked, without Content-Length, so the cap is enforced while streaming.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < big.length; i += 65536) res.write(big.slice(i, i + 65536));
      res.end();
    });
    const err = await failure(client([m.url], { maxBodyBytes: 1_000_000 }).fetchState());
    expect((err as HttpError).kind).toBe('too-large');
    expect(err.message).toBe(`${m.url}/master/state: body over 1000000 bytes; raise the body cap if the cluster is really that large`);
    const declared = await master((_req, res) => json(res, big));
    expect(((await failure(client([declared.url], { maxBodyBytes: 1_000_000 }).fetchState())) as HttpError).kind).toBe('too-large');
    expect((await client([declared.url], { maxBodyBytes: 4_000_000 }).fetchState()).snapshot.agents.active).toBe(6);
  });

  test('an HTML error page where JSON was expected', async () => {
    const m = await master((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>');
    });
    const err = await failure(client([m.url]).fetchState());
    expect((err as HttpError).kind).toBe('not-json');
    expect(err.message).toBe(`${m.url}/master/state answered an HTML page ("502 Bad Gateway"), not JSON; is this a Mesos master URL, or is a proxy in the way?`);
  });

  test('truncated JSON', async () => {
    const m = await master((_req, res) => json(res, REAL.slice(0, 500)));
    const err = await failure(client([m.url]).fetchState());
    expect((err as HttpError).kind).toBe('not-json');
    expect(err.message).toMatch(new RegExp(`^${m.url}/master/state answered invalid JSON \\(.*\\); the body looks truncated$`));
  });

  test('a document with wrong types is a StateFormatError naming the URL and the path', async () => {
    const m = await master((_req, res) => {
      const d = JSON.parse(REAL);
      d.slaves[0].resources.cpus = '4';
      json(res, JSON.stringify(d));
    });
    const err = await failure(client([m.url]).fetchState());
    expect(err).toBeInstanceOf(StateFormatError);
    expect(err.message).toBe(`${m.url}/master/state: slaves[0].resources.cpus is a string ("4"), expected a number`);
  });

  test('remembers the master asked last for the unreachable screen', async () => {
    const url = await closedPort();
    const leader = await master((_req, res) => json(res, REAL));
    const c = client([url, leader.url]);
    expect(c.lastTried).toBe(url);
    await c.fetchState();
    expect(c.lastTried).toBe(leader.url);
    await leader.close();
    await failure(c.fetchState());
    expect(c.lastTried).toBe(url);
  });

  test('bad configuration is one line', () => {
    expect(() => client([])).toThrow('state client needs at least one master URL in masters');
    expect(() => client(['not a url'])).toThrow('"not a url" is not a valid master URL; write it like http://10.0.0.2:5050');
  });
});
