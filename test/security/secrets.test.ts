// Secrets never leave the credentials file except in the Authorization header (issue 6, "Security"): the
// /state client, the scheduler client, `status`, `render` and the π service run against a loopback master
// that demands basic auth (401 first, then 200), with a distinctive secret; every log line, error message,
// state change, command output and written file is gathered and searched for the secret and its base64.
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { startPi } from '../../src/app/pi-host';
import { ConfigError, resolveConfig } from '../../src/config';
import { readCredentials } from '../../src/master-access';
import { memoryLogger } from '../../src/log';
import { encodeRecord } from '../../src/mesos/recordio';
import { SchedulerClient } from '../../src/mesos/scheduler-client';
import { type ConnectionState } from '../../src/mesos/scheduler-state';
import { StateClient } from '../../src/mesos/state-client';

const PRINCIPAL = 'panel';
const SECRET = 's3cr3t-XYZ';
const STATE = fs.readFileSync(path.join(__dirname, '../fixtures/mesos/real-1.12.0/master-state-task-running.json'));

/** The secret as text and in every base64 alignment (alone, after "principal:", inside a longer value). */
function forms(secret: string): string[] {
  const out = [secret, Buffer.from(secret).toString('base64'), Buffer.from(`${PRINCIPAL}:${secret}`).toString('base64')];
  for (let k = 0; k < 3; k++) {
    const b = Buffer.from('x'.repeat(k) + secret).toString('base64');
    // Drop the characters that mix with the bytes before and after; the core is in any base64 holding it.
    out.push(b.slice(k === 0 ? 0 : 4, -4));
  }
  return [...out, ...out.map((s) => s.replace(/\+/g, '-').replace(/\//g, '_'))];
}
const FORMS = forms(SECRET);

/** Everything the test saw, searched at the end. */
const seen: { what: string; text: string }[] = [];
const keep = (what: string, text: unknown) => void seen.push({ what, text: typeof text === 'string' ? text : JSON.stringify(text) ?? String(text) });

let dir: string;
let credFile: string;
let server: Server;
let base: string;
const asked = new Map<string, number>();
const authorizations: string[] = [];
/** Whether the first request on each path gets a 401 whatever it carries. */
let challengeFirst = true;

/** 401 to the first request on each path, then the real answer to a correct Authorization; 401 to a wrong one. */
function master(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const p = (req.url ?? '').split('?')[0];
  const n = (asked.get(p) ?? 0) + 1;
  asked.set(p, n);
  const auth = req.headers.authorization ?? '';
  authorizations.push(auth);
  const ok = auth === `Basic ${Buffer.from(`${PRINCIPAL}:${SECRET}`).toString('base64')}`;
  if ((challengeFirst && n === 1) || !ok) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mesos"', 'Content-Type': 'text/plain' }).end('Unauthorized');
    return;
  }
  if (p === '/master/state') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(STATE);
  } else if (p === '/api/v1/scheduler' && req.method === 'POST') {
    // Every call after SUBSCRIBE gets 202; SUBSCRIBE gets a stream that stays open.
    if (req.headers['mesos-stream-id']) return void res.writeHead(202).end();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': 'secret-test' });
    res.write(encodeRecord(JSON.stringify({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw-secret' }, heartbeat_interval_seconds: 15 } })));
  } else {
    res.writeHead(404).end();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
  credFile = path.join(dir, 'credentials.json');
  fs.writeFileSync(credFile, JSON.stringify({ principal: PRINCIPAL, secret: SECRET }), { mode: 0o600 });
  server = createServer(master);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => asked.clear());

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await run(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

function until(what: string, cond: () => boolean): Promise<void> {
  return (async () => {
    for (let i = 0; i < 2000; i++) {
      if (cond()) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`gave up waiting for ${what}`);
  })();
}

describe('with a secret in the credentials file', () => {
  test('the state client: the 401 error and the answer after it', async () => {
    const client = new StateClient({ masters: [base], timeoutMs: 5000, maxBodyBytes: 1 << 20, credentials: readCredentials(credFile) });
    const err = await client.fetchState().catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    keep('state client 401', (err as Error).message);
    keep('state client 401 stack', (err as Error).stack);
    expect((err as Error).message).toMatch(/^401 from .*: the master rejected the credentials; check principal and secret in credentialsFile$/);
    const ok = await client.fetchState();
    keep('state client result', ok);
    // Wrong credentials are rejected without being repeated back.
    const wrong = new StateClient({ masters: [base], timeoutMs: 5000, maxBodyBytes: 1 << 20, credentials: { principal: PRINCIPAL, secret: `${SECRET}-old` } });
    keep('state client wrong', ((await wrong.fetchState().catch((e: Error) => e)) as Error).message);
  });

  test('the scheduler client: logs and states through a 401 and a subscription', async () => {
    const logger = memoryLogger();
    const states: ConnectionState[] = [];
    const c = new SchedulerClient({
      masters: [base],
      framework: { user: 'pi', name: 'leibniz-pi', principal: PRINCIPAL },
      credentials: readCredentials(credFile),
      logger,
      onEvent: (e) => keep('scheduler event', e),
      onStateChange: (s) => void states.push(s),
      backoffMinMs: 10,
      backoffMaxMs: 20,
    });
    c.start();
    try {
      await until('subscribed', () => c.state.phase === 'subscribed');
    } finally {
      await c.stop();
    }
    expect(states.some((s) => /401/.test(s.lastError ?? ''))).toBe(true);
    keep('scheduler logs', logger.lines.join('\n'));
    keep('scheduler states', states);
  });

  test('`status` and `render` from the master, through main()', async () => {
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ credentialsFile: credFile }));
    const first = await capture(() => main(['node', 'mesos-panel', '--config', config, 'status', '--master', base]));
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/401/);
    const second = await capture(() => main(['node', 'mesos-panel', '--config', config, 'status', '--master', base, '--json']));
    expect(second.code).toBe(0);
    asked.clear();
    const png = path.join(dir, 'unreachable.png');
    const render = await capture(() => main(['node', 'mesos-panel', '--config', config, 'render', '--master', base, '--screen', 'unreachable', '--png', png]));
    expect(render.code).toBe(0);
    for (const [what, r] of Object.entries({ first, second, render })) keep(`cli ${what}`, `${r.out}\n${r.err}`);
    keep('render png', fs.readFileSync(png).toString('latin1'));
  });

  test('a credentials file that is refused does not quote its contents', () => {
    const bad = path.join(dir, 'bad-credentials');
    fs.writeFileSync(bad, `{"principal": "${PRINCIPAL}", "secret": ${JSON.stringify(SECRET)}, }`, { mode: 0o600 });
    const open = path.join(dir, 'open-credentials');
    fs.writeFileSync(open, `${PRINCIPAL} ${SECRET}`, { mode: 0o644 });
    fs.chmodSync(open, 0o644);
    const three = path.join(dir, 'three-words');
    fs.writeFileSync(three, `${PRINCIPAL} ${SECRET} extra`, { mode: 0o600 });
    for (const f of [bad, open, three]) {
      let err: unknown;
      try {
        readCredentials(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      keep(`credentials error ${path.basename(f)}`, (err as Error).message);
    }
  });

  test('the π service: logs and every file it writes in stateDir', async () => {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir);
    const config = resolveConfig([
      {
        source: 'test',
        values: { masters: [base], credentialsFile: credFile, stateDir, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' }, pi: { terms: 1e6 } },
      },
    ]);
    const log = memoryLogger();
    // The service's client waits 15 s after a 401 (a fatal answer), longer than a test should; the 401
    // path of the same client is covered above.
    challengeFirst = false;
    const bytes = Buffer.from('// executor\n');
    const host = await startPi({ config, log, bundle: { bytes, sha256: 'a'.repeat(64) } });
    try {
      host.start();
      await until('subscribed', () => log.lines.some((l) => /subscribed to/.test(l)));
      keep('pi view', host.view(Date.now()));
    } finally {
      await host.stop();
    }
    keep('pi logs', log.lines.join('\n'));
    const files = fs.readdirSync(stateDir);
    expect(files.length).toBeGreaterThan(0); // the job was saved, so the ledger is among what is searched
    for (const f of files) keep(`stateDir/${f}`, fs.readFileSync(path.join(stateDir, f)).toString('latin1'));
  });

  test('none of it holds the secret or its base64, while the master did receive it', () => {
    expect(authorizations).toContain(`Basic ${Buffer.from(`${PRINCIPAL}:${SECRET}`).toString('base64')}`);
    expect(seen.length).toBeGreaterThan(10);
    const leaks = seen.flatMap(({ what, text }) => FORMS.filter((f) => text.includes(f)).map((f) => `${what} holds ${f}`));
    expect(leaks).toEqual([]);
  });
});
