// The v1 executor protocol (Mesos docs/executor-http-api.md): environment, events, and a client that subscribes to
// the agent, sends status updates, and keeps every update until the agent ACKNOWLEDGES it and every task
// until one of its updates is acknowledged, resending both in SUBSCRIBE after a reconnect (c.4).
// Runs on the agents inside the bundled executor, so it uses Node built-ins only.

import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import { Deadline, type SendOptions, discardBody, errorDetail, networkError, send } from './http';
import { DEFAULT_MAX_RECORD_BYTES } from './recordio';
import { EventError, type TaskStatus, arr, base64, bad, defined, id, obj, optStr, parseRecord, str } from './scheduler-events';
import type { Id } from './scheduler-calls';
import { StreamClient, type StreamSession } from './stream-client';
import { errorLine } from '../lib/error-line';

export interface ExecutorEnv {
  /** http(s)://ip:port/api/v1/executor */
  endpoint: string;
  frameworkId: string;
  executorId: string;
  checkpoint: boolean;
  recoveryTimeoutMs: number;
  subscriptionBackoffMaxMs: number;
  shutdownGracePeriodMs: number;
  authToken?: string;
}

export class ExecutorEnvError extends Error {
  override readonly name = 'ExecutorEnvError';
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, secs: 1e3, mins: 60e3, hrs: 3600e3, days: 86400e3, weeks: 604800e3 };

/** A stout Duration such as "2secs", "15mins" or "1.5hrs", in ms. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ns|us|ms|secs|mins|hrs|days|weeks)$/.exec(text.trim());
  return m ? Number(m[1]) * DURATION_UNITS[m[2]] : null;
}

/** Reads the agent-given environment (c.1) and reports every missing or bad variable in one line. */
export function readExecutorEnv(get: (name: string) => string | undefined): ExecutorEnv {
  const missing: string[] = [];
  const wrong: string[] = [];
  const need = (name: string) => {
    const v = get(name);
    if (v === undefined || v === '') missing.push(name);
    return v ?? '';
  };
  const duration = (name: string, fallback: string, required: boolean) => {
    const text = required ? need(name) : get(name) || fallback;
    const ms = parseDuration(text || fallback);
    if (ms === null) wrong.push(`${name}="${text.slice(0, 20)}" is not a duration like 2secs or 15mins`);
    return ms ?? 0;
  };
  const agent = need('MESOS_AGENT_ENDPOINT');
  const frameworkId = need('MESOS_FRAMEWORK_ID');
  const executorId = need('MESOS_EXECUTOR_ID');
  const checkpointText = need('MESOS_CHECKPOINT');
  if (checkpointText && checkpointText !== '0' && checkpointText !== '1') wrong.push(`MESOS_CHECKPOINT="${checkpointText.slice(0, 20)}" must be 0 or 1`);
  const checkpoint = checkpointText === '1';
  // The agent sets these two only when checkpointing is on.
  const recoveryTimeoutMs = duration('MESOS_RECOVERY_TIMEOUT', '15mins', checkpoint);
  const subscriptionBackoffMaxMs = duration('MESOS_SUBSCRIPTION_BACKOFF_MAX', '2secs', checkpoint);
  const shutdownGracePeriodMs = duration('MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD', '5secs', false);
  if (agent && !/^[^/\s]+:\d+$/.test(agent)) wrong.push(`MESOS_AGENT_ENDPOINT="${agent.slice(0, 40)}" must be ip:port`);
  if (missing.length > 0 || wrong.length > 0) {
    const parts = [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...wrong];
    throw new ExecutorEnvError(`executor environment: ${parts.join('; ')}; this program must be started by a Mesos agent`);
  }
  const env: ExecutorEnv = {
    endpoint: `${get('MESOS_SSL_ENABLED') === 'true' || get('LIBPROCESS_SSL_ENABLED') === '1' ? 'https' : 'http'}://${agent}/api/v1/executor`,
    frameworkId,
    executorId,
    checkpoint,
    recoveryTimeoutMs,
    subscriptionBackoffMaxMs,
    shutdownGracePeriodMs,
  };
  const token = get('MESOS_EXECUTOR_AUTHENTICATION_TOKEN');
  if (token) env.authToken = token;
  return env;
}

/** A TaskInfo as received: the fields we use, and the object itself to hand back in SUBSCRIBE. */
export interface LaunchedTask {
  task_id: Id;
  name?: string;
  data?: string;
  raw: Record<string, unknown>;
}

export type ExecutorEvent =
  | { type: 'SUBSCRIBED'; subscribed: { agent_id?: Id; agent_hostname?: string } }
  | { type: 'LAUNCH'; launch: { task: LaunchedTask } }
  | { type: 'LAUNCH_GROUP'; launch_group: { tasks: LaunchedTask[] } }
  | { type: 'KILL'; kill: { task_id: Id } }
  | { type: 'ACKNOWLEDGED'; acknowledged: { task_id: Id; uuid: string } }
  | { type: 'MESSAGE'; message: { data: string } }
  | { type: 'ERROR'; error: { message: string } }
  | { type: 'SHUTDOWN' }
  | { type: 'HEARTBEAT' };

export function decodeExecutorEvent(record: Uint8Array | string): ExecutorEvent | { type: 'UNKNOWN'; name: string } {
  const root = obj(parseRecord(record, 'executor'), 'event');
  const type = str(root, 'type', 'event');
  const at = (key: string) => obj(root[key], key);
  switch (type) {
    case 'SUBSCRIBED': {
      const agent = root.subscribed && obj(root.subscribed, 'subscribed').agent_info;
      const info = agent === undefined ? undefined : obj(agent, 'subscribed.agent_info');
      return {
        type,
        subscribed: defined({
          agent_id: info?.id === undefined ? undefined : id(info, 'id', 'subscribed.agent_info'),
          agent_hostname: info && optStr(info, 'hostname', 'subscribed.agent_info'),
        }),
      };
    }
    case 'LAUNCH':
      return { type, launch: { task: taskInfo(at('launch').task, 'launch.task') } };
    case 'LAUNCH_GROUP':
      return { type, launch_group: { tasks: arr(obj(at('launch_group').task_group, 'launch_group.task_group'), 'tasks', 'launch_group.task_group', taskInfo) } };
    case 'KILL':
      return { type, kill: { task_id: id(at('kill'), 'task_id', 'kill') } };
    case 'ACKNOWLEDGED': {
      const a = at('acknowledged');
      return { type, acknowledged: { task_id: id(a, 'task_id', 'acknowledged'), uuid: base64(a, 'uuid', 'acknowledged') } };
    }
    case 'MESSAGE':
      return { type, message: { data: base64(at('message'), 'data', 'message') } };
    case 'ERROR':
      return { type, error: { message: str(at('error'), 'message', 'error') } };
    case 'SHUTDOWN':
    case 'HEARTBEAT':
      return { type };
    default:
      return { type: 'UNKNOWN', name: type.slice(0, 64) };
  }
}

function taskInfo(v: unknown, path: string): LaunchedTask {
  const raw = obj(v, path);
  const data = raw.data === undefined || raw.data === null ? undefined : base64(raw, 'data', path);
  if (typeof raw.name !== 'string' && raw.name !== undefined) throw bad(`${path}.name`, 'must be a string', raw.name);
  return defined({ task_id: id(raw, 'task_id', path), name: raw.name as string | undefined, data, raw });
}

/** 16 random bytes with RFC-4122 version 4 bits, base64: the agent refuses anything else (c.2). */
export function newUuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64');
}

export interface ExecutorClientOptions {
  env: ExecutorEnv;
  logger: Logger;
  onEvent: (event: ExecutorEvent) => void;
  /** The subscription is gone for good (checkpointing off, or the recovery timeout passed). */
  onGiveUp: (reason: string) => void;
  requestTimeoutMs?: number;
  /** Wait before resending an UPDATE whose POST failed while subscribed. Default 1 s. */
  updateRetryMs?: number;
  random?: () => number;
}

const JSON_TYPE = 'application/json';

export class ExecutorClient {
  /** Sent updates by uuid, until ACKNOWLEDGED. */
  private readonly updates = new Map<string, TaskStatus>();
  /** Launched tasks by id, until one of their updates is ACKNOWLEDGED. */
  private readonly tasks = new Map<string, LaunchedTask>();
  private readonly stream: StreamClient;
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  /** The stream whose SUBSCRIBED has arrived, while it lasts. */
  private session: StreamSession | undefined;
  private brokenSince: number | undefined;
  /** Updates listed in the SUBSCRIBE in flight; the agent takes those over, the others are POSTed. */
  private inSubscribe = new Set<string>();

  constructor(private readonly opts: ExecutorClientOptions) {
    const max = Math.max(1, opts.env.subscriptionBackoffMaxMs);
    // The agent is the one endpoint: an executor never looks for a leader. The agent sends no heartbeats on
    // this stream, so there is no watchdog; a dead agent ends the connection, and the recovery rules below
    // decide what follows.
    this.stream = new StreamClient({
      name: 'executor subscription',
      endpoints: () => [opts.env.endpoint],
      request: () => this.subscribeCall(),
      logger: opts.logger,
      onRecord: (record, session) => this.handle(record, session),
      onDown: (reason) => this.lost(reason),
      requestTimeoutMs: opts.requestTimeoutMs,
      silenceMs: Infinity,
      maxRecordBytes: DEFAULT_MAX_RECORD_BYTES,
      backoffMinMs: Math.min(250, max),
      backoffMaxMs: max,
      random: opts.random,
    });
  }

  get isSubscribed(): boolean {
    return this.session !== undefined;
  }

  get pending(): { updates: number; tasks: number } {
    return { updates: this.updates.size, tasks: this.tasks.size };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stream.start();
  }

  stop(): void {
    this.running = false;
    this.session = undefined;
    void this.stream.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Records a launched task before it is handled, so a reconnect reports it to the agent. */
  trackTask(task: LaunchedTask): void {
    this.tasks.set(task.task_id.value, task);
  }

  /** Sends a status update, kept until acknowledged. Returns the status as sent. */
  update(taskId: string, state: string, extra: { data?: Uint8Array; message?: string } = {}): TaskStatus {
    const status: TaskStatus = {
      task_id: { value: taskId },
      state,
      source: 'SOURCE_EXECUTOR',
      uuid: newUuid(),
      executor_id: { value: this.opts.env.executorId },
      timestamp: Date.now() / 1000,
    };
    if (extra.data) status.data = Buffer.from(extra.data).toString('base64');
    if (extra.message) status.message = extra.message.slice(0, 1000);
    this.updates.set(status.uuid!, status);
    void this.post(status);
    return status;
  }

  private async post(status: TaskStatus): Promise<void> {
    const session = this.session;
    if (!session) return; // goes out with the next SUBSCRIBE
    const deadline = new Deadline(this.opts.requestTimeoutMs ?? 20_000);
    let why: string;
    try {
      const res = await send(this.opts.env.endpoint, this.request('UPDATE', { update: { status } }), deadline);
      if (res.status === 202) return void (await discardBody(res));
      why = `${res.status}${await detail(res)}`;
      if (res.status === 403) session.end(`UPDATE answered ${why}`);
    } catch (err) {
      why = networkError(err, this.opts.env.endpoint, deadline).message;
    } finally {
      deadline.clear();
    }
    this.opts.logger.warn(`UPDATE ${status.state} for ${status.task_id.value} failed (${why}); retrying`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.running && this.updates.has(status.uuid!)) void this.post(status);
    }, this.opts.updateRetryMs ?? 1000);
    this.timers.add(timer);
  }

  private request(type: string, body: Record<string, unknown>): SendOptions {
    const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE };
    if (this.opts.env.authToken) headers.Authorization = `Bearer ${this.opts.env.authToken}`;
    const call = { type, executor_id: { value: this.opts.env.executorId }, framework_id: { value: this.opts.env.frameworkId }, ...body };
    return { method: 'POST', headers, body: JSON.stringify(call) };
  }

  /** SUBSCRIBE with everything not yet acknowledged (c.4), built afresh for every attempt. */
  private subscribeCall(): SendOptions {
    this.inSubscribe = new Set(this.updates.keys());
    const subscribe = {
      unacknowledged_tasks: [...this.tasks.values()].map((t) => t.raw),
      unacknowledged_updates: [...this.updates.values()].map((status) => ({ status })),
    };
    return this.request('SUBSCRIBE', { subscribe });
  }

  /**
   * The subscription ended, or an attempt failed. Without checkpointing the agent will not take the executor
   * back, and with it only until the recovery timeout (Mesos docs/executor-http-api.md, "Disconnections").
   */
  private lost(why: string): void {
    this.session = undefined;
    this.brokenSince ??= Date.now();
    const reason = `subscription to ${this.opts.env.endpoint} lost: ${why}`;
    if (!this.opts.env.checkpoint) return this.giveUp(`${reason}; checkpointing is off, so exiting`);
    if (Date.now() - this.brokenSince > this.opts.env.recoveryTimeoutMs) {
      return this.giveUp(`${reason}; not back within the recovery timeout of ${this.opts.env.recoveryTimeoutMs / 1000} s`);
    }
  }

  private giveUp(reason: string): void {
    this.stop();
    this.opts.onGiveUp(reason);
  }

  private handle(record: Buffer, session: StreamSession): void {
    let event: ReturnType<typeof decodeExecutorEvent>;
    try {
      event = decodeExecutorEvent(record);
    } catch (err) {
      if (!(err instanceof EventError)) throw err;
      this.opts.logger.warn(err.message);
      // A LAUNCH we cannot use still names its tasks: fail them, or agent and scheduler wait for them for ever.
      for (const taskId of launchedTaskIds(record)) this.update(taskId, 'TASK_FAILED', { message: `executor refused the task: ${err.message}` });
      return;
    }
    switch (event.type) {
      case 'UNKNOWN':
        return this.opts.logger.debug(`ignoring executor event of unknown type ${event.name}`);
      case 'SUBSCRIBED':
        // The agent now holds every update we listed in SUBSCRIBE; it forwards them itself.
        this.session = session;
        this.brokenSince = undefined;
        session.healthy();
        for (const [uuid, status] of this.updates) if (!this.inSubscribe.has(uuid)) void this.post(status);
        break;
      case 'LAUNCH':
        this.trackTask(event.launch.task);
        break;
      case 'ACKNOWLEDGED': {
        const { uuid, task_id } = event.acknowledged;
        this.updates.delete(uuid);
        this.tasks.delete(task_id.value);
        break;
      }
      default:
    }
    try {
      this.opts.onEvent(event);
    } catch (err) {
      this.opts.logger.error(`handling ${event.type} failed: ${errorLine(err)}`);
    }
  }
}

/** The task ids a malformed LAUNCH or LAUNCH_GROUP still carries as plain strings; none for anything else. */
function launchedTaskIds(record: Buffer): string[] {
  let root: unknown;
  try {
    root = JSON.parse(record.toString('utf8'));
  } catch {
    return [];
  }
  const at = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);
  const idOf = (task: unknown) => at(at(task, 'task_id'), 'value');
  const type = at(root, 'type');
  const tasks = type === 'LAUNCH' ? [at(at(root, 'launch'), 'task')] : type === 'LAUNCH_GROUP' ? at(at(at(root, 'launch_group'), 'task_group'), 'tasks') : [];
  if (!Array.isArray(tasks)) return [];
  return tasks.map(idOf).filter((id): id is string => typeof id === 'string' && id !== '' && id.length <= 1024);
}

async function detail(res: Response): Promise<string> {
  const text = await errorDetail(res);
  return text ? ` (${text.replace(/\s+/g, ' ').slice(0, 200)})` : '';
}
