// The π framework's life at the master: subscribe when a job has work, keep the framework id across restarts
// (framework-store.ts) so that a restart is a failover, reconcile now and then, send calls only while
// subscribed, and remove the framework (TEARDOWN) when a job ends or is reset. What the events mean for the job
// is service.ts's business.
import { errorLine } from '../lib/error-line';
import type { Logger } from '../log';
import type { Credentials } from '../mesos/http';
import { type SchedulerCall, reconcile, teardown } from '../mesos/scheduler-calls';
import { SchedulerClient } from '../mesos/scheduler-client';
import type { SchedulerEvent } from '../mesos/scheduler-events';
import { type ConnectionState, SchedulerError } from '../mesos/scheduler-state';
import { FrameworkStore } from './framework-store';

export interface FrameworkLinkOptions {
  masters: string[];
  credentials?: Credentials;
  ca?: string | Buffer;
  framework: { user: string; name: string; role: string; failoverTimeoutSeconds: number; hostname?: string };
  logger: Logger;
  /** Where the framework id is kept; null for a one-shot framework. */
  stateDir: string | null;
  client?: { requestTimeoutMs?: number; backoffMinMs?: number; backoffMaxMs?: number };
  implicitReconcileMs?: number;
  onEvent: (e: SchedulerEvent) => void;
}

export class FrameworkLink {
  private readonly log: Logger;
  private readonly client: SchedulerClient;
  private readonly store: FrameworkStore | null;
  private frameworkId: string | undefined;
  /** The framework id being written, awaited by stop(). */
  private saving: Promise<void> = Promise.resolve();
  private implicitTimer: NodeJS.Timeout | undefined;
  /** Our own TEARDOWN, under way or done: the master's refusals that follow it are expected, not warnings. */
  private retirement: Promise<void> | null = null;

  constructor(private readonly o: FrameworkLinkOptions) {
    this.log = o.logger;
    this.store = o.stateDir ? new FrameworkStore(o.stateDir, o.logger) : null;
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
      onEvent: o.onEvent,
      ...o.client,
    });
  }

  get state(): ConnectionState {
    return this.client.state;
  }

  /** The framework id we are (or will fail over as), if any. */
  get id(): string | undefined {
    return this.frameworkId;
  }

  /** Whether our own TEARDOWN is under way or done. */
  get retiring(): boolean {
    return this.retirement !== null;
  }

  /**
   * Subscribes (after our own teardown, if one is under way, has ended) when `wanted` still holds then, with the
   * periodic reconciliation.
   */
  subscribe(wanted: () => boolean): void {
    const begin = () => {
      if (!wanted()) return;
      this.retirement = null;
      this.client.start();
      if (this.implicitTimer) return;
      this.implicitTimer = setInterval(() => this.call((fid) => reconcile(fid, [])), this.o.implicitReconcileMs ?? 15 * 60_000);
      this.implicitTimer.unref();
    };
    if (this.retirement) void this.retirement.then(begin);
    else begin();
  }

  /**
   * Removes our framework from the master (TEARDOWN kills whatever of ours still runs) and unsubscribes: a job
   * that ended stays ended, and an idle panel is not a framework. The next job subscribes as a new one.
   */
  retire(): Promise<void> {
    if (this.retirement) return this.retirement;
    // Without a subscription no TEARDOWN can be sent: the id is kept, so the next job fails over to the same
    // framework and kills whatever of the old job still runs (an update for a task no job knows).
    const fid = this.client.state.phase === 'subscribed' ? this.frameworkId : undefined;
    if (!fid && this.frameworkId) {
      const then = this.store ? 'the next job takes it over' : 'Mesos removes it after its failover timeout';
      this.log.info(`framework ${this.frameworkId} stays registered while no master answers; ${then}`);
    }
    this.stopReconciling();
    if (fid) {
      this.frameworkId = undefined;
      this.store?.clear();
    }
    const removed = fid
      ? this.client.teardown(teardown(fid)).catch((err: Error) => this.log.warn(`TEARDOWN failed: ${err.message}`))
      : this.client.stop();
    this.retirement = removed.then(() => this.log.debug(fid ? `framework ${fid} torn down` : 'unsubscribed'));
    return this.retirement;
  }

  /** Ends the periodic reconciliation. */
  stopReconciling(): void {
    clearInterval(this.implicitTimer);
    this.implicitTimer = undefined;
  }

  /** Stops the subscription; the framework stays registered so that a restart fails over to it. */
  async stop(): Promise<void> {
    this.stopReconciling();
    await this.client.stop();
    // A stopped service writes nothing more into its state folder, which its owner may remove next.
    await this.saving;
  }

  /** SUBSCRIBED: this is our id now, saved for the next start. */
  subscribed(fid: string): void {
    this.frameworkId = fid;
    this.saving = (this.store?.save(fid, this.o.masters) ?? Promise.resolve()).catch((err: unknown) => {
      this.log.error(`cannot save the framework id in ${this.o.stateDir}: ${errorLine(err)}; a restart will start a new framework`);
    });
  }

  /** The master removed our framework: forget its id, so that the next subscription starts a new one. */
  removed(): void {
    this.frameworkId = undefined;
    this.store?.clear();
  }

  /** Sends a call built for the current framework id; a failure is logged, and `failed` runs if given. */
  call(build: (frameworkId: string) => SchedulerCall, failed?: () => void): void {
    const fid = this.frameworkId;
    if (!fid || this.retirement || this.client.state.phase !== 'subscribed') {
      failed?.();
      return;
    }
    const c = build(fid);
    this.client.send(c).catch((err: unknown) => {
      // After our own TEARDOWN the master no longer knows the framework (400 "Framework cannot be found").
      const quiet = (err instanceof SchedulerError && err.kind === 'not-subscribed') || this.retirement !== null;
      if (!quiet) this.log.warn(`${c.type} failed: ${errorLine(err)}`);
      else if (this.retirement) this.log.debug(`${c.type} after our teardown: ${errorLine(err)}`);
      failed?.();
    });
  }
}
