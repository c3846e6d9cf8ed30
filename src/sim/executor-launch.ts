// Starting an executor process as the Mesos agent does (executorEnvironment() in Mesos src/slave/slave.cpp, Mesos docs/fetcher.md): the environment is built from
// scratch (executorEnvironment() in src/slave/slave.cpp; nothing of the agent's own environment is inherited,
// see containerizer.cpp / launch.cpp), the working directory is the sandbox, and stdout/stderr go to files there.
// Compare fixtures/mesos/real-1.12.0/executor-env.json: its CAPTURE_DIR came from CommandInfo.environment, PWD
// from sh, and LC_CTYPE from Python's own locale coercion (PEP 538), not from the agent.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface CommandJson {
  value?: string;
  shell?: boolean;
  arguments?: string[];
  environment?: { variables?: { name: string; value?: string; type?: string }[] };
  uris?: unknown[];
}

export interface ExecutorLaunch {
  /** "ip:port" of the agent, without scheme or path. */
  agentEndpoint: string;
  agentId: string;
  frameworkId: string;
  executorId: string;
  sandbox: string;
  checkpoint: boolean;
  /** A stout Duration string, e.g. "5secs". */
  shutdownGracePeriod: string;
  command: CommandJson;
  /** Paths this simulated host lacks, whatever the machine running the simulation has. */
  missing?: ReadonlySet<string>;
}

// The containerizer's PATH when none is given (executorEnvironment() in Mesos src/slave/slave.cpp).
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function executorEnvironment(l: ExecutorLaunch): Record<string, string> {
  const env: Record<string, string> = {
    LIBPROCESS_IP: l.agentEndpoint.split(':')[0],
    LIBPROCESS_PORT: '0',
    MESOS_AGENT_ENDPOINT: l.agentEndpoint,
    MESOS_CHECKPOINT: l.checkpoint ? '1' : '0',
    MESOS_DIRECTORY: l.sandbox,
    MESOS_EXECUTOR_ID: l.executorId,
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: l.shutdownGracePeriod,
    MESOS_FRAMEWORK_ID: l.frameworkId,
    MESOS_HTTP_COMMAND_EXECUTOR: '0',
    MESOS_SANDBOX: l.sandbox,
    MESOS_SLAVE_ID: l.agentId,
    MESOS_SLAVE_PID: `slave(1)@${l.agentEndpoint}`,
    PATH: DEFAULT_PATH,
  };
  if (l.checkpoint) {
    // Agent --recovery_timeout and --executor_reregistration_timeout defaults.
    env.MESOS_RECOVERY_TIMEOUT = '15mins';
    env.MESOS_SUBSCRIPTION_BACKOFF_MAX = '2secs';
  }
  // CommandInfo.environment comes last and wins.
  for (const v of l.command.environment?.variables ?? []) if (typeof v?.name === 'string') env[v.name] = v.value ?? '';
  return env;
}

/** Spawns the executor in its own process group, so that killing it also kills what `sh -c` started. */
export function spawnExecutor(l: ExecutorLaunch): ChildProcess {
  const value = l.command.value ?? '';
  const shell = l.command.shell ?? true;
  const out = openSync(join(l.sandbox, 'stdout'), 'a');
  const err = openSync(join(l.sandbox, 'stderr'), 'a');
  try {
    const options = { cwd: l.sandbox, env: executorEnvironment(l), stdio: ['ignore', out, err] as ['ignore', number, number], detached: true };
    if (shell) return spawn('/bin/sh', ['-c', value], options);
    // shell:false: `arguments` is the whole argv including argv[0]; since 1.4 a bare name is looked up in the sandbox.
    const argv = l.command.arguments ?? [value];
    const file = !value.includes('/') && existsSync(join(l.sandbox, value)) ? join(l.sandbox, value) : value;
    const failed = execError(file, l.missing);
    // The launch helper (mesos-containerizer launch) is what execs the command; when execvp fails it writes
    // `Failed to execute '<file>': <strerror>` to the sandbox's stderr and exits 1 (the end of
    // MesosContainerizerLaunch::execute in src/slave/containerizer/mesos/launch.cpp). A real process does the same here.
    if (failed) return spawn('/bin/sh', ['-c', 'printf "%s\\n" "$1" >&2; exit 1', 'sh', `Failed to execute '${value}': ${failed}`], options);
    return spawn(file, argv.slice(1), { ...options, argv0: argv[0] ?? value });
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

/** strerror() of an execvp of `file` that would fail, or null. Only absolute paths are checked; PATH lookup is left to spawn. */
function execError(file: string, missing: ReadonlySet<string> | undefined): string | null {
  if (!file.startsWith('/')) return null;
  if (missing?.has(file)) return 'No such file or directory';
  try {
    accessSync(file, constants.X_OK);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'Permission denied' : 'No such file or directory';
  }
}

/** The raw waitpid() status word Mesos puts in FAILURE.status: exit code << 8, or the signal number. */
export function waitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return SIGNALS[signal] ?? 9;
  return ((code ?? 0) & 0xff) << 8;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

/** stout's Duration text for ExecutorInfo.shutdown_grace_period ({nanoseconds}), default 5secs. */
export function graceDuration(info: unknown): string {
  const ns = Number((info as { nanoseconds?: unknown } | undefined)?.nanoseconds);
  if (!Number.isFinite(ns) || ns < 0) return '5secs';
  return `${ns / 1e9}secs`;
}
