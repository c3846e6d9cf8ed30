// The π framework as the daemon runs it (issue 3): one SchedulerClient subscription, the job ledger, and
// the rules that join them (reference/mesos.md b.5–b.8). Offers become chunk launches (offers.ts), updates
// go to the ledger and are acknowledged only after it took them, and the framework id survives restarts
// (framework-store.ts), so a restart is a failover and running tasks still report.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log';
import type { Credentials } from '../mesos/http';
import { type SchedulerCall, acknowledge, accept, decline, kill, reconcile, revive, suppress, teardown } from '../mesos/scheduler-calls';
import { SchedulerClient, SchedulerError, type ConnectionState } from '../mesos/scheduler-client';
import { exitCode, type Offer, type SchedulerEvent, type TaskStatus } from '../mesos/scheduler-events';
import type { PiView } from '../panel/model';
import type { Certified } from './digits';
import { FrameworkStore } from './framework-store';
import { JobPersistence } from './job-persistence';
import type { KernelName } from './kernel';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from './chunk-sizing';
import { Ledger } from './ledger';
import type { FailurePolicyOptions } from './failure-policy';
import { FailureWatch } from './failure-watch';
import { type ExecutorSpec, offered, roomForATask, type TaskResources, tasksForOffer } from './offers';
import { Reconciler } from './reconciler';
import { piView, prefixDigits } from './view';

export interface PiServiceOptions {
  masters: string[];
  credentials?: Credentials;
  /** CA certificate(s) for https masters (config.caFile). */
  ca?: string | Buffer;
  framework: { user: string; name: string; role: string; failoverTimeoutSeconds: number; hostname?: string };
  job: { terms: number; kernel: KernelName; corrections: number };
  resources: TaskResources;
  executor: ExecutorSpec;
  /** DECLINE filter for offers we cannot use. */
  refuseSeconds: number;
  logger: Logger;
  /** Where the framework id and the job ledger are kept; null for a one-shot framework (the `pi` command). */
  stateDir: string | null;
  ledgerOptions?: LedgerOptions;
  now?: () => number;
  /** SchedulerClient timing; tests shorten the backoff. */
  client?: { requestTimeoutMs?: number; backoffMinMs?: number; backoffMaxMs?: number };
  /** Implicit reconciliation period; Mesos docs suggest about 15 minutes. */
  implicitReconcileMs?: number;
  /** Called when the job finishes. */
  onDone?: () => void;
  /** When a job pauses on failures (failure-policy.ts); default DEFAULT_FAILURE_POLICY. */
  failurePolicy?: FailurePolicyOptions;
}

/** Waiting chunks and nothing launched for this long, with nothing running: say why on the panel. */
const IDLE_PROBLEM_MS = 30_000;

export class PiService {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly client: SchedulerClient;
  private readonly store: FrameworkStore | null;
  private readonly persistence: JobPersistence | null;
  private readonly reconciler: Reconciler;
  private ledger: Ledger | null = null;
  private frameworkId: string | undefined;
  private suppressed = false;
  private subscribedAt = 0;
  private lastOfferAt = 0;
  /** When a job last started or launched a task. */
  private lastLaunchAt = 0;
  /** Agents already said to offer too little, with the job it was said for. */
  private readonly smallOffers = new Map<string, string>();
  private implicitTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly failures: FailureWatch;

  constructor(private readonly o: PiServiceOptions) {
    this.log = o.logger;
    this.now = o.now ?? Date.now;
    this.store = o.stateDir ? new FrameworkStore(o.stateDir, o.logger) : null;
    this.persistence = o.stateDir ? new JobPersistence(o.stateDir, () => this.ledger, o.logger) : null;
    const saved = this.store?.load() ?? null;
    if (saved) this.log.info(`re-subscribing as framework ${saved.frameworkId} (saved ${saved.savedAt})`);
    this.frameworkId = saved?.frameworkId;
    const f = o.framework;
    this.client = new SchedulerClient({
      masters: o.masters,
      credentials: o.credentials,
      ca: o.ca,
      logger: o.logger.child('scheduler'),
      framework: {
        user: f.user,
        name: f.name,
        roles: [f.role],
        hostname: f.hostname,
        failoverTimeoutSeconds: f.failoverTimeoutSeconds,
        checkpoint: true,
        frameworkId: saved?.frameworkId,
      },
      onEvent: (e) => this.onEvent(e),
      ...o.client,
    });
    this.failures = new FailureWatch({
      settings: { nodePath: o.executor.nodePath, user: f.user, executorUrl: o.executor.url },
      logger: o.logger,
      policy: o.failurePolicy,
      credentials: o.credentials,
      ca: o.ca,
      onPause: (p) => this.log.warn(`${p.line}; a long press resumes the job, and so does a task that succeeds`),
    });
    this.reconciler = new Reconciler((tasks) => this.call((fid) => reconcile(fid, tasks)), () => this.ledger?.launchedTasks() ?? []);
  }

  /** Resumes a saved job, then subscribes; offers stay suppressed until a job waits for them. */
  async open(): Promise<void> {
    const saved = await this.persistence?.load(this.now(), this.o.ledgerOptions ?? DEFAULT_LEDGER_OPTIONS);
    if (saved) {
      this.ledger = saved;
      const t = saved.total();
      this.log.info(`resuming π job ${saved.jobId}: ${t.termsDone} of ${saved.terms} terms done, ${saved.runningCount()} tasks to reconcile`);
    }
    this.client.start();
    this.implicitTimer = setInterval(() => this.call((fid) => reconcile(fid, [])), this.o.implicitReconcileMs ?? 15 * 60_000);
    this.implicitTimer.unref();
  }

  get connection(): ConnectionState {
    return this.client.state;
  }

  /** The ledger of the current job, for the CLI's summary; null when idle. */
  get job(): Ledger | null {
    return this.ledger;
  }

  start(): void {
    // A paused job resumes where it stopped: its ledger was kept.
    if (this.ledger && !this.ledger.isDone()) return this.failures.resume();
    const { terms, kernel } = this.o.job;
    const jobId = randomBytes(6).readUIntBE(0, 6).toString(36);
    this.ledger = Ledger.create(jobId, terms, kernel, this.now(), this.o.ledgerOptions ?? DEFAULT_LEDGER_OPTIONS);
    this.log.info(`π job ${jobId}: ${terms} terms, kernel ${kernel}`);
    this.lastLaunchAt = this.now();
    this.persistence?.changed();
    this.syncOffers(true);
  }

  reset(): void {
    const ledger = this.ledger;
    if (!ledger) return;
    for (const t of ledger.launchedTasks()) this.call((fid) => kill(fid, t.taskId, t.agentId));
    this.log.info(`π job ${ledger.jobId} reset with ${ledger.runningCount()} tasks killed`);
    this.ledger = null;
    this.failures.resume();
    this.persistence?.changed();
    this.syncOffers(false);
  }

  /** Stops the subscription and saves the job; the framework stays registered so that a restart fails over to it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.implicitTimer);
    this.reconciler.stop();
    await this.client.stop();
    await this.persistence?.flush();
    // Updates not acknowledged are resent by the agents to the next subscriber.
    this.persistence?.dropHeld();
  }

  /** Removes the framework for good (the one-shot `pi` command), then stops. */
  async teardown(): Promise<void> {
    const fid = this.frameworkId;
    if (fid && this.client.state.phase === 'subscribed') {
      try {
        await this.client.send(teardown(fid));
      } catch (err) {
        this.log.warn(`TEARDOWN failed: ${(err as Error).message}`);
      }
    }
    this.store?.clear();
    await this.stop();
  }

  view(now: number): PiView {
    const paused = this.failures.paused;
    return piView(this.ledger, now, { problem: paused?.short ?? this.problem(now), paused: paused !== null, corrections: this.o.job.corrections, idleTerms: this.o.job.terms });
  }

  /** Why the job stopped launching (one line, with the fix), or null while it runs. */
  get paused(): string | null {
    return this.failures.paused?.line ?? null;
  }

  /** Certified digits of the longest finished prefix (the whole S_N once the job is done). */
  certified(): { terms: number; raw: Certified; corrected: Certified } | null {
    return this.ledger ? prefixDigits(this.ledger, this.o.job.corrections) : null;
  }

  private problem(now: number): string | null {
    const s = this.client.state;
    if (s.phase !== 'subscribed') return s.lastError ? `cannot subscribe: ${s.lastError}` : null;
    const l = this.ledger;
    if (!l || !l.hasWaiting() || l.runningCount() > 0) return null;
    const idleSince = Math.max(this.subscribedAt, this.lastLaunchAt);
    if (now - idleSince <= IDLE_PROBLEM_MS) return null;
    const r = this.o.resources;
    const offerSince = Math.max(idleSince, this.lastOfferAt);
    if (now - offerSince > IDLE_PROBLEM_MS) {
      return `no offers for ${Math.round((now - offerSince) / 1000)} s: no agent has ${r.taskCpus} cpus and ${r.taskMemMb} MB free for role ${this.o.framework.role}`;
    }
    // Offers come but are declined: every waiting chunk avoids the agents that offer, or the offers are too small.
    // Short enough for a 20x4 LCD's three lines; the log names the chunk, the agents and the failures.
    if (l.avoidedChunk()) return 'every agent failed a chunk: see the log; hold to reset';
    return `offers too small: task ${r.taskCpus}cpu/${r.taskMemMb}MB, executor ${r.executorCpus}cpu/${r.executorMemMb}MB`;
  }

  private onEvent(e: SchedulerEvent): void {
    switch (e.type) {
      case 'SUBSCRIBED':
        return this.onSubscribed(e.subscribed.framework_id.value);
      case 'OFFERS':
        this.lastOfferAt = this.now();
        for (const offer of e.offers.offers) this.onOffer(offer);
        return;
      case 'UPDATE':
        return this.onUpdate(e.update.status);
      case 'RESCIND':
        // Offers are answered as they arrive, so a rescinded one was already used or declined.
        return this.log.debug(`offer ${e.rescind.offer_id.value} rescinded`);
      case 'FAILURE':
        // The agent turns an executor's exit into TASK_FAILED/LOST for its tasks; those updates re-queue.
        if (!e.failure.executor_id && e.failure.agent_id) this.failures.agentGone(e.failure.agent_id.value);
        return this.onFailure(e.failure);
      case 'ERROR':
        return this.onError(e.error.message);
      case 'INVERSE_OFFERS':
      case 'RESCIND_INVERSE_OFFER':
      case 'UPDATE_OPERATION_STATUS':
      case 'MESSAGE':
      case 'HEARTBEAT':
        return;
    }
  }

  private onFailure(f: { agent_id?: { value: string }; executor_id?: { value: string }; status?: number }): void {
    const agent = f.agent_id?.value ?? 'unknown';
    if (!f.executor_id) return this.log.warn(`agent ${agent} is gone; its tasks will be reported lost and their chunks run elsewhere`);
    const code = f.status === undefined ? null : exitCode(f.status);
    // An idle executor exits with 0 once its work is acknowledged; anything else is worth a look.
    const how = code === 0 ? 'exited normally' : code !== null ? `exited with code ${code}` : f.status !== undefined ? `was killed by signal ${f.status & 0x7f}` : 'ended';
    this.log[code === 0 ? 'debug' : 'warn'](`executor ${f.executor_id.value} on agent ${agent} ${how}`);
  }

  private onSubscribed(fid: string): void {
    if (this.frameworkId !== undefined && this.frameworkId !== fid) {
      // A new id: no task of the old one will report to us again.
      const n = this.ledger?.requeueAllLaunched() ?? 0;
      this.persistence?.changed();
      this.log.warn(`subscribed as a new framework ${fid} (was ${this.frameworkId}); ${n} running chunks wait again`);
    }
    this.frameworkId = fid;
    this.subscribedAt = this.now();
    this.store?.save(fid, this.o.masters).catch((err: Error) => {
      this.log.error(`cannot save the framework id in ${this.o.stateDir}: ${err.message}; a restart will start a new framework`);
    });
    // The master forgets suppression and filters across a resubscribe; say again what we want.
    this.suppressed = false;
    this.syncOffers(true);
    this.reconciler.begin();
  }

  private onError(message: string): void {
    if (!/framework has been removed/i.test(message)) return;
    // The id is retired (failover timeout passed, or torn down): start fresh, re-queue what had no result.
    const n = this.ledger?.requeueAllLaunched() ?? 0;
    this.persistence?.changed();
    this.log.warn(`framework ${this.frameworkId} was removed by the master; subscribing anew, ${n} chunks re-queued`);
    this.frameworkId = undefined;
    this.store?.clear();
    this.reconciler.stop();
  }

  private onOffer(offer: Offer): void {
    const l = this.ledger;
    const waiting = l?.hasWaiting() ?? false;
    this.failures.offer(offer);
    // A paused job, or an agent that fails on its own setting, gets nothing but, now and then, one probe task.
    let room = this.failures.room(offer.agent_id.value, this.now());
    const next = (agentId: string) => (room-- > 0 ? l!.nextChunk(agentId, this.now()) : null);
    const tasks = l && waiting ? tasksForOffer(offer, this.o.executor, this.o.resources, next) : [];
    if (tasks.length === 0) {
      if (l && waiting) this.noteSmallOffer(l, offer);
      this.call((fid) => decline(fid, [offer.id.value], this.o.refuseSeconds));
      this.syncOffers(false);
      return;
    }
    this.lastLaunchAt = this.now();
    this.log.debug(`offer ${offer.id.value} on ${offer.hostname}: launching ${tasks.map((t) => t.task_id.value).join(', ')}`);
    const launch = () =>
      this.call(
        (fid) => accept(fid, [offer.id.value], tasks, this.o.refuseSeconds),
        () => {
          // The launch never reached the master: the chunks wait again, with no failure counted.
          for (const t of tasks) l?.requeueTask(t.task_id.value);
          this.persistence?.changed();
          this.syncOffers(true);
        },
      );
    // Written ahead: the task ids are on disk before Mesos sees them.
    if (this.persistence) this.persistence.launchAfterSave(launch);
    else launch();
    this.syncOffers(false);
  }

  /** Says once per job and agent that its offers cannot hold a task: other frameworks' load, or the config. */
  private noteSmallOffer(l: Ledger, offer: Offer): void {
    const r = this.o.resources;
    if (roomForATask(offer, this.o.executor, r) || this.smallOffers.get(offer.agent_id.value) === l.jobId) return;
    this.smallOffers.set(offer.agent_id.value, l.jobId);
    const { cpus, mem } = offered(offer.resources);
    this.log.info(
      `agent ${offer.hostname} offers ${cpus} cpus and ${mem} MB, too little for a π task (${r.taskCpus} cpus, ${r.taskMemMb} MB, and ${r.executorCpus} cpus, ${r.executorMemMb} MB once for the executor); lower pi.taskCpus or pi.taskMemMb if it stays so`,
    );
  }

  private onUpdate(s: TaskStatus): void {
    const taskId = s.task_id.value;
    this.reconciler.heard(taskId);
    const l = this.ledger;
    const data = s.data === undefined ? undefined : Buffer.from(s.data, 'base64');
    const outcome = l
      ? l.onUpdate({ taskId, state: s.state, agentId: s.agent_id?.value, data, message: s.message }, this.now())
      : { kind: 'unknown' as const, message: `no job is running` };
    switch (outcome.kind) {
      case 'finished':
        this.log.debug(`task ${taskId}: [${outcome.start},${outcome.end}) done`);
        this.failures.succeeded(s.agent_id?.value);
        if (outcome.supersededTaskId) this.call((fid) => kill(fid, outcome.supersededTaskId!));
        if (l?.isDone()) this.onJobDone(l);
        // The task's resources are free again (Master::updateTask recovered them before forwarding this); a
        // REVIVE has the allocator offer them now (reviveOffers runs generateOffers) instead of at the next
        // allocation interval, so the slot does not idle up to a second per chunk.
        else this.syncOffers(true);
        break;
      case 'requeued':
        if (outcome.avoids) {
          this.log.warn(`task ${taskId}: ${outcome.reason}; the chunk failed ${l!.options.maxFailuresPerAgent} times on agent ${outcome.avoids} and will not run there again`);
        } else this.log.info(`task ${taskId}: ${outcome.reason}; the chunk waits again`);
        this.failures.failed(s, this.frameworkId, this.now);
        this.syncOffers(true);
        break;
      case 'invalid':
      case 'mismatch':
        this.log.warn(outcome.message);
        if (outcome.kind === 'invalid') this.failures.failed(s, this.frameworkId, this.now, { kind: 'kernel', message: outcome.message });
        this.syncOffers(outcome.kind === 'invalid');
        break;
      case 'unknown':
      case 'stale':
        // Not (or no longer) ours to run: a task of an old job, or a relaunched chunk's first copy.
        if (!TERMINAL.has(s.state)) {
          this.log.info(`task ${taskId} is ${s.state} but ${outcome.kind === 'unknown' ? outcome.message : 'its chunk is elsewhere'}; killing it`);
          this.call((fid) => kill(fid, taskId, s.agent_id?.value));
        }
        break;
      case 'duplicate':
      case 'running':
        break;
    }
    if (outcome.kind !== 'duplicate' && outcome.kind !== 'running' && outcome.kind !== 'stale' && outcome.kind !== 'unknown') this.persistence?.changed();
    // Only updates that carry a uuid are acknowledged (b.5); master-made ones (reconciliation) are not. A
    // result is acknowledged once it is on disk: Mesos never resends an acknowledged update.
    if (s.uuid !== undefined && s.agent_id) {
      const agentId = s.agent_id.value;
      const ack = () => this.call((fid) => acknowledge(fid, agentId, taskId, s.uuid!));
      if (this.persistence && s.state === 'TASK_FINISHED') this.persistence.afterSave(ack);
      else ack();
    }
  }

  private onJobDone(l: Ledger): void {
    const p = l.progress(this.now());
    this.log.info(`π job ${l.jobId} done: ${l.terms} terms in ${p.elapsedSeconds.toFixed(1)} s, certified ${this.certified()?.corrected.digits ?? ''}`);
    this.syncOffers(false);
    this.o.onDone?.();
  }

  /** SUPPRESS while no chunk waits; REVIVE when one does and offers are off, or always when `revive`. */
  private syncOffers(reviveNow: boolean): void {
    const want = this.ledger?.hasWaiting() ?? false;
    const roles = [this.o.framework.role];
    if (want && (reviveNow || this.suppressed)) {
      this.suppressed = false;
      this.call((fid) => revive(fid, roles));
    } else if (!want && !this.suppressed) {
      this.suppressed = true;
      this.call((fid) => suppress(fid, roles));
    }
  }

  /** Sends a call built for the current framework id; a failure is logged, and `failed` runs if given. */
  private call(build: (frameworkId: string) => SchedulerCall, failed?: () => void): void {
    const fid = this.frameworkId;
    if (!fid || this.client.state.phase !== 'subscribed') {
      failed?.();
      return;
    }
    const c = build(fid);
    this.client.send(c).catch((err: unknown) => {
      const quiet = err instanceof SchedulerError && err.kind === 'not-subscribed';
      if (!quiet) this.log.warn(`${c.type} failed: ${(err as Error).message}`);
      failed?.();
    });
  }
}

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_LOST', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);
