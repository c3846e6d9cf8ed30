// A simulated Mesos agent: its own HTTP server on loopback with the v1 executor API, real executor processes
// (fetched, spawned and watched as src/slave/slave.cpp does), and the status update manager between the
// executors and the master.
import * as http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ClusterModel } from './cluster-model';
import type { SimFramework } from './cluster-entities';
import { TERMINAL_STATES } from './cluster-entities';
import { noSuchUserStatus, type SandboxEntry, serveReadOnly } from './agent-endpoints';
import { handleExecutorCall } from './executor-api';
import { type CommandJson, graceDuration, spawnExecutor, waitStatus } from './executor-launch';
import { fetchUris, type UriJson } from './fetcher';
import { type Json, answer, idOf } from './http-call';
import { recordioFrame } from './recordio-writer';
import { toProtoList } from './resources';
import { StatusUpdateManager, type TaskStatusJson } from './status-updates';
import { randomUuidBytes } from './uuid-bytes';
import { type ExecutorRun, frameworkInfoJson, sandboxOf } from './executor-run';

/** The simulated machine under the agent: what a real Pi agent may lack. */
export interface SimHost {
  /** The accounts that exist; null: every user does. */
  users: ReadonlySet<string> | null;
  /** Paths that do not exist there (e.g. a node binary), whatever this machine has. */
  missing: ReadonlySet<string>;
  /** Whether the task's user may write into the sandboxes under the agent's work_dir. */
  sandboxWritable: boolean;
}

/** What the agent tells the master (the StatusUpdate, ExitedExecutor and ExecutorToFramework messages). */
export interface MasterLink {
  forwardUpdate(frameworkId: string, status: TaskStatusJson): void;
  executorExited(frameworkId: string, agentId: string, executorId: string, status: number | undefined): void;
  executorMessage(frameworkId: string, agentId: string, executorId: string, data: string): void;
}

export interface AgentOptions {
  /** Sandboxes go under <workRoot>/slaves/<agent id>/frameworks/…, as under the agent's --work_dir. */
  workRoot: string;
  link: MasterLink;
  /** Agent --executor_registration_timeout; Mesos default 1 min. */
  registrationTimeoutMs?: number;
  /** First status update retry; Mesos: 10 s. */
  updateRetryMs?: number;
}

export class SimAgentNode {
  private readonly runs = new Map<string, ExecutorRun>();
  /** Sandboxes of executors that ended, newest last, as the agent keeps them (it keeps 150 per framework). */
  private readonly completed: SandboxEntry[] = [];
  /** Fault switches: set by tests to make this agent's machine miss something. */
  host: SimHost = { users: null, missing: new Set(), sandboxWritable: true };
  private readonly updates: StatusUpdateManager;
  private readonly server: http.Server;
  private port = 0;

  private constructor(private readonly model: ClusterModel, readonly agentId: string, private readonly opts: AgentOptions) {
    this.updates = new StatusUpdateManager({
      retryMs: opts.updateRetryMs ?? 10_000,
      maxRetryMs: 600_000,
      forward: (fw, status, latest) => {
        this.masterUpdate(fw, status, latest);
        opts.link.forwardUpdate(fw, status);
      },
      onTerminalAcked: (fw, taskId) => {
        const task = model.frameworks.get(fw)?.tasks.get(taskId);
        if (task) model.completeTask(task);
      },
      isTerminal: (state) => TERMINAL_STATES.has(state),
    });
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.route(req, res, Buffer.concat(chunks)));
    });
  }

  static async start(model: ClusterModel, agentId: string, opts: AgentOptions): Promise<SimAgentNode> {
    const node = new SimAgentNode(model, agentId, opts);
    await new Promise<void>((resolve) => node.server.listen(0, '127.0.0.1', () => resolve()));
    node.port = (node.server.address() as AddressInfo).port;
    model.requireAgent(agentId).port = node.port;
    return node;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Runs a task on its executor, starting the executor when it is not running here yet. */
  launch(framework: SimFramework, task: Json, executorInfo: Json): void {
    const executorId = idOf(executorInfo.executor_id) as string;
    let run = this.runs.get(`${framework.id}/${executorId}`);
    if (!run && this.host.users && !this.host.users.has(framework.user)) return this.noSuchUser(framework, task, executorId);
    if (!run) {
      run = this.newRun(framework, executorId, { ...executorInfo, framework_id: { value: framework.id } });
      run.starting = this.startExecutor(run);
    }
    const launched = { ...task, executor: run.info };
    if (run.subscribed && run.stream) this.sendLaunch(run, launched);
    else run.queued.push(launched);
  }

  killTask(frameworkId: string, taskId: string): void {
    for (const run of this.runsOf(frameworkId)) {
      const queuedAt = run.queued.findIndex((t) => idOf(t.task_id) === taskId);
      if (queuedAt >= 0) {
        // Never delivered: the agent answers for the executor (Slave::killTask, REASON_TASK_KILLED_DURING_LAUNCH).
        run.queued.splice(queuedAt, 1);
        this.agentUpdate(run, taskId, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor');
      } else if (run.live.has(taskId)) this.send(run, { type: 'KILL', kill: { task_id: { value: taskId } } });
    }
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    this.updates.acknowledge(frameworkId, taskId, uuid);
  }

  /** The framework re-subscribed: pending updates go out now (Slave::updateFramework resumes the manager). */
  frameworkResubscribed(frameworkId: string): void {
    this.updates.resendAll(frameworkId);
  }

  message(frameworkId: string, executorId: string, data: string): void {
    const run = this.runs.get(`${frameworkId}/${executorId}`);
    if (run) this.send(run, { type: 'MESSAGE', message: { data } });
  }

  /** SHUTDOWN to the executor, then SIGKILL of its process group after the grace period. */
  shutdownExecutor(frameworkId: string, executorId: string): void {
    const run = this.runs.get(`${frameworkId}/${executorId}`);
    if (!run || run.shuttingDown) return;
    run.shuttingDown = true;
    if (!run.stream) return this.signal(run, 'SIGKILL');
    this.send(run, { type: 'SHUTDOWN' });
    const graceNs = Number((run.info.shutdown_grace_period as { nanoseconds?: number } | undefined)?.nanoseconds ?? 5e9);
    run.killTimer = setTimeout(() => this.signal(run, 'SIGKILL'), graceNs / 1e6);
  }

  shutdownFramework(frameworkId: string): void {
    for (const run of this.runsOf(frameworkId)) this.shutdownExecutor(frameworkId, run.executorId);
    this.updates.dropFramework(frameworkId);
  }

  /** Fault: the executor process dies from a signal, as if OOM-killed. */
  killExecutor(frameworkId: string, executorId: string, signal: NodeJS.Signals = 'SIGKILL'): boolean {
    const run = this.runs.get(`${frameworkId}/${executorId}`);
    if (!run?.proc) return false;
    this.signal(run, signal);
    return true;
  }

  /** Fault: the agent machine is gone. Its executors die and nothing more is heard from it. */
  lose(): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) {
      run.lost = true;
      this.signal(run, 'SIGKILL');
      run.stream?.destroy();
    }
    this.updates.clear();
    // An executor lost while its sandbox was still being made ends at once, but its mkdir and fetch go on; waiting
    // for them keeps a caller that removes the work folder next from racing them (and finding it made again).
    return Promise.all(runs.flatMap((r) => [r.exited, r.starting])).then(() => undefined);
  }

  executorPids(): number[] {
    return [...this.runs.values()].flatMap((r) => (r.proc?.pid ? [r.proc.pid] : []));
  }

  async close(): Promise<void> {
    await this.lose();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (path === '/api/v1/executor' || path === '/slave(1)/api/v1/executor') {
      return handleExecutorCall(
        {
          lookup: (fw, ex) => (this.runsOf(fw).length === 0 ? 'framework' : this.runs.has(`${fw}/${ex}`) ? 'ok' : 'executor'),
          isSubscribed: (fw, ex) => this.runs.get(`${fw}/${ex}`)?.subscribed ?? false,
          subscribe: (fw, ex, sub, r) => this.subscribe(this.runs.get(`${fw}/${ex}`) as ExecutorRun, sub, r),
          update: (fw, ex, status) => this.executorUpdate(this.runs.get(`${fw}/${ex}`) as ExecutorRun, status),
          message: (fw, ex, data) => this.opts.link.executorMessage(fw, this.agentId, ex, data),
        },
        req,
        res,
        body,
      );
    }
    if (path === '/health' || path === '/slave(1)/health') return answer(res, 200);
    const agent = { id: this.agentId, hostname: this.model.requireAgent(this.agentId).hostname, endpoint: this.endpoint };
    const sandboxes = () => [...[...this.runs.values()].map((r) => sandboxOf(r, true)), ...this.completed];
    if (serveReadOnly(path, req, res, agent, sandboxes)) return;
    answer(res, 404);
  }

  private runsOf(frameworkId: string): ExecutorRun[] {
    return [...this.runs.values()].filter((r) => r.framework.id === frameworkId);
  }

  private newRun(framework: SimFramework, executorId: string, info: Json): ExecutorRun {
    const containerId = this.model.rng.uuid();
    let markExited = (): void => undefined;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const run: ExecutorRun = {
      framework, executorId, info, containerId, exited, markExited,
      sandbox: join(this.opts.workRoot, 'slaves', this.agentId, 'frameworks', framework.id, 'executors', executorId, 'runs', containerId),
      subscribed: false, queued: [], live: new Map(), launchedAny: false, reason: 'REASON_EXECUTOR_TERMINATED', shuttingDown: false, lost: false,
    };
    this.runs.set(`${framework.id}/${executorId}`, run);
    return run;
  }

  /** The sandbox cannot be made for a user the machine lacks (noSuchUserStatus): the task is dropped, the executor gone. */
  private noSuchUser(framework: SimFramework, task: Json, executorId: string): void {
    const dir = join(this.opts.workRoot, 'slaves', this.agentId, 'frameworks', framework.id, 'executors', executorId, 'runs', this.model.rng.uuid());
    const status = noSuchUserStatus(framework, idOf(task.task_id) as string, { agentId: this.agentId, executorId, dir, now: this.model.nowSecs() });
    this.updates.update(framework.id, status);
    this.model.frameworks.get(framework.id)?.executors.delete(`${this.agentId}/${executorId}`);
    this.opts.link.executorExited(framework.id, this.agentId, executorId, -1);
  }

  private async startExecutor(run: ExecutorRun): Promise<void> {
    const command = (run.info.command ?? {}) as CommandJson;
    try {
      await mkdir(run.sandbox, { recursive: true });
      // FetcherProcess::run creates (truncates) the sandbox's stdout and stderr before the fetcher writes to them.
      await Promise.all(['stdout', 'stderr'].map((f) => writeFile(join(run.sandbox, f), '')));
      await fetchUris((command.uris ?? []) as UriJson[], { sandbox: run.sandbox, containerId: run.containerId, writable: this.host.sandboxWritable });
      if (run.lost || run.shuttingDown) throw new Error('Executor shut down before it started');
      run.proc = spawnExecutor({
        agentEndpoint: this.endpoint,
        agentId: this.agentId,
        frameworkId: run.framework.id,
        executorId: run.executorId,
        sandbox: run.sandbox,
        checkpoint: run.framework.checkpoint,
        shutdownGracePeriod: graceDuration(run.info.shutdown_grace_period),
        command,
        missing: this.host.missing,
      });
    } catch (err) {
      // A fetch or launch failure fails the tasks (mesos.md d) and ends the executor.
      run.reason = 'REASON_CONTAINER_LAUNCH_FAILED';
      return this.onExit(run, undefined, `Failed to launch container: ${(err as Error).message}`);
    }
    run.proc.on('error', (err) => this.onExit(run, undefined, `Failed to launch container: ${err.message}`));
    run.proc.on('exit', (code, signal) => this.onExit(run, waitStatus(code, signal), 'Executor terminated'));
    run.registrationTimer = setTimeout(() => {
      if (run.subscribed) return;
      run.reason = 'REASON_EXECUTOR_REGISTRATION_TIMEOUT';
      this.signal(run, 'SIGKILL');
    }, this.opts.registrationTimeoutMs ?? 60_000);
  }

  private subscribe(run: ExecutorRun, sub: Json, res: http.ServerResponse): void {
    clearTimeout(run.registrationTimer);
    run.stream?.end();
    run.subscribed = true;
    run.stream = res;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.on('close', () => {
      if (run.stream === res) run.stream = undefined;
    });
    const agent = this.model.requireAgent(this.agentId);
    this.send(run, {
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: run.info,
        framework_info: frameworkInfoJson(run.framework),
        agent_info: { hostname: agent.hostname, port: agent.port, id: { value: agent.id }, resources: toProtoList(agent.resources) },
        container_id: { value: run.containerId },
      },
    });
    // Updates the executor still holds are fed to the manager again; it drops the ones it has by uuid.
    for (const u of (sub.unacknowledged_updates ?? []) as { status?: TaskStatusJson }[]) if (u?.status?.uuid) this.executorUpdate(run, u.status, false);
    for (const task of run.queued.splice(0)) this.sendLaunch(run, task);
    // An executor that never got a task, its queued ones all killed, is shut down at once (mesos.md c.4).
    if (!run.launchedAny) this.shutdownExecutor(run.framework.id, run.executorId);
  }

  private sendLaunch(run: ExecutorRun, task: Json): void {
    run.live.set(idOf(task.task_id) as string, task);
    run.launchedAny = true;
    this.send(run, { type: 'LAUNCH', launch: { task } });
  }

  private executorUpdate(run: ExecutorRun, status: TaskStatusJson, ackToExecutor = true): void {
    const forwarded = this.stamp(run, status);
    if (this.updates.update(run.framework.id, forwarded)) this.record(run, status.task_id.value, status.state);
    // ACKNOWLEDGED once the update is "checkpointed", independent of the scheduler's ack (mesos.md c.3).
    if (ackToExecutor) setImmediate(() => this.send(run, { type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } }));
  }

  /** An update the agent makes itself (source SOURCE_AGENT, with its own uuid). */
  private agentUpdate(run: ExecutorRun, taskId: string, state: string, reason: string, message: string): void {
    const status: TaskStatusJson = { task_id: { value: taskId }, state, source: 'SOURCE_AGENT', reason, message, timestamp: this.model.nowSecs(), uuid: randomUuidBytes() };
    if (this.updates.update(run.framework.id, this.stamp(run, status))) this.record(run, taskId, state);
  }

  /** The fields the agent adds before forwarding, in the recorded order (scheduler-events.json). */
  private stamp(run: ExecutorRun, s: TaskStatusJson): TaskStatusJson {
    const { task_id, state, source, message, reason, data, timestamp, uuid, ...rest } = s;
    const out: TaskStatusJson = { task_id, state, source };
    if (message !== undefined) out.message = message;
    if (reason !== undefined) out.reason = reason;
    if (data !== undefined) out.data = data;
    Object.assign(out, rest, { agent_id: { value: this.agentId }, executor_id: { value: run.executorId }, timestamp: timestamp ?? this.model.nowSecs(), uuid });
    out.container_status = this.containerStatus(run);
    return out;
  }

  private containerStatus(run: ExecutorRun): Json {
    const status: Json = { container_id: { value: run.containerId }, network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: '127.0.0.1' }] }] };
    if (run.proc?.pid) status.executor_pid = run.proc.pid;
    return status;
  }

  /** The executor is done with a task once it sent a terminal update. */
  private record(run: ExecutorRun, taskId: string, state: string): void {
    if (TERMINAL_STATES.has(state)) run.live.delete(taskId);
  }

  /**
   * The master takes a forwarded update (Master::updateTask, src/master/master.cpp): the task moves to the
   * agent's latest state, so a task that ended while an earlier update still waits for its acknowledgement is
   * known as ended when that update is forwarded or resent; and "once the task transitioned to terminal or
   * unreachable", the master recovers its resources right there (allocator->recoverResources), whether or not
   * the scheduler has acknowledged anything. The task stays in the master's `tasks` until its terminal update
   * is acknowledged (onTerminalAcked, Master::removeTask).
   */
  private masterUpdate(frameworkId: string, status: TaskStatusJson, latest: string): void {
    const task = this.model.frameworks.get(frameworkId)?.tasks.get(status.task_id.value);
    if (!task || TERMINAL_STATES.has(task.state)) return;
    const cs = { ...(status.container_status as Json | undefined) };
    delete cs.executor_pid;
    this.model.setTaskState(task, latest, cs, status.state);
  }

  private onExit(run: ExecutorRun, status: number | undefined, message: string): void {
    if (this.runs.get(`${run.framework.id}/${run.executorId}`) !== run) return;
    this.runs.delete(`${run.framework.id}/${run.executorId}`);
    clearTimeout(run.registrationTimer);
    clearTimeout(run.killTimer);
    run.stream?.end();
    run.markExited();
    if (run.lost) return;
    this.completed.push(sandboxOf(run, false));
    if (this.completed.length > 150) this.completed.shift();
    // Tasks the executor left unfinished fail (or count as killed when they were being shut down).
    const state = run.shuttingDown ? 'TASK_KILLED' : 'TASK_FAILED';
    const unfinished = [...run.queued.map((t) => idOf(t.task_id) as string), ...run.live.keys()];
    for (const taskId of unfinished) this.agentUpdate(run, taskId, state, run.reason, message);
    this.model.frameworks.get(run.framework.id)?.executors.delete(`${this.agentId}/${run.executorId}`);
    this.opts.link.executorExited(run.framework.id, this.agentId, run.executorId, status);
  }

  private signal(run: ExecutorRun, signal: NodeJS.Signals): void {
    const pid = run.proc?.pid;
    if (pid === undefined || run.proc?.exitCode !== null || run.proc?.signalCode !== null) {
      if (!run.proc) this.onExit(run, undefined, 'Executor shut down before it started');
      return;
    }
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone; the exit handler has run or will.
    }
  }

  private send(run: ExecutorRun, event: Json): void {
    if (run.stream && !run.stream.destroyed && !run.stream.writableEnded) run.stream.write(recordioFrame(event));
  }
}
