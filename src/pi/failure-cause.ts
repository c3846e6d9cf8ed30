// Why a π task failed, from its TASK_* update and, when the update does not say, from the last meaningful
// line of the sandbox's stderr; and what to change when the cause is a setting. Pure: the stderr text comes in.
//
// What a real agent sends (src/slave/slave.cpp): a fetch failure is TASK_FAILED, REASON_CONTAINER_LAUNCH_FAILED,
// "Failed to launch container: Failed to fetch all URIs for container '…': exited with status 1" (the fetcher's
// own line is in stderr); an executor that could not be exec'd or died is TASK_FAILED, REASON_EXECUTOR_TERMINATED,
// "Executor terminated" (the launch helper's "Failed to execute '…': …" is in stderr); a user the agent lacks
// is TASK_LOST (or DROPPED) from SOURCE_AGENT, REASON_EXECUTOR_TERMINATED, "Failed to create executor
// directory …: No such user '…'" (no sandbox is left). Tasks lost with their agent carry REASON_AGENT_* (the
// simulator and v0 names say REASON_SLAVE_*), and reconciliation or a spent offer is the master's doing.

export type FailureKind = 'launch' | 'fetch' | 'executor' | 'kernel' | 'lost';

export interface FailureClass {
  kind: FailureKind;
  /** Whether the job is to blame (counted toward a pause); false for agents that went away and tasks we killed. */
  counts: boolean;
  /** Whether the sandbox's stderr says more than the update. */
  readSandbox: boolean;
}

export interface UpdateFacts {
  state: string;
  source?: string;
  reason?: string;
  message?: string;
}

const GONE_STATES = new Set(['TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_UNREACHABLE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);
const EXECUTOR_REASONS = new Set(['REASON_EXECUTOR_TERMINATED', 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', 'REASON_COMMAND_EXECUTOR_FAILED', 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT']);

/** The kind of a failed or lost task; null for states that are not failures (running, finished, killed). */
export function classify(u: UpdateFacts): FailureClass | null {
  const reason = u.reason ?? '';
  const fromAgent = u.source === 'SOURCE_AGENT' || u.source === 'SOURCE_SLAVE';
  if (GONE_STATES.has(u.state)) {
    // The agent could not even make the sandbox: a setting of this agent, said in the message.
    if (fromAgent && reason === 'REASON_EXECUTOR_TERMINATED') return { kind: 'launch', counts: true, readSandbox: false };
    return { kind: 'lost', counts: false, readSandbox: false };
  }
  if (u.state === 'TASK_ERROR') return { kind: 'launch', counts: true, readSandbox: false };
  if (u.state !== 'TASK_FAILED') return null;
  if (reason === 'REASON_CONTAINER_LAUNCH_FAILED') {
    return { kind: /Failed to fetch all URIs/.test(u.message ?? '') ? 'fetch' : 'launch', counts: true, readSandbox: true };
  }
  // Our executor fails a task itself only when the kernel could not compute it.
  if (u.source === 'SOURCE_EXECUTOR') return { kind: 'kernel', counts: true, readSandbox: false };
  if (EXECUTOR_REASONS.has(reason) || fromAgent) return { kind: 'executor', counts: true, readSandbox: true };
  return { kind: 'executor', counts: true, readSandbox: false };
}

/** glog's INFO and WARNING lines (`I1204 18:20:01.123456 4242 file.cpp:290] …`): what happened, not what failed. */
const GLOG_QUIET = /^[IW]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ [^\]]+\] /;

/** The last line of stderr that says what went wrong: not blank, not a glog INFO line, not a stack frame. */
export function lastMeaningfulLine(text: string): string | null {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    // Untrusted bytes from the agent: no control characters reach the log or the display.
    const line = lines[i].replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
    if (!line || GLOG_QUIET.test(line) || /^at /.test(line) || /^Node\.js v\d/.test(line) || /^\^+$/.test(line)) continue;
    // The end of a long line says what failed ("…: Permission denied"); the middle is a sandbox path.
    return line.length > 300 ? `${line.slice(0, 150)}…${line.slice(-149)}` : line;
  }
  return null;
}

export interface Settings {
  nodePath: string;
  user: string;
  /** The URL the agents fetch the executor from. */
  executorUrl: string;
}

export interface Diagnosis {
  /** Stable across agents for one cause: what a pause compares. */
  key: string;
  /** A few words for a 20x4 LCD, e.g. "no node at /usr/bin/node". */
  short: string;
  /** The line Mesos gave (stderr or the update's message). */
  detail: string;
  /** Whether `detail` is the sandbox's own line, which says more than the update's message. */
  fromSandbox: boolean;
  /** What to change, or null when the cause is not a known setting. */
  fix: string | null;
}

/** The cause of one failure, from its kind, the update's message and the last meaningful stderr line. */
export function diagnose(kind: FailureKind, message: string, stderrLine: string | null, s: Settings, agent: string): Diagnosis {
  const fromSandbox = stderrLine !== null && stderrLine !== '';
  const detail = fromSandbox ? stderrLine : message;
  const text = `${message}\n${stderrLine ?? ''}`;
  let m: RegExpMatchArray | null;
  if ((m = /No such user '([^']*)'/.exec(text))) {
    return { key: 'no-user', short: `no user ${m[1]}`, detail, fromSandbox, fix: `create the user ${m[1]} on every agent, or set pi.user to one that exists there` };
  }
  if (/Permission denied/.test(text) && (kind === 'fetch' || /executor directory|sandbox|Failed to (create|chown|open)/.test(text))) {
    return {
      key: 'sandbox-permission',
      short: 'sandbox not writable',
      detail,
      fromSandbox,
      fix: `let user ${s.user} write the agent's work_dir (--work_dir) on ${agent}, or set pi.user to the user the agent runs tasks as`,
    };
  }
  if ((m = /Failed to execute '([^']*)': (.*)/.exec(text))) {
    const missing = /No such file/.test(m[2]);
    return {
      key: missing ? 'node-missing' : 'node-not-executable',
      short: missing ? `no node at ${m[1]}` : `cannot run ${m[1]}`,
      detail,
      fromSandbox,
      fix: `install Node.js 18 or newer at ${m[1]} on ${agent}, or set pi.nodePath to where node is on the agents`,
    };
  }
  if (kind === 'fetch' || /Failed to fetch '/.test(text)) {
    const host = hostOf(s.executorUrl);
    return {
      key: 'fetch',
      short: `cannot fetch ${host}`,
      detail,
      fromSandbox,
      fix: `make ${s.executorUrl} reachable from the agents: set http.advertiseHost to an address they resolve and open port ${portOf(s.executorUrl)}`,
    };
  }
  const word = kind === 'kernel' ? 'kernel error' : kind === 'executor' ? 'executor exit' : 'launch failed';
  // Ids and paths differ per agent and task; the cause is the same when the rest is.
  const key = `${kind}:${detail.replace(/'[^']*'|"[^"]*"|\/\S+|\b[0-9a-f-]{8,}\b|\d+/g, '_')}`;
  return { key, short: `${word}: ${detail}`, detail, fromSandbox, fix: null };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function portOf(url: string): string {
  try {
    const u = new URL(url);
    return u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    return '?';
  }
}
