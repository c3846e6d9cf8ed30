// `mesos-panel install` and `uninstall`: a plan of exact steps, computed from what the system already
// has, then either printed (--dry-run) or carried out as root. Planning only reads; running only does
// what the plan says, so the dry run is the truth about the real run.
import * as fs from 'fs';
import * as path from 'path';
import { defaultConfigJson } from './config';
import { lastLine, runCommand, type RunCommand } from './hw/command';
import { errorMessage } from './lib/error-line';

export const SERVICE = 'mesos-panel.service';

export type InstallStep =
  | { kind: 'run'; why: string; argv: string[] }
  | { kind: 'mkdir'; why: string; path: string; mode: number }
  | { kind: 'write'; why: string; path: string; content: string; mode: number }
  | { kind: 'remove'; why: string; path: string }
  | { kind: 'keep'; why: string; path: string };

export class InstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallError';
  }
}

/** What planning needs to know about the machine; the default reads the real one. */
export interface SystemProbe {
  exists(p: string): boolean;
  userExists(name: string): boolean;
  groupExists(name: string): boolean;
  /** Whether any user may read the file (every directory above it searchable by others). */
  readableByAll(p: string): boolean;
  /** The file's text, or null when it is missing, unreadable or not a regular file (a symlink counts as not). */
  readText(p: string): string | null;
}

export interface Layout {
  user: string;
  groups: readonly string[];
  configDir: string;
  unitDir: string;
  stateDir: string;
  /** Where the `mesos-panel` command goes, on root's and every user's PATH. */
  binDir: string;
}

export const DEFAULT_LAYOUT: Layout = {
  user: 'mesos-panel',
  groups: ['i2c', 'gpio'],
  configDir: '/etc/mesos-panel',
  unitDir: '/etc/systemd/system',
  stateDir: '/var/lib/mesos-panel',
  binDir: '/usr/local/bin',
};

/** The second line of the command wrapper install writes; a file without it is someone else's and is kept. */
export const WRAPPER_MARK = '# written by mesos-panel install; uninstall removes it';

/** The `mesos-panel` command: the node and the code the service runs, so the two never disagree. */
export function commandWrapper(nodePath: string, cli: string): string {
  return `#!/bin/sh\n${WRAPPER_MARK}\nexec ${nodePath} ${cli} "$@"\n`;
}

const ours = (probe: SystemProbe, p: string): boolean => probe.readText(p)?.split('\n')[1] === WRAPPER_MARK;

export interface InstallOptions {
  /** The node binary the service will run, normally process.execPath. */
  nodePath: string;
  /** The package root holding dist/src/cli.js. */
  installDir: string;
  /** systemd/mesos-panel.service as shipped. */
  unitTemplate: string;
  /** Written only when no config exists yet. */
  configJson?: string;
  layout?: Partial<Layout>;
  probe?: SystemProbe;
}

// Paths go into ExecStart= unquoted, where spaces split arguments and % starts a specifier.
const SAFE_PATH = /^\/[A-Za-z0-9._+@/-]*$/;

/** The unit with the real node and install paths; ProtectHome relaxed when either lives under a home. */
export function renderUnit(template: string, opts: { nodePath: string; installDir: string; configPath: string }): string {
  const underHome = [opts.nodePath, opts.installDir].some((p) => /^\/(home|root)(\/|$)/.test(p));
  return template
    .replace(/^ExecStart=.*$/m, `ExecStart=${opts.nodePath} ${opts.installDir}/dist/src/cli.js run --config ${opts.configPath}`)
    .replace(/^ProtectHome=yes$/m, underHome ? 'ProtectHome=read-only' : 'ProtectHome=yes');
}

export function planInstall(opts: InstallOptions): InstallStep[] {
  const l = { ...DEFAULT_LAYOUT, ...opts.layout };
  const probe = opts.probe ?? systemProbe();
  const cli = path.join(opts.installDir, 'dist/src/cli.js');
  for (const [what, p] of [['node', opts.nodePath], ['the install directory', opts.installDir]] as const) {
    if (!SAFE_PATH.test(p)) throw new InstallError(`${what} path "${p}" has spaces or special characters systemd would misread: install into a plain path such as /opt/mesos-panel`);
  }
  if (!probe.exists(cli)) throw new InstallError(`${cli} is missing: build first with \`npm run build\` (or install the published package)`);
  for (const p of [opts.nodePath, cli]) {
    if (!probe.readableByAll(p)) {
      throw new InstallError(`${p} is not readable by the ${l.user} user (a private home directory?): install Node and mesos-panel system-wide, e.g. \`sudo npm install -g mesos-panel\` with Debian's nodejs`);
    }
  }

  const configPath = path.join(l.configDir, 'config.json');
  const unitPath = path.join(l.unitDir, SERVICE);
  const reinstall = probe.exists(unitPath);
  const steps: InstallStep[] = [];
  for (const g of l.groups) {
    if (!probe.groupExists(g)) steps.push({ kind: 'run', why: `create the missing system group ${g}`, argv: ['groupadd', '--system', g] });
  }
  const groups = l.groups.join(',');
  if (probe.userExists(l.user)) {
    steps.push({ kind: 'run', why: `make sure ${l.user} is in ${groups}`, argv: ['usermod', '--append', '--groups', groups, l.user] });
  } else {
    steps.push({
      kind: 'run',
      why: `create the system user ${l.user} in groups ${groups}`,
      argv: ['useradd', '--system', '--user-group', '--groups', groups, '--home-dir', l.stateDir, '--no-create-home', '--shell', '/usr/sbin/nologin', l.user],
    });
  }
  steps.push({ kind: 'mkdir', why: 'create the configuration directory', path: l.configDir, mode: 0o755 });
  if (probe.exists(configPath)) {
    steps.push({ kind: 'keep', why: 'keep the existing configuration', path: configPath });
  } else {
    steps.push({ kind: 'write', why: 'install the default configuration', path: configPath, content: opts.configJson ?? defaultConfigJson(), mode: 0o640 });
    // Readable by the service, writable by root only: it may name a credentials file.
    steps.push({ kind: 'run', why: `let ${l.user} read the configuration`, argv: ['chown', `root:${l.user}`, configPath] });
  }
  const unit = renderUnit(opts.unitTemplate, { nodePath: opts.nodePath, installDir: opts.installDir, configPath });
  steps.push({ kind: 'write', why: `install the unit (${unit.match(/^ExecStart=.*$/m)?.[0]})`, path: unitPath, content: unit, mode: 0o644 });
  // The README and every message say `mesos-panel ...`; npm link or npm install -g may have put one there already.
  const command = path.join(l.binDir, 'mesos-panel');
  if (!probe.exists(command) || ours(probe, command)) {
    steps.push({ kind: 'write', why: 'put the mesos-panel command on the PATH', path: command, content: commandWrapper(opts.nodePath, cli), mode: 0o755 });
  } else {
    steps.push({ kind: 'keep', why: 'keep the mesos-panel command already installed (npm link or npm install -g)', path: command });
  }
  steps.push({ kind: 'run', why: 'make systemd read the unit', argv: ['systemctl', 'daemon-reload'] });
  if (reinstall) {
    steps.push({ kind: 'run', why: 'start at boot', argv: ['systemctl', 'enable', SERVICE] });
    // enable --now would leave an already running old version running.
    steps.push({ kind: 'run', why: 'restart with the new version', argv: ['systemctl', 'restart', SERVICE] });
  } else {
    steps.push({ kind: 'run', why: 'start now and at boot', argv: ['systemctl', 'enable', '--now', SERVICE] });
  }
  return steps;
}

export function planUninstall(opts: { purge: boolean; layout?: Partial<Layout>; probe?: SystemProbe }): InstallStep[] {
  const l = { ...DEFAULT_LAYOUT, ...opts.layout };
  const probe = opts.probe ?? systemProbe();
  const unitPath = path.join(l.unitDir, SERVICE);
  const steps: InstallStep[] = [];
  if (probe.exists(unitPath)) {
    steps.push({ kind: 'run', why: 'stop the service and remove it from boot', argv: ['systemctl', 'disable', '--now', SERVICE] });
    steps.push({ kind: 'remove', why: 'remove the unit', path: unitPath });
    steps.push({ kind: 'run', why: 'make systemd forget the unit', argv: ['systemctl', 'daemon-reload'] });
  }
  const command = path.join(l.binDir, 'mesos-panel');
  if (ours(probe, command)) steps.push({ kind: 'remove', why: 'remove the mesos-panel command', path: command });
  // Only what is there can be kept or removed: "keep /etc/mesos-panel" on a machine without it would be untrue.
  for (const [what, p] of [['the configuration', l.configDir], ['the π job state', l.stateDir]] as const) {
    if (!probe.exists(p)) continue;
    steps.push(opts.purge ? { kind: 'remove', why: `remove ${what}`, path: p } : { kind: 'keep', why: `keep ${what} (--purge removes it)`, path: p });
  }
  if (!opts.purge) return steps;
  if (probe.userExists(l.user)) steps.push({ kind: 'run', why: `remove the user ${l.user}`, argv: ['userdel', l.user] });
  return steps;
}

/** One step as the dry run shows it: what and why, then the exact action. */
export function describeStep(step: InstallStep): string {
  switch (step.kind) {
    case 'run':
      return `${step.why}\n   $ ${step.argv.join(' ')}`;
    case 'mkdir':
      return `${step.why}\n   mkdir -m ${mode(step.mode)} ${step.path}`;
    case 'write':
      return `${step.why}\n   write ${step.path} (mode ${mode(step.mode)}, ${Buffer.byteLength(step.content)} bytes)`;
    case 'remove':
      return `${step.why}\n   rm -r ${step.path}`;
    case 'keep':
      return `${step.why}\n   keep ${step.path}`;
  }
}

export interface RunInstallOptions {
  dryRun: boolean;
  /** The command name for messages: "install" or "uninstall". */
  command?: string;
  exec?: RunCommand;
  out?: (line: string) => void;
  isRoot?: boolean;
}

export async function runInstall(steps: InstallStep[], opts: RunInstallOptions): Promise<void> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const command = opts.command ?? 'install';
  // Only uninstall can find nothing to do, on a machine where nothing of mesos-panel is left.
  if (steps.length === 0) {
    out(`mesos-panel ${command}: nothing to do, no service, configuration or π state is installed`);
    return;
  }
  if (opts.dryRun) {
    out(`mesos-panel ${command} would do ${steps.length} step${steps.length === 1 ? '' : 's'} (dry run: nothing is changed):`);
    steps.forEach((s, i) => out(`${i + 1}. ${describeStep(s)}`));
    return;
  }
  if (!(opts.isRoot ?? process.getuid?.() === 0)) {
    throw new InstallError(`${command} must run as root: sudo mesos-panel ${command} (or --dry-run to see the steps)`);
  }
  const exec = opts.exec ?? runCommand;
  for (const [i, step] of steps.entries()) {
    out(`${i + 1}. ${step.why}`);
    await perform(step, exec, `step ${i + 1} (${step.why})`);
  }
  out(`mesos-panel ${command}: done`);
}

async function perform(step: InstallStep, exec: RunCommand, label: string): Promise<void> {
  try {
    switch (step.kind) {
      case 'run': {
        const res = await exec(step.argv[0], step.argv.slice(1), { timeoutMs: 60_000 });
        if (res.code !== 0) throw new Error(lastLine(res.stderr) || `exit code ${res.code}`);
        return;
      }
      case 'mkdir':
        fs.mkdirSync(step.path, { recursive: true, mode: step.mode });
        return;
      case 'write':
        fs.writeFileSync(step.path, step.content, { mode: step.mode });
        fs.chmodSync(step.path, step.mode);
        return;
      case 'remove':
        fs.rmSync(step.path, { recursive: true, force: true });
        return;
      case 'keep':
        return;
    }
  } catch (err) {
    throw new InstallError(`${label} failed: ${errorMessage(err).split('\n')[0]}`);
  }
}

function mode(m: number): string {
  return `0${m.toString(8)}`;
}

/** The real machine: /etc/passwd and /etc/group, and file modes for readability. */
export function systemProbe(root = '/'): SystemProbe {
  const names = (file: string) => {
    try {
      return fs.readFileSync(path.join(root, file), 'utf8').split('\n').map((l) => l.split(':')[0]);
    } catch {
      return [];
    }
  };
  return {
    exists: (p) => fs.existsSync(path.join(root, p)),
    userExists: (name) => names('etc/passwd').includes(name),
    readText: (p) => {
      try {
        const full = path.join(root, p);
        return fs.lstatSync(full).isFile() ? fs.readFileSync(full, 'utf8') : null;
      } catch {
        return null;
      }
    },
    groupExists: (name) => names('etc/group').includes(name),
    readableByAll: (p) => {
      try {
        const full = fs.realpathSync(path.join(root, p));
        if ((fs.statSync(full).mode & 0o004) === 0) return false;
        for (let dir = path.dirname(full); dir !== path.dirname(dir); dir = path.dirname(dir)) {
          if ((fs.statSync(dir).mode & 0o001) === 0) return false;
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}
