// The README's commands as a user types them, in child processes: `npx mesos-panel ...` in the clone after
// `npm ci` (whose prepare step builds dist/), and the `mesos-panel` command `install` puts on the PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandWrapper } from '../../src/install';
import { VERSION } from '../../src/version';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/src/cli.js');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-command-'));
  // npm ci builds dist/ (prepare); a checkout whose dependencies came another way builds it here, once.
  if (!fs.existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 300_000 });
}, 310_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_UPDATE_NOTIFIER: '1', npm_config_update_notifier: 'false' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the mesos-panel command', () => {
  it('is the package bin, built by npm ci itself (prepare), and starts with a shebang', () => {
    expect(pkg.bin['mesos-panel']).toBe('dist/src/cli.js');
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(fs.readFileSync(path.join(ROOT, 'src/cli.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('runs as `npx mesos-panel` in the clone, as the README says', () => {
    const version = run('npx', ['--no-install', 'mesos-panel', '--version']);
    expect(version).toMatchObject({ status: 0, stdout: `${VERSION}\n` });
    const check = run('npx', ['--no-install', 'mesos-panel', 'config', '--check', 'config.example.json']);
    expect(check).toMatchObject({ status: 0, stdout: 'config.example.json: ok\n' });
  });

  it('runs as the `mesos-panel` that install puts on the PATH', () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'mesos-panel'), commandWrapper(process.execPath, CLI), { mode: 0o755 });
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    const state = path.join(ROOT, 'test/fixtures/mesos/real-1.12.0/master-state-task-running.json');
    const r = spawnSync('mesos-panel', ['status', '--state-file', state, '--json'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).leader).toBe('127.0.0.1:5050');
  });
});
