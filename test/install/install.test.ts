import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { RunCommand } from '../../src/hw/command';
import { commandWrapper, planInstall, planUninstall, renderUnit, runInstall, WRAPPER_MARK, type InstallStep, type SystemProbe } from '../../src/install';
import { defaultConfigJson } from '../../src/config';

const TEMPLATE = readFileSync(join(__dirname, '../../systemd/mesos-panel.service'), 'utf8');

function probe(state: { files?: string[]; users?: string[]; groups?: string[]; private?: string[]; texts?: Record<string, string> } = {}): SystemProbe {
  const files = new Set(['/usr/bin/node', '/opt/mesos-panel/dist/src/cli.js', ...(state.files ?? []), ...Object.keys(state.texts ?? {})]);
  return {
    exists: (p) => files.has(p),
    readText: (p) => state.texts?.[p] ?? null,
    userExists: (u) => (state.users ?? []).includes(u),
    groupExists: (g) => (state.groups ?? ['i2c', 'gpio']).includes(g),
    readableByAll: (p) => !(state.private ?? []).some((d) => p.startsWith(d)),
  };
}

const base = { nodePath: '/usr/bin/node', installDir: '/opt/mesos-panel', unitTemplate: TEMPLATE, configJson: '{"masters":["http://localhost:5050"]}\n' };
const actions = (steps: InstallStep[]) =>
  steps.map((s) => (s.kind === 'run' ? s.argv.join(' ') : `${s.kind} ${s.path}${'mode' in s ? ` 0${s.mode.toString(8)}` : ''}`));

describe('install plan', () => {
  test('a fresh Raspberry Pi OS: user, config, unit, enable --now', () => {
    expect(actions(planInstall({ ...base, probe: probe() }))).toEqual([
      'useradd --system --user-group --groups i2c,gpio --home-dir /var/lib/mesos-panel --no-create-home --shell /usr/sbin/nologin mesos-panel',
      'mkdir /etc/mesos-panel 0755',
      'write /etc/mesos-panel/config.json 0640',
      'chown root:mesos-panel /etc/mesos-panel/config.json',
      'write /etc/systemd/system/mesos-panel.service 0644',
      'write /usr/local/bin/mesos-panel 0755',
      'systemctl daemon-reload',
      'systemctl enable --now mesos-panel.service',
    ]);
  });

  test('the mesos-panel command runs the node and the code the service runs; one from npm link is kept', () => {
    const fresh = planInstall({ ...base, probe: probe() }).find((s) => s.kind === 'write' && s.path === '/usr/local/bin/mesos-panel');
    expect(fresh && fresh.kind === 'write' && fresh.content).toBe(`#!/bin/sh\n${WRAPPER_MARK}\nexec /usr/bin/node /opt/mesos-panel/dist/src/cli.js "$@"\n`);
    const linked = planInstall({ ...base, probe: probe({ files: ['/usr/local/bin/mesos-panel'] }) });
    expect(actions(linked)).toContain('keep /usr/local/bin/mesos-panel');
    const again = planInstall({ ...base, probe: probe({ texts: { '/usr/local/bin/mesos-panel': commandWrapper('/old/node', '/old/cli.js') } }) });
    expect(actions(again)).toContain('write /usr/local/bin/mesos-panel 0755');
  });

  test('plain Debian lacks the i2c and gpio groups: they are created first', () => {
    expect(actions(planInstall({ ...base, probe: probe({ groups: [] }) })).slice(0, 3)).toEqual([
      'groupadd --system i2c',
      'groupadd --system gpio',
      expect.stringMatching(/^useradd /),
    ]);
  });

  test('a reinstall keeps the config and restarts the running service', () => {
    const steps = planInstall({
      ...base,
      probe: probe({ users: ['mesos-panel'], files: ['/etc/mesos-panel/config.json', '/etc/systemd/system/mesos-panel.service'] }),
    });
    expect(actions(steps)).toEqual([
      'usermod --append --groups i2c,gpio mesos-panel',
      'mkdir /etc/mesos-panel 0755',
      'keep /etc/mesos-panel/config.json',
      'write /etc/systemd/system/mesos-panel.service 0644',
      'write /usr/local/bin/mesos-panel 0755',
      'systemctl daemon-reload',
      'systemctl enable mesos-panel.service',
      'systemctl restart mesos-panel.service',
    ]);
  });

  test('the default config is the one src/config.ts defines', () => {
    const steps = planInstall({ ...base, configJson: undefined, probe: probe() });
    const config = steps.find((s) => s.kind === 'write' && s.path.endsWith('config.json'));
    expect(config && config.kind === 'write' && config.content).toBe(defaultConfigJson());
  });

  test('the unit gets the real paths and nothing else changes', () => {
    const unit = renderUnit(TEMPLATE, { nodePath: '/usr/local/bin/node', installDir: '/usr/lib/node_modules/mesos-panel', configPath: '/etc/mesos-panel/config.json' });
    const changed = unit.split('\n').filter((line, i) => line !== TEMPLATE.split('\n')[i]);
    expect(changed).toEqual(['ExecStart=/usr/local/bin/node /usr/lib/node_modules/mesos-panel/dist/src/cli.js run --config /etc/mesos-panel/config.json']);
  });

  test('node under a home directory: ProtectHome becomes read-only, if the home is readable at all', () => {
    const nvm = '/home/pi/.nvm/versions/node/v20.11.0/bin/node';
    const unit = renderUnit(TEMPLATE, { nodePath: nvm, installDir: '/opt/mesos-panel', configPath: '/etc/mesos-panel/config.json' });
    expect(unit).toMatch(/^ProtectHome=read-only$/m);
    expect(() => planInstall({ ...base, nodePath: nvm, probe: probe({ files: [nvm], private: ['/home/pi'] }) })).toThrow(
      /^\/home\/pi\/.* is not readable by the mesos-panel user .*system-wide/,
    );
  });

  test('paths systemd would misread, and an unbuilt package, are refused in one line', () => {
    expect(() => planInstall({ ...base, installDir: '/opt/my panel', probe: probe() })).toThrow(/spaces or special characters/);
    expect(() => planInstall({ ...base, installDir: '/srv/x%i', probe: probe() })).toThrow(/special characters/);
    expect(() => planInstall({ ...base, installDir: '/srv/empty', probe: probe() })).toThrow('/srv/empty/dist/src/cli.js is missing: build first with `npm run build` (or install the published package)');
  });
});

describe('uninstall plan', () => {
  const installed = probe({ users: ['mesos-panel'], files: ['/etc/systemd/system/mesos-panel.service', '/etc/mesos-panel', '/var/lib/mesos-panel'] });

  test('keeps configuration and state unless --purge', () => {
    expect(actions(planUninstall({ purge: false, probe: installed }))).toEqual([
      'systemctl disable --now mesos-panel.service',
      'remove /etc/systemd/system/mesos-panel.service',
      'systemctl daemon-reload',
      'keep /etc/mesos-panel',
      'keep /var/lib/mesos-panel',
    ]);
  });

  test('keeps or removes only what exists: no "keep /etc/mesos-panel" where there is none', () => {
    const unitOnly = probe({ files: ['/etc/systemd/system/mesos-panel.service'] });
    expect(actions(planUninstall({ purge: false, probe: unitOnly }))).toEqual([
      'systemctl disable --now mesos-panel.service',
      'remove /etc/systemd/system/mesos-panel.service',
      'systemctl daemon-reload',
    ]);
    expect(actions(planUninstall({ purge: false, probe: probe({ files: ['/var/lib/mesos-panel'] }) }))).toEqual(['keep /var/lib/mesos-panel']);
    expect(actions(planUninstall({ purge: true, probe: probe() }))).toEqual([]);
  });

  test('removes the mesos-panel command install wrote, and only that one', () => {
    const wrapper = { '/usr/local/bin/mesos-panel': commandWrapper('/usr/bin/node', '/opt/mesos-panel/dist/src/cli.js') };
    expect(actions(planUninstall({ purge: false, probe: probe({ texts: wrapper }) }))).toEqual(['remove /usr/local/bin/mesos-panel']);
    expect(actions(planUninstall({ purge: false, probe: probe({ texts: { '/usr/local/bin/mesos-panel': '#!/bin/sh\nexec npm-global\n' } }) }))).toEqual([]);
  });

  test('--purge removes them and the user', () => {
    expect(actions(planUninstall({ purge: true, probe: installed })).slice(3)).toEqual(['remove /etc/mesos-panel', 'remove /var/lib/mesos-panel', 'userdel mesos-panel']);
  });
});

describe('running a plan', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'install-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function recordingExec(fail?: string): { exec: RunCommand; calls: string[] } {
    const calls: string[] = [];
    const exec: RunCommand = async (cmd, args) => {
      calls.push([cmd, ...args].join(' '));
      return cmd === fail ? { code: 9, stdout: '', stderr: `${cmd}: user 'mesos-panel' already exists\n` } : { code: 0, stdout: '', stderr: '' };
    };
    return { exec, calls };
  }

  test('--dry-run prints every step and changes nothing', async () => {
    const { exec, calls } = recordingExec();
    const lines: string[] = [];
    await runInstall(planInstall({ ...base, probe: probe() }), { dryRun: true, exec, out: (l) => lines.push(l), isRoot: false });
    expect(calls).toEqual([]);
    const text = lines.join('\n');
    expect(lines[0]).toBe('mesos-panel install would do 8 steps (dry run: nothing is changed):');
    expect(text).toContain('1. create the system user mesos-panel in groups i2c,gpio\n   $ useradd --system');
    expect(text).toContain('write /etc/mesos-panel/config.json (mode 0640, 38 bytes)');
    expect(text).toContain('install the unit (ExecStart=/usr/bin/node /opt/mesos-panel/dist/src/cli.js run --config /etc/mesos-panel/config.json)');
    expect(text).toContain('8. start now and at boot\n   $ systemctl enable --now mesos-panel.service');
  });

  test('one step is "1 step"; nothing to do says so, even when not root', async () => {
    const lines: string[] = [];
    const out = (l: string) => lines.push(l);
    await runInstall(planUninstall({ purge: false, probe: probe({ files: ['/etc/mesos-panel'] }) }), { dryRun: true, command: 'uninstall', out, isRoot: false });
    expect(lines).toEqual(['mesos-panel uninstall would do 1 step (dry run: nothing is changed):', '1. keep the configuration (--purge removes it)\n   keep /etc/mesos-panel']);
    lines.length = 0;
    await runInstall(planUninstall({ purge: true, probe: probe() }), { dryRun: false, command: 'uninstall', out, isRoot: false });
    expect(lines).toEqual(['mesos-panel uninstall: nothing to do, no service, configuration or π state is installed']);
  });

  test('not as root: one line, nothing done', async () => {
    const { exec, calls } = recordingExec();
    await expect(runInstall(planInstall({ ...base, probe: probe() }), { dryRun: false, exec, out: () => undefined, isRoot: false })).rejects.toThrow(
      /^install must run as root: sudo mesos-panel install \(or --dry-run to see the steps\)$/,
    );
    expect(calls).toEqual([]);
  });

  test('as root it writes the files and runs the commands in order', async () => {
    const { exec, calls } = recordingExec();
    const layout = { configDir: join(dir, 'etc/mesos-panel'), unitDir: dir, binDir: dir };
    const steps = planInstall({ ...base, layout, probe: probe() });
    await runInstall(steps, { dryRun: false, exec, out: () => undefined, isRoot: true });
    expect(calls).toEqual([
      'useradd --system --user-group --groups i2c,gpio --home-dir /var/lib/mesos-panel --no-create-home --shell /usr/sbin/nologin mesos-panel',
      `chown root:mesos-panel ${layout.configDir}/config.json`,
      'systemctl daemon-reload',
      'systemctl enable --now mesos-panel.service',
    ]);
    expect(readFileSync(join(layout.configDir, 'config.json'), 'utf8')).toBe(base.configJson);
    expect(statSync(join(layout.configDir, 'config.json')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(dir, 'mesos-panel.service'), 'utf8')).toContain(`--config ${layout.configDir}/config.json`);
    expect(statSync(join(dir, 'mesos-panel')).mode & 0o777).toBe(0o755);
  });

  test('a failing step stops the run with one line naming it', async () => {
    const { exec, calls } = recordingExec('useradd');
    const steps = planInstall({ ...base, layout: { configDir: join(dir, 'etc'), unitDir: dir }, probe: probe() });
    await expect(runInstall(steps, { dryRun: false, exec, out: () => undefined, isRoot: true })).rejects.toThrow(
      "step 1 (create the system user mesos-panel in groups i2c,gpio) failed: useradd: user 'mesos-panel' already exists",
    );
    expect(calls).toHaveLength(1);
  });
});
