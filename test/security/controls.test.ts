// The controls from an attacker's side, on the daemon's real server on loopback: a press is taken only by POST,
// from the panel's own origin, signed with the secret, fresh, once, and not in a flood. Every refusal has its
// status and one line, and nothing is pressed, started or reset. A secret file others can read stops the start.
import * as fs from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import type { PiController } from '../../src/app/daemon';
import { resolveConfig, type Config } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';
import { macOf } from '../../src/web/control-auth';
import { RUNNING_PI } from '../panel/fixture-model';
import { CliRig } from '../cli-process';
import { RecordingDisplay } from '../recording-display';

const SECRET = 'Zk3q-9vN2pX7wL4tR8mY';

/** A π job whose state the test sets, recording what the daemon asks of it. */
class PiOnBench implements PiController {
  readonly calls: string[] = [];
  state: 'idle' | 'running' = 'idle';
  view() {
    return { ...RUNNING_PI, state: this.state };
  }
  start(): void {
    this.calls.push('start');
    this.state = 'running';
  }
  reset(): void {
    this.calls.push('reset');
    this.state = 'idle';
  }
  async stop(): Promise<void> {}
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-controls-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function secretFile(mode: number, text = SECRET): string {
  const file = path.join(dir, `secret-${mode.toString(8)}-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, `${text}\n`, { mode });
  fs.chmodSync(file, mode);
  return file;
}

function configWith(web: Partial<Config['web']>): Config {
  return resolveConfig([{ source: 'test', values: { masters: ['http://127.0.0.1:9'], stateDir: dir, http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' }, web: { maxClients: 32, ...web } } }]);
}

async function panelWith(config: Config, pi = new PiOnBench()): Promise<{ host: PanelHost; pi: PiOnBench }> {
  const host = await startPanel({ config, log: memoryLogger(), display: new RecordingDisplay(geometryOf('128x64')), button: new NoneBackend(), pi: async () => pi });
  return { host, pi };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over node:http, with exactly the headers given (no Origin unless named). */
function send(port: number, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: target, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A body signed as the page signs it: with the panel's clock unless `t` is given. */
function signed(action: string, secret = SECRET, t = Date.now(), nonce = randomBytes(16).toString('hex')): string {
  return JSON.stringify({ t, nonce, mac: macOf(secret, action, t, nonce) });
}

const SAME_ORIGIN = (port: number) => ({ 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' });
/** The bucket refills a press every 500 ms; tests that are not about floods wait for one. */
const token = () => new Promise((r) => setTimeout(r, 520));

describe('with the controls on', () => {
  let host: PanelHost;
  let pi: PiOnBench;
  let port: number;
  const press = (action: string, body: string, headers: Record<string, string> = SAME_ORIGIN(port)) => send(port, 'POST', `/control/${action}`, headers, body);

  beforeAll(async () => {
    ({ host, pi } = await panelWith(configWith({ controls: true, secretFile: secretFile(0o600) })));
    port = host.http.port;
  });
  afterAll(() => host.stop());

  test('the page learns that they are on, and the panel\'s clock, by GET /control', async () => {
    const r = await send(port, 'GET', '/control');
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body).toEqual({ controls: true, now: expect.any(Number), actions: ['next', 'start', 'reset'] });
    expect(Math.abs(body.now - Date.now())).toBeLessThan(5000);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  test('GET, HEAD, PUT and DELETE press nothing: 405, Allow: POST', async () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
      const r = await send(port, method, '/control/next', SAME_ORIGIN(port), method === 'GET' || method === 'HEAD' ? '' : signed('next'));
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('POST');
    }
    // A GET with the signature in its query is another route, and not found.
    const t = Date.now();
    expect((await send(port, 'GET', `/control/next?t=${t}&nonce=${'a'.repeat(16)}&mac=${macOf(SECRET, 'next', t, 'a'.repeat(16))}`)).status).toBe(404);
    expect(host.daemon.presses).toBe(0);
  });

  test('without the secret 401, with a wrong one 403, and nothing is pressed', async () => {
    await token();
    const none = await press('next', '{}');
    expect(none.status).toBe(401);
    expect(none.body).toBe('no secret: sign the press with the secret from web.secretFile\n');
    expect(none.headers['www-authenticate']).toBe('MesosPanel-HMAC');
    await token();
    const wrong = await press('start', signed('start', 'not-the-secret-at-all'));
    expect(wrong.status).toBe(403);
    expect(wrong.body).toBe('wrong secret: the press is not signed with the secret in web.secretFile\n');
    await token();
    // Signed for another action: a captured "next" cannot be sent as "start".
    expect((await press('start', signed('next'))).status).toBe(403);
    expect(host.daemon.presses).toBe(0);
    expect(pi.calls).toEqual([]);
  });

  test('from another origin 403, whatever it carries, and nothing is pressed', async () => {
    const evil = { 'Content-Type': 'application/json', Origin: 'http://evil.example' };
    const r = await press('start', signed('start'), evil);
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/^cross-origin request refused \(Origin http:\/\/evil\.example is not this panel \(127\.0\.0\.1:\d+\)\)/);
    expect((await press('start', signed('start'), { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    // A form post (what a page on another site can send without asking) is not JSON.
    expect((await press('start', signed('start'), { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect(host.daemon.presses).toBe(0);
    expect(pi.calls).toEqual([]);
  });

  test('a signed press works once; sent again it is a replay (409), and a stale one is 403', async () => {
    await token();
    const body = signed('next');
    const first = await press('next', body);
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ done: 'next', text: 'next screen' });
    expect(host.daemon.presses).toBe(1);
    await token();
    const again = await press('next', body);
    expect(again.status).toBe(409);
    expect(again.body).toBe('replayed press: this nonce was used already; every press needs a new one\n');
    await token();
    const stale = await press('next', signed('next', SECRET, Date.now() - 120_000));
    expect(stale.status).toBe(403);
    expect(stale.body).toMatch(/^stale press: its time is -12\d s off the panel's clock/);
    expect(host.daemon.presses).toBe(1);
  });

  test('a body past 1 KiB is 413, sent whole or chunked, and the server goes on', async () => {
    await token();
    expect((await press('next', JSON.stringify({ pad: 'x'.repeat(2000) }))).status).toBe(413);
    await token();
    const chunked = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let text = '';
      socket.on('data', (c) => (text += c.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
      const chunk = 'y'.repeat(800);
      socket.write(`POST /control/next HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      for (let i = 0; i < 4; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      socket.end('0\r\n\r\n');
    });
    expect(chunked).toMatch(/^HTTP\/1\.1 413 /);
    expect((await send(port, 'GET', '/control')).status).toBe(200);
    expect(host.daemon.presses).toBe(1);
  });

  test('start needs an idle job, and a reset needs its confirmation, as on the button', async () => {
    await token();
    expect(JSON.parse((await press('start', signed('start'))).body).done).toBe('start');
    expect(pi.calls).toEqual(['start']);
    await token();
    const twice = await press('start', signed('start'));
    expect(twice.status).toBe(409);
    expect(twice.body).toBe('the π job is running; reset it first\n');
    await token();
    const first = JSON.parse((await press('reset', signed('reset'))).body);
    expect(first).toEqual({ done: 'confirm', text: 'press reset again within 5 s to confirm' });
    expect(pi.calls).toEqual(['start']);
    expect(host.daemon.model().ui.banner).toBe('hold again to reset');
    await token();
    expect(JSON.parse((await press('reset', signed('reset'))).body).done).toBe('reset');
    expect(pi.calls).toEqual(['start', 'reset']);
  });

  test('a flood of signed presses: a few pass, the rest are 429 at once, and none is done later', async () => {
    await new Promise((r) => setTimeout(r, 2200)); // a full bucket
    const before = host.daemon.presses;
    const answers = await Promise.all(Array.from({ length: 40 }, () => press('next', signed('next'))));
    const passed = answers.filter((a) => a.status === 200).length;
    const limited = answers.filter((a) => a.status === 429);
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(passed).toBeLessThanOrEqual(5);
    expect(limited.length).toBe(40 - passed);
    expect(limited[0].body).toBe('too many presses; wait a moment\n');
    expect(Number(limited[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(host.daemon.presses).toBe(before + passed);
  });
});

test('with the controls off (the default) the page is told so, and a signed press is refused', async () => {
  const { host, pi } = await panelWith(configWith({}));
  try {
    const port = host.http.port;
    expect(JSON.parse((await send(port, 'GET', '/control')).body)).toEqual({ controls: false });
    const r = await send(port, 'POST', '/control/start', SAME_ORIGIN(port), signed('start'));
    expect(r.status).toBe(403);
    expect(r.body).toBe('the controls are off; turn them on with web.controls and web.secretFile\n');
    expect(host.daemon.presses).toBe(0);
    expect(pi.calls).toEqual([]);
  } finally {
    await host.stop();
  }
});

describe('the secret file at start', () => {
  test('controls on without a secret file is a config error naming the key', () => {
    expect(() => configWith({ controls: true })).toThrow(/^config: web\.secretFile is null \(default\); allowed: a file holding the secret when web\.controls is true/);
    expect(() => configWith({ controls: 'yes' as unknown as boolean })).toThrow('config: web.controls is "yes" (test); allowed: a boolean');
  });

  test('a file group or others can read, a short secret or a missing file stops the panel before it listens', async () => {
    const open = secretFile(0o644);
    await expect(panelWith(configWith({ controls: true, secretFile: open }))).rejects.toThrow(`web.secretFile: ${open} can be read by group or others (mode 644); run: chmod 600 ${open}`);
    const short = secretFile(0o600, 'hunter2');
    await expect(panelWith(configWith({ controls: true, secretFile: short }))).rejects.toThrow(/^web\.secretFile: .* must hold one secret of at least 16 characters without spaces; make one with: head -c 24/);
    await expect(panelWith(configWith({ controls: true, secretFile: path.join(dir, 'none') }))).rejects.toThrow(/does not exist or cannot be read; fix web\.secretFile$/);
  });

  test('`run` with a secret file others can read exits 2 with one line naming the fix', async () => {
    const rig = new CliRig();
    try {
      const open = secretFile(0o640);
      const config = path.join(dir, 'run.json');
      fs.writeFileSync(
        config,
        JSON.stringify({ masters: ['http://127.0.0.1:9'], stateDir: dir, button: { backend: 'none' }, http: { bind: '127.0.0.1', port: 0 }, web: { controls: true, secretFile: open } }),
      );
      const r = await rig.run(['--config', config, 'run', '--display', 'none']);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toEqual([`mesos-panel: web.secretFile: ${open} can be read by group or others (mode 640); run: chmod 600 ${open}`]);
    } finally {
      await rig.close();
    }
  }, 60_000);
});
