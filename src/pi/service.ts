// The π framework as the daemon runs it: one SchedulerClient subscription, the job ledger, and
// the rules that join them (Mesos docs/scheduler-http-api.md, Mesos docs/reconciliation.md). Offers become chunk launches (offers.ts), updates
// go to the ledger and are acknowledged only after it took them, and the framework id survives restarts
// (framework-link.ts), so a restart is a failover and running tasks still report.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log';
import type { Credentials } from '../mesos/http';
import { acknowledge, accept, decline, kill, reconcile, revive, suppress } from '../mesos/scheduler-calls';
import type { ConnectionState } from '../mesos/scheduler-state';
import { describeWaitStatus, exitCode, type Offer, type SchedulerEvent, type TaskStatus } from '../mesos/scheduler-events';
import type { PiView } from './view';
import type { Certified } from './digits';
import type { ExactSpec } from './chunk-result';
import { JobCertifier } from './certify-job';
import { FrameworkLink } from './framework-link';
import { JobPersistence } from './job-persistence';
import type { KernelName } from './kernel';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from './chunk-sizing';
import { IDLE_PROBLEM_MS, idleProblem } from './idle-problem';
import { Ledger } from './ledger';
import type { FailurePolicyOptions } from './failure-policy';
import { FailureWatch } from './failure-watch';
import { type ExecutorSpec, type TaskResources, tasksForOffer } from './offers';
import { Reconciler } from './reconciler';
import { SmallOffers } from './small-offers';
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

/** A job asked for by digits, as a planner chose it: N terms, K Euler corrections, chunks exact at P bits. */
export interface DigitsSpec {
  terms: number;
  corrections: number;
  bits: number;
}

export class PiService {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly link: FrameworkLink;
  private readonly persistence: JobPersistence | null;
  private readonly reconciler: Reconciler;
  private ledger: Ledger | null = null;
  private suppressed = false;
  private subscribedAt = 0;
  private lastOfferAt = 0;
  /** When a job last started or launched a task. */
  private lastLaunchAt = 0;
  private readonly smallOffers: SmallOffers;
  private stopped = false;
  private readonly failures: FailureWatch;
  private readonly certifier: JobCertifier;

  constructor(private readonly o: PiServiceOptions) {
    this.log = o.logger;
    this.now = o.now ?? Date.now;
    this.link = new FrameworkLink({ ...o, onEvent: (e) => this.onEvent(e) });
    this.smallOffers = new SmallOffers(o.executor, o.resources, IDLE_PROBLEM_MS);
    this.persistence = o.stateDir ? new JobPersistence(o.stateDir, () => this.ledger, o.logger) : null;
    this.certifier = new JobCertifier({ stateDir: o.stateDir, log: o.logger, now: this.now });
    const f = o.framework;
    this.failures = new FailureWatch({
      settings: { nodePath: o.executor.nodePath, user: f.user, executorUrl: o.executor.url },
      logger: o.logger,
      policy: o.failurePolicy,
      credentials: o.credentials,
      ca: o.ca,
      onPause: (p) => this.log.warn(`${p.line}; a long press resumes the job, and so does a task that succeeds`),
    });
    this.reconciler = new Reconciler((tasks) => this.link.call((fid) => reconcile(fid, tasks)), () => this.ledger?.launchedTasks() ?? []);
  }

  /**
   * Loads a saved job and subscribes only if it has work left: an idle panel stays off the master's list of
   * frameworks, and registers when a job starts.
   */
  async open(): Promise<void> {
    const saved = await this.persistence?.load(this.now(), this.o.ledgerOptions ?? DEFAULT_LEDGER_OPTIONS);
    if (!saved) return;
    this.ledger = saved;
    // A daemon killed between the last result and its certification certifies on the way up.
    if (saved.isDone()) return void this.certify(saved);
    this.certifier.prefetch(saved);
    const t = saved.total();
    this.log.info(`resuming π job ${saved.jobId}: ${t.termsDone} of ${saved.terms} terms done, ${saved.runningCount()} tasks to reconcile`);
    this.subscribe();
  }

  /** Subscribes while the job has work left (the link waits for our own teardown to end first). */
  private subscribe(): void {
    this.link.subscribe(() => !this.stopped && this.ledger !== null && !this.ledger.isDone());
  }

  /** Removes the framework from the master (framework-link.ts), and with it the reconciliation of this job. */
  private retire(): Promise<void> {
    if (!this.link.retiring) this.reconciler.stop();
    return this.link.retire();
  }

  get connection(): ConnectionState {
    return this.link.state;
  }

  /** The ledger of the current job, for the CLI's summary; null when idle. */
  get job(): Ledger | null {
    return this.ledger;
  }

  /** Starts a job of the configured terms and kernel, or resumes a paused one. */
  start(): void {
    const { terms, kernel } = this.o.job;
    this.begin(terms, kernel, `kernel ${kernel}`);
  }

  /**
   * Starts a job asked for by digits: exact chunks at `bits`, then `corrections` Euler corrections and the BBP
   * check once the last chunk is in. As start(), a job that has not finished resumes instead. Throws
   * LedgerError (one line) for a spec no task could run.
   */
  startDigits(spec: DigitsSpec): void {
    const exact: ExactSpec = { kernel: 'exact', bits: spec.bits, corrections: spec.corrections };
    this.begin(spec.terms, exact, `exact at ${spec.bits} bits, ${spec.corrections} Euler corrections`);
  }

  private begin(terms: number, kernel: Parameters<typeof Ledger.create>[2], said: string): void {
    // A paused job resumes where it stopped: its ledger was kept.
    if (this.ledger && !this.ledger.isDone()) return this.failures.resume();
    // So is a finished digits job whose digits are not in yet: a daemon killed before it certified them certifies
    // them on the way up (open), and pi.autoStart right after must not throw the job's terms away for a new one;
    // a certification that failed said why in the log and tries again at the next start of the daemon.
    if (this.ledger && this.ledger.spec.kernel === 'exact' && this.ledger.isDone() && !this.ledger.final) return;
    const jobId = randomBytes(6).readUIntBE(0, 6).toString(36);
    this.ledger = Ledger.create(jobId, terms, kernel, this.now(), this.o.ledgerOptions ?? DEFAULT_LEDGER_OPTIONS);
    this.log.info(`π job ${jobId}: ${terms} terms, ${said}`);
    this.certifier.prefetch(this.ledger);
    this.lastLaunchAt = this.now();
    this.persistence?.changed();
    this.subscribe();
  }

  /** Forgets the job; the teardown that follows kills its tasks (Mesos docs/scheduler-http-api.md TEARDOWN). */
  reset(): void {
    const ledger = this.ledger;
    if (!ledger) return;
    this.log.info(`π job ${ledger.jobId} reset with ${ledger.runningCount()} tasks killed`);
    this.ledger = null;
    this.certifier.forget();
    this.failures.resume();
    this.persistence?.changed();
    void this.retire();
  }

  /** Stops the subscription and saves the job; the framework stays registered so that a restart fails over to it. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.link.stopReconciling();
    this.reconciler.stop();
    await this.link.stop();
    await this.persistence?.close();
    // Updates not acknowledged are resent by the agents to the next subscriber.
    this.persistence?.dropHeld();
  }

  /** Removes the framework for good (the one-shot `pi` command), then stops. */
  async teardown(): Promise<void> {
    await this.retire();
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

  /** Agents the master said are gone and that have not offered since: the dashboard shows them lost at once. */
  get goneAgents(): ReadonlySet<string> {
    return this.failures.gone;
  }

  /** Certified digits of the longest finished prefix (the whole S_N once the job is done). */
  certified(): { terms: number; raw: Certified; corrected: Certified } | null {
    return this.ledger ? prefixDigits(this.ledger, this.o.job.corrections) : null;
  }

  private problem(now: number): string | null {
    const { ledger, subscribedAt, lastLaunchAt, lastOfferAt } = this;
    return idleProblem({ connection: this.link.state, ledger, subscribedAt, lastLaunchAt, lastOfferAt, resources: this.o.resources, role: this.o.framework.role }, now);
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
    const how = code === 0 ? 'exited normally' : f.status !== undefined ? describeWaitStatus(f.status) : 'ended';
    this.log[code === 0 ? 'debug' : 'warn'](`executor ${f.executor_id.value} on agent ${agent} ${how}`);
  }

  private onSubscribed(fid: string): void {
    if (this.link.id !== undefined && this.link.id !== fid) {
      // A new id: no task of the old one will report to us again.
      const n = this.ledger?.requeueAllLaunched() ?? 0;
      this.persistence?.changed();
      this.log.warn(`subscribed as a new framework ${fid} (was ${this.link.id}); ${n} running chunks wait again`);
    }
    this.link.subscribed(fid);
    this.subscribedAt = this.now();
    // The master forgets suppression and filters across a resubscribe; say again what we want.
    this.suppressed = false;
    this.syncOffers(true);
    this.reconciler.begin();
  }

  private onError(message: string): void {
    if (this.link.retiring || !/framework has been removed/i.test(message)) return;
    // The id is retired (failover timeout passed, or torn down): start fresh, re-queue what had no result.
    const n = this.ledger?.requeueAllLaunched() ?? 0;
    this.persistence?.changed();
    this.log.warn(`framework ${this.link.id} was removed by the master; subscribing anew, ${n} chunks re-queued`);
    this.link.removed();
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
      const small = l && waiting ? this.smallOffers.declined(offer, l.jobId, l.launchedTasks().some((t) => t.agentId === offer.agent_id.value), this.now()) : null;
      if (small) this.log.info(small);
      this.link.call((fid) => decline(fid, [offer.id.value], this.o.refuseSeconds));
      this.syncOffers(false);
      return;
    }
    this.lastLaunchAt = this.now();
    this.log.debug(`offer ${offer.id.value} on ${offer.hostname}: launching ${tasks.map((t) => t.task_id.value).join(', ')}`);
    const launch = () =>
      this.link.call(
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
        if (outcome.supersededTaskId) this.link.call((fid) => kill(fid, outcome.supersededTaskId!));
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
        this.failures.failed(s, this.link.id, this.now);
        this.syncOffers(true);
        break;
      case 'invalid':
      case 'mismatch':
        this.log.warn(outcome.message);
        if (outcome.kind === 'invalid') this.failures.failed(s, this.link.id, this.now, { kind: 'kernel', message: outcome.message });
        this.syncOffers(outcome.kind === 'invalid');
        break;
      case 'unknown':
      case 'stale':
        // Not (or no longer) ours to run: a task of an old job, or a relaunched chunk's first copy.
        if (!TERMINAL.has(s.state)) {
          this.log.info(`task ${taskId} is ${s.state} but ${outcome.kind === 'unknown' ? outcome.message : 'its chunk is elsewhere'}; killing it`);
          this.link.call((fid) => kill(fid, taskId, s.agent_id?.value));
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
      const ack = () => this.link.call((fid) => acknowledge(fid, agentId, taskId, s.uuid!));
      if (this.persistence && s.state === 'TASK_FINISHED') this.persistence.afterSave(ack);
      else ack();
    }
  }

  private onJobDone(l: Ledger): void {
    const p = l.progress(this.now());
    const d = this.certified();
    const said = d ? `; raw ${d.raw.digits} (${d.raw.decimals} decimals certified), corrected ${d.corrected.digits} (${d.corrected.decimals} decimals certified, ${this.o.job.corrections} Euler corrections)` : '';
    this.log.info(`π job ${l.jobId} done: ${l.terms} terms in ${p.elapsedSeconds.toFixed(1)} s${l.spec.kernel === 'exact' ? '' : said}`);
    this.syncOffers(false);
    // After the acknowledgement of this last update is on its way (onUpdate sends it next).
    queueMicrotask(() => void this.retire());
    // A digits job is done once its digits are certified (or refuted): that is what the `pi` command prints.
    void this.certify(l).then(() => this.o.onDone?.());
  }

  /** Certifies a finished digits job (certify-job.ts) and saves what it found. */
  private async certify(l: Ledger): Promise<void> {
    if (await this.certifier.certify(l)) this.persistence?.changed();
  }

  /** SUPPRESS while no chunk waits; REVIVE when one does and offers are off, or always when `revive`. */
  private syncOffers(reviveNow: boolean): void {
    const want = this.ledger?.hasWaiting() ?? false;
    const roles = [this.o.framework.role];
    if (want && (reviveNow || this.suppressed)) {
      this.suppressed = false;
      this.link.call((fid) => revive(fid, roles));
    } else if (!want && !this.suppressed) {
      this.suppressed = true;
      this.link.call((fid) => suppress(fid, roles));
    }
  }
}

const TERMINAL = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_LOST', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);
