// The executor program that the agents run (Mesos docs/executor-http-api.md): it subscribes to its agent,
// sums each launched chunk of the Leibniz series in a worker thread, and returns the result in the
// TASK_FINISHED status's data. A worker keeps the event loop free, so KILL and SHUTDOWN act at once.
//
// Workers are kept and reused across tasks, and each primes the kernels as it starts (kernel.ts
// primeKernels: V8 would otherwise run a fresh isolate's first long calls at 0.2–0.6 of full speed).
// Keeping them also saves a thread start per task. A finished task returns its worker to an
// idle list and the next task takes it; only a task that runs while every kept worker is busy (several
// task slots on one agent) starts another. KILL and SHUTDOWN still terminate the running task's worker at
// once; the next task then starts a fresh one.
//
// Agents have nothing but Node, so this file is bundled with its relative imports into one script
// (scripts/bundle-executor.ts); the worker runs that same script, taking the isMainThread branch below.
//
// Idle policy: one long-lived executor per agent (the scheduler gives every task the same ExecutorInfo)
// saves Node's start-up and the executor resources per task, so by default it stays up for
// MESOS_PANEL_EXECUTOR_IDLE_MS (default 60 s) after its last update is acknowledged, ready for the next
// chunk. With 0 it exits as soon as its work is acknowledged, which suits one executor per task. It never
// leaves idle before its first task: the agent shuts down an executor that got no task (Mesos docs/executor-http-api.md).

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createLogger, type Logger } from '../log';
import { ExecutorClient, ExecutorEnvError, readExecutorEnv, type ExecutorEnv, type ExecutorEvent, type LaunchedTask } from '../mesos/executor-client';
import { exactChunk, type ExactChunk } from './exact-kernel';
import { encodeExactResult, isExactRequest, parseExactRequest, type ExactRequest } from './exact-task-data';
import { primeKernels, runKernel, type ChunkSum } from './kernel';
import { TaskDataError, encodeTaskResult, parseTaskRequest, type TaskRequest } from './task-data';

const WORKER_TAG = 'mesos-panel-leibniz-chunk';
export const DEFAULT_IDLE_MS = 60_000;
/** Time kept back from the shutdown grace period, so we exit before the agent kills us. */
const GRACE_MARGIN_MS = 1000;

export interface ExecutorOptions {
  env: (name: string) => string | undefined;
  logger: Logger;
  /** The script a Worker runs for a chunk: this file, compiled or bundled. */
  workerScript: string;
  exit: (code: number) => void;
}

/** A chunk of either kind: doubles (precise, fast) or an exact sum at P bits for a job asked for by digits. */
type AnyRequest = TaskRequest | ExactRequest;

interface Running {
  worker: KernelWorker;
  request: AnyRequest;
}

/** A kept worker thread and how many chunks it has summed, for the log line that shows reuse. */
interface KernelWorker {
  thread: Worker;
  chunks: number;
}

/** What a worker posts back for one chunk. */
type WorkerReply = (ChunkSum | ExactChunk) & { ms: number };

export function runExecutor(o: ExecutorOptions): { stop(): void } {
  let env: ExecutorEnv;
  let idleMs: number;
  try {
    env = readExecutorEnv(o.env);
    idleMs = readIdleMs(o.env('MESOS_PANEL_EXECUTOR_IDLE_MS'));
  } catch (err) {
    if (!(err instanceof ExecutorEnvError)) throw err;
    o.logger.error(err.message);
    o.exit(2);
    return { stop: () => undefined };
  }
  const run = new ExecutorRun(o, env, idleMs);
  return { stop: () => run.finish(0) };
}

/** Kernel workers kept between tasks: a finished one waits, warm, for the next chunk. */
class WorkerPool {
  private readonly idle: KernelWorker[] = [];

  constructor(
    private readonly script: string,
    private readonly logger: Logger,
  ) {}

  take(): KernelWorker {
    return this.idle.pop() ?? this.start();
  }

  keep(worker: KernelWorker): void {
    this.idle.push(worker);
  }

  close(): void {
    for (const w of this.idle.splice(0)) void w.thread.terminate();
  }

  private start(): KernelWorker {
    const worker: KernelWorker = { thread: new Worker(this.script, { workerData: { tag: WORKER_TAG } }), chunks: 0 };
    // A kept worker that dies between tasks is dropped, so no task is ever sent to a dead thread.
    worker.thread.on('exit', () => {
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
    });
    // A running chunk's error is its task's (runChunk); this listener keeps one between tasks from being unhandled.
    worker.thread.on('error', (err) => {
      if (this.idle.includes(worker)) this.logger.warn(`kernel worker ${worker.thread.threadId} failed between tasks: ${err.message}`);
    });
    return worker;
  }
}

/** The chunk a LAUNCH carries, or a TaskDataError that says what is wrong with its data. */
function readRequest(task: LaunchedTask): AnyRequest {
  if (task.data === undefined) throw new TaskDataError('task data is missing; the scheduler must send JSON {start, end, kernel}');
  const data = Buffer.from(task.data, 'base64');
  return isExactRequest(data) ? parseExactRequest(data) : parseTaskRequest(data);
}

/** What a terminal status update carries besides its state. */
interface UpdateExtra {
  data?: Uint8Array;
  message?: string;
}

/**
 * Sums one chunk on `worker` and reports its outcome once, unless `current()` turned false first (the task was
 * killed and its worker terminated). A worker that delivered a result goes back to the pool.
 */
function runChunk(taskId: string, request: AnyRequest, worker: KernelWorker, pool: WorkerPool, logger: Logger, current: () => boolean, done: (state: string, extra: UpdateExtra) => void): void {
  const settle = (outcome: () => void) => {
    worker.thread.off('message', onMessage).off('error', onError).off('exit', onExit);
    outcome();
  };
  const onMessage = (m: WorkerReply) => {
    if (!current()) return;
    settle(() => {
      worker.chunks += 1;
      pool.keep(worker);
      const terms = request.end - request.start;
      const result =
        request.kernel === 'exact' && 'sum' in m
          ? encodeExactResult({ ...request, sum: m.sum, bound: m.bound, terms, ms: m.ms })
          : encodeTaskResult({ ...(request as TaskRequest), ...(m as ChunkSum), terms, ms: m.ms });
      logger.info(`task ${taskId}: [${request.start},${request.end}) ${request.kernel} in ${Math.round(m.ms)} ms (chunk ${worker.chunks} on worker ${worker.thread.threadId})`);
      done('TASK_FINISHED', { data: Buffer.from(result, 'utf8') });
    });
  };
  const onError = (err: Error) => {
    if (current()) settle(() => done('TASK_FAILED', { message: `kernel failed: ${err.message}` }));
  };
  const onExit = (code: number) => {
    if (current()) settle(() => done('TASK_FAILED', { message: `kernel worker exited with code ${code} before a result` }));
  };
  worker.thread.on('message', onMessage).on('error', onError).on('exit', onExit);
  worker.thread.postMessage(request);
}

/** One executor's life: the subscription's events in, chunks on the pool, status updates out, the idle exit. */
class ExecutorRun {
  private readonly running = new Map<string, Running>();
  private readonly ended = new Set<string>();
  private readonly pool: WorkerPool;
  private readonly client: ExecutorClient;
  private readonly logger: Logger;
  private shuttingDown = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly o: ExecutorOptions,
    private readonly env: ExecutorEnv,
    private readonly idleMs: number,
  ) {
    this.logger = o.logger;
    this.pool = new WorkerPool(o.workerScript, o.logger);
    this.client = new ExecutorClient({
      env,
      logger: o.logger,
      onEvent: (event) => this.onEvent(event),
      onGiveUp: (reason) => {
        this.logger.error(reason);
        this.finish(this.running.size > 0 || this.client.pending.updates > 0 ? 1 : 0);
      },
    });
    this.client.start();
  }

  finish(code: number): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
    this.client.stop();
    for (const r of this.running.values()) void r.worker.thread.terminate();
    this.running.clear();
    this.pool.close();
    this.o.exit(code);
  }

  /** The subscription: what each event from the agent does. */
  private onEvent(event: ExecutorEvent): void {
    switch (event.type) {
      case 'SUBSCRIBED':
        this.logger.info(`subscribed to agent ${event.subscribed.agent_hostname ?? this.env.endpoint}`);
        return this.checkIdle();
      case 'LAUNCH':
        return this.launch(event.launch.task);
      case 'LAUNCH_GROUP':
        for (const t of event.launch_group.tasks) {
          this.client.trackTask(t);
          this.end(t.task_id.value, 'TASK_FAILED', { message: 'this executor takes LAUNCH, not LAUNCH_GROUP' });
        }
        return;
      case 'KILL':
        this.kill(event.kill.task_id.value, 'killed by the scheduler');
        return this.checkIdle();
      case 'ACKNOWLEDGED':
        return this.checkIdle();
      case 'SHUTDOWN': {
        this.shuttingDown = true;
        this.logger.info('shutdown requested by the agent');
        for (const taskId of [...this.running.keys()]) this.kill(taskId, 'executor shut down');
        this.graceTimer = setTimeout(() => this.finish(0), Math.max(0, this.env.shutdownGracePeriodMs - GRACE_MARGIN_MS));
        return this.checkIdle();
      }
      case 'ERROR':
        return this.logger.warn(`agent reported: ${event.error.message}`);
      case 'MESSAGE':
      case 'HEARTBEAT':
        return;
    }
  }

  /** The task runner: a LAUNCH becomes TASK_RUNNING and a chunk on a worker, or a terminal update at once. */
  private launch(task: LaunchedTask): void {
    const taskId = task.task_id.value;
    if (this.running.has(taskId) || this.ended.has(taskId)) return this.logger.warn(`task ${taskId} launched twice; ignoring the repeat`);
    if (this.shuttingDown) return this.end(taskId, 'TASK_KILLED', { message: 'executor is shutting down' });
    let request: AnyRequest;
    try {
      request = readRequest(task);
    } catch (err) {
      if (!(err instanceof TaskDataError)) throw err;
      this.logger.warn(`task ${taskId}: ${err.message}`);
      return this.end(taskId, 'TASK_FAILED', { message: err.message });
    }
    clearTimeout(this.idleTimer);
    this.client.update(taskId, 'TASK_RUNNING', {});
    const worker = this.pool.take();
    this.running.set(taskId, { worker, request });
    const current = () => this.running.get(taskId)?.worker === worker;
    runChunk(taskId, request, worker, this.pool, this.logger, current, (state, extra) => this.end(taskId, state, extra));
  }

  private kill(taskId: string, why: string): void {
    const r = this.running.get(taskId);
    if (r) void r.worker.thread.terminate();
    // A task that already ended keeps its terminal update; one never seen still gets the terminal state.
    if (!this.ended.has(taskId)) this.end(taskId, 'TASK_KILLED', { message: why });
  }

  /** The update sender: a task's terminal state, sent once; the client resends it until acknowledged. */
  private end(taskId: string, state: string, extra: UpdateExtra): void {
    this.running.delete(taskId);
    this.ended.add(taskId);
    this.client.update(taskId, state, extra);
  }

  /** Exits when all work is acknowledged: at once while shutting down, else after idleMs (never before a first task). */
  private checkIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.running.size > 0 || this.client.pending.updates > 0) return;
    if (this.shuttingDown) return this.finish(0);
    if (this.ended.size === 0) return;
    this.idleTimer = setTimeout(() => {
      this.logger.info(`idle for ${this.idleMs} ms with all work acknowledged; exiting`);
      this.finish(0);
    }, this.idleMs);
  }
}

function readIdleMs(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_IDLE_MS;
  const ms = Number(text);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new ExecutorEnvError(`executor environment: MESOS_PANEL_EXECUTOR_IDLE_MS="${text.slice(0, 20)}" must be a whole number of ms, 0 or more`);
  }
  return ms;
}

/** A kept worker: sums each chunk the executor posts, one at a time, for as long as the executor keeps it. */
function workerMain(): void {
  // Before the first task is read (it waits in the port meanwhile), so its chunk runs at full speed.
  primeKernels();
  parentPort!.on('message', (request: AnyRequest) => {
    const t0 = performance.now();
    const sum = request.kernel === 'exact' ? exactChunk(request.start, request.end, request.bits) : runKernel(request.kernel, request.start, request.end);
    const reply: WorkerReply = { ...sum, ms: performance.now() - t0 };
    parentPort!.postMessage(reply);
  });
}

if (!isMainThread && (workerData as { tag?: unknown } | null)?.tag === WORKER_TAG) {
  workerMain();
} else if (isMainThread && require.main === module) {
  const debug = process.env.MESOS_PANEL_EXECUTOR_DEBUG === '1';
  runExecutor({
    env: (name) => process.env[name],
    logger: createLogger({ namespace: 'executor', journal: false, debug }),
    workerScript: __filename,
    exit: (code) => process.exit(code),
  });
}
