// `mesos-panel doctor` after an install: each failure is followed by the fix for that failure, and --master
// checks a master the config does not name yet. Real HTTP against the simulated master on loopback.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../config/run-cli';
import { startSimCluster, type SimCluster } from '../../src/sim';

let dir: string;
let cluster: SimCluster;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-doctor-'));
  cluster = await startSimCluster({ agents: 2, seed: 3 });
});
afterAll(async () => {
  await cluster.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(name: string, values: object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ display: { kind: 'none' }, button: { backend: 'none' }, requestTimeoutMs: 1000, ...values }));
  return file;
}

const doctor = (...args: string[]) => runCli(args);

describe('mesos-panel doctor', () => {
  it('a credentials file others can read: the fix is chmod 600, not the masters', async () => {
    const creds = path.join(dir, 'creds.json');
    fs.writeFileSync(creds, '{"principal":"p","secret":"hunter2"}', { mode: 0o644 });
    fs.chmodSync(creds, 0o644);
    const r = await doctor('--config', config('creds-644.json', { credentialsFile: creds, masters: [cluster.url] }), 'doctor');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('FAIL master:'));
    expect(lines[at]).toBe(`FAIL master: credentials: ${creds} can be read by group or others (mode 644)`);
    expect(lines[at + 1]).toBe(`     fix: run: chmod 600 ${creds}`);
    expect(r.out).not.toMatch(/set "masters"/);
    expect(r.out + r.err).not.toContain('hunter2');
  });

  it('a URL where no master runs: the fix names the masters and --master', async () => {
    const r = await doctor('--config', config('nothing.json', { masters: ['http://127.0.0.1:9'] }), 'doctor');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL master: cannot reach http:\/\/127\.0\.0\.1:9\/master\/state.*\n {5}fix: check that the master runs there and the URL is right; set "masters" in the config .* or try one with --master URL$/m);
  });

  it('--master checks the given master instead of the config', async () => {
    const r = await doctor('--config', config('nothing2.json', { masters: ['http://127.0.0.1:9'] }), 'doctor', '--master', cluster.url);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^ok   master: ${cluster.url.replace(/[.]/g, '\\.')}.* answers; leader .*, 2 active agents$`, 'm'));
    expect(r.out.trim().split('\n').pop()).toBe('all good');
  });
});
