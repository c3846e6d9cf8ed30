// Polls the leading master's /state on a timer and keeps what the panel shows: the last good snapshot with the
// time it was taken, and whether the source is up. While no master answers it backs off exponentially with
// full jitter, from intervalMs up to maxBackoffMs (default max(intervalMs, 30 s): long enough not to hammer a
// recovering master, short enough that the panel notices a failover within half a minute), and keeps the last
// snapshot so the panel can show its age. Logs only on edges: master found, lost, back, leader changed.
import type { Logger } from '../log';
import type { SourceStatus } from './source-status';
import { Backoff } from './backoff';
import type { ClusterSnapshot } from './snapshot';
import type { StateResult } from './state-client';

/** What the poller needs from a StateClient. */
export interface StateSource {
  fetchState(): Promise<StateResult>;
  readonly lastTried: string;
}

export interface StatePollerOptions {
  intervalMs: number;
  /** Longest wait between retries while no master answers; default max(intervalMs, 30 000). */
  maxBackoffMs?: number;
  /** Uniform in [0, 1), for the jitter; default Math.random. */
  random?: () => number;
  /** ms since epoch; default Date.now. */
  now?: () => number;
}

export interface StatePollerDeps {
  source: StateSource;
  logger: Logger;
  /** Called after every poll, success or failure, so the daemon can redraw. Errors it throws are logged. */
  onChange?: (view: StateView) => void;
}

export interface StateView {
  snapshot: ClusterSnapshot | null;
  /** ms since epoch when `snapshot` was fetched, or null. */
  snapshotAt: number | null;
  status: SourceStatus;
}

const DEFAULT_MAX_BACKOFF_MS = 30_000;

export class StatePoller {
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by start and stop, so a poll that lands after stop() changes nothing. */
  private generation = 0;
  private running = false;
  private backoff: Backoff | null = null;
  private view: StateView | null = null;
  private onChangeFailing = false;

  constructor(
    private readonly deps: StatePollerDeps,
    private readonly opts: StatePollerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation++;
    const maxMs = this.opts.maxBackoffMs ?? Math.max(this.opts.intervalMs, DEFAULT_MAX_BACKOFF_MS);
    this.backoff = new Backoff({ minMs: this.opts.intervalMs, maxMs, jitter: 'full', random: this.opts.random });
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  current(): StateView {
    return this.view ?? { snapshot: null, snapshotAt: null, status: { master: this.deps.source.lastTried, ok: false, downSince: null, lastError: null } };
  }

  private schedule(delayMs: number): void {
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll(generation);
    }, delayMs);
  }

  private async poll(generation: number): Promise<void> {
    let delay: number;
    try {
      const result = await this.deps.source.fetchState();
      if (generation !== this.generation) return;
      this.succeeded(result);
      this.backoff?.reset();
      delay = this.opts.intervalMs;
    } catch (err) {
      if (generation !== this.generation) return;
      this.failed(err);
      delay = this.backoff?.next() ?? this.opts.intervalMs;
    }
    this.notify();
    if (this.running && generation === this.generation) this.schedule(delay);
  }

  private succeeded(r: StateResult): void {
    const before = this.current();
    const now = this.now();
    const leader = r.leader ?? 'unknown';
    if (!before.status.ok) {
      const down = before.status.downSince;
      this.deps.logger.info(
        down === null
          ? `found master ${r.master}, leader ${leader}`
          : `master ${r.master} answers again, leader ${leader}, after ${Math.round((now - down) / 1000)} s without one`,
      );
    } else if (before.snapshot?.leader !== r.leader || before.status.master !== r.master) {
      this.deps.logger.info(`leader changed: ${before.snapshot?.leader ?? 'unknown'} at ${before.status.master} → ${leader} at ${r.master}`);
    }
    this.view = { snapshot: r.snapshot, snapshotAt: now, status: { master: r.master, ok: true, downSince: null, lastError: null } };
  }

  private failed(err: unknown): void {
    const before = this.current();
    const message = oneLine(err);
    const firstFailure = before.status.ok || before.status.downSince === null;
    if (firstFailure) {
      this.deps.logger.warn(
        before.status.ok ? `lost master ${before.status.master}: ${message}` : `no master answers: ${message}`,
      );
    }
    this.view = {
      snapshot: before.snapshot,
      snapshotAt: before.snapshotAt,
      status: {
        master: this.deps.source.lastTried,
        ok: false,
        downSince: firstFailure ? this.now() : before.status.downSince,
        lastError: message,
      },
    };
  }

  private notify(): void {
    if (!this.deps.onChange) return;
    try {
      this.deps.onChange(this.current());
      this.onChangeFailing = false;
    } catch (err) {
      // Once per streak: a redraw that fails on every poll must not flood the journal.
      if (!this.onChangeFailing) this.deps.logger.error(`redraw after a /state poll failed: ${oneLine(err)}`);
      this.onChangeFailing = true;
    }
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' | ');
}
