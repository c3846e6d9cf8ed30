// The CLI as a user meets it: exit codes 0/1/2 and one-line errors, run in-process through main().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { main } from '../src/cli';

const FIXTURES = path.resolve(__dirname, 'fixtures/mesos');

const dirs: string[] = [];
/** A temp folder removed after the file's tests. */
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'mesos-panel', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('mesos-panel CLI', () => {
  it('status --json prints exactly the status shape', async () => {
    const r = await run('status', '--state-file', path.join(FIXTURES, 'real-1.12.0/master-state-task-running.json'), '--json');
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.out);
    expect(Object.keys(obj)).toEqual(['leader', 'version', 'agents', 'cpus', 'mem', 'disk', 'gpus', 'frameworks', 'tasks']);
    expect(obj.leader).toBe('127.0.0.1:5050');
    expect(obj.tasks).toEqual({ TASK_RUNNING: 1 });
  });

  it('bad usage exits 2 with one line', async () => {
    const r = await run('status');
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('mesos-panel: give exactly one of --master URL or --state-file FILE');
    expect((await run('frobnicate')).code).toBe(2);
    const bad = await run('render', '--state-file', 'x', '--screen', 'nope', '--png', '/tmp/x.png');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--screen "nope" is not a screen; use one of overview/);
  });

  it('a bad config exits 2 naming the key', async () => {
    const dir = tempDir();
    const cfg = path.join(dir, 'c.json');
    fs.writeFileSync(cfg, JSON.stringify({ pollIntervalMs: -1 }));
    const r = await run('--config', cfg, 'status', '--state-file', path.join(FIXTURES, 'real-1.12.0/master-state-task-running.json'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/config: pollIntervalMs is -1 .*allowed: at least 500/);
  });

  it('a master that does not answer exits 1 with one line and no stack', async () => {
    const r = await run('status', '--master', 'http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('render writes a PNG of the screen at the asked scale', async () => {
    const out = path.join(tempDir(), 'o.png');
    const r = await run('render', '--state-file', path.join(FIXTURES, 'master-state__v1.1.0_2agents_custom-executor-uri__huawei-cloudfederation-common.json'), '--screen', 'overview', '--size', '128x32', '--png', out, '--scale', '2');
    expect(r.code).toBe(0);
    const png = PNG.sync.read(fs.readFileSync(out));
    expect([png.width, png.height]).toEqual([256, 64]);
  });
});

describe('https masters through config.caFile', () => {
  const TLS = path.resolve(__dirname, 'fixtures/tls');
  let server: import('node:https').Server;
  let url: string;
  beforeAll(async () => {
    const https = await import('node:https');
    const state = fs.readFileSync(path.join(FIXTURES, 'real-1.12.0/master-state-task-running.json'));
    server = https.createServer({ cert: fs.readFileSync(path.join(TLS, 'master-cert.pem')), key: fs.readFileSync(path.join(TLS, 'master-key.pem')) }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(state);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function config(values: object): string {
    const file = path.join(tempDir(), 'c.json');
    fs.writeFileSync(file, JSON.stringify(values));
    return file;
  }

  it('reads /state from an https master signed by the configured CA', async () => {
    const r = await run('--config', config({ caFile: path.join(TLS, 'master-cert.pem') }), 'status', '--master', url, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).leader).toBe('127.0.0.1:5050');
  });

  it('without the CA, one line names the certificate problem and caFile', async () => {
    const r = await run('--config', config({}), 'status', '--master', url);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/caFile/);
  });

  it('a caFile that is not PEM is a config error', async () => {
    const r = await run('--config', config({ caFile: path.join(FIXTURES, 'SOURCES.md') }), 'status', '--master', url);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no PEM certificate/);
  });
});

describe('run flags', () => {
  it('are a config layer, checked with the rest and named as the command line', async () => {
    const r = await run('run', '--display', 'ssd1351', '--poll-interval', 'soon');
    expect(r.code).toBe(2);
    const lines = r.err.trim().replace(/^mesos-panel: /, '').split('\n');
    expect(lines).toContain('config: display.kind is "ssd1351" (command line); allowed: one of "ssd1306", "ssd1309", "sh1106", "sh1107", "hd44780", "terminal", "png", "none"');
    expect(lines).toContain('config: pollIntervalMs is "soon" (command line); allowed: a number');
  });
});
