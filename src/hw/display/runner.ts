// Turns a PanelDriver into a Display: show() only records the newest frame; one loop writes it, with exactly one
// frame in flight. Errors are logged on the edge (lost / answers again), retried with backoff, and a device that
// answers again is re-initialised and gets the whole current frame, so unplugging and replugging just works.
import type { Frame, Geometry } from '../../panel/frame';
import type { Display } from '../display';
import type { Logger } from '../../log';
import type { Level, PanelDriver } from './driver';
import type { WriteCounters } from './transport';
import { Backoff } from '../../lib/backoff';
import { errorLine, errorMessage } from '../../lib/error-line';

/** How long the runner waits after a failed write: doubling from initialMs up to maxMs, reset by a success. */
export interface RetryLimits {
  initialMs: number;
  maxMs: number;
}

export interface FrameCost extends WriteCounters {
  /** Whether the frame was sent in full (first frame, after an error) or as changed windows. */
  full: boolean;
}

/** What went wrong on the bus since start: failed steps (every retry counts) and re-initialisations after one. */
export interface DisplayFaults {
  errors: number;
  reinits: number;
}

/** A Display on a bus, with what each frame cost on the wire. */
export interface BusDisplay extends Display {
  /** Bytes and transactions of the last frame that reached the glass. */
  lastFrameCost(): FrameCost | undefined;
  /** Resolves when nothing is queued or in flight (tests, one-shot rendering). */
  idle(): Promise<void>;
  readonly sent: Readonly<WriteCounters>;
  readonly faults: Readonly<DisplayFaults>;
}

export class FrameRunner implements BusDisplay {
  readonly name: string;
  readonly geometry: Geometry;
  private pending: Frame | undefined;
  private current: Frame | undefined;
  private onGlass: Frame | undefined;
  private pendingLevel: Level | undefined;
  private level: Level = 'normal';
  private ready = false;
  private lost: string | undefined;
  private loop: Promise<void> | undefined;
  private closing = false;
  private wake: (() => void) | undefined;
  private cost: FrameCost | undefined;
  private warnedShape = false;
  private readonly backoff: Backoff;
  readonly faults: DisplayFaults = { errors: 0, reinits: 0 };

  constructor(
    private readonly driver: PanelDriver,
    private readonly log: Logger,
    limits: RetryLimits = { initialMs: 250, maxMs: 10_000 },
    private readonly onClose: () => Promise<void> = async () => undefined,
  ) {
    // No jitter: one device on one bus has no crowd of clients to spread out.
    this.backoff = new Backoff({ minMs: limits.initialMs, maxMs: limits.maxMs, jitter: 'none' });
    this.name = driver.name;
    this.geometry = driver.geometry;
  }

  get sent(): Readonly<WriteCounters> {
    return this.driver.transport.sent;
  }

  problem(): string | null {
    return this.lost ?? null;
  }

  show(frame: Frame): void {
    if (this.closing) return;
    if (frame.kind !== this.geometry.kind) {
      if (!this.warnedShape) this.log.warn(`cannot show a ${frame.kind} frame; choose a ${this.geometry.kind} size for this display`);
      this.warnedShape = true;
      return;
    }
    this.pending = frame;
    this.kick();
  }

  setLevel(level: Level): void {
    if (this.closing || level === this.level) return;
    this.level = level;
    this.pendingLevel = level;
    this.kick();
  }

  lastFrameCost(): FrameCost | undefined {
    return this.cost;
  }

  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  async close(leave: 'blank' | 'keep'): Promise<void> {
    if (this.closing) return this.idle();
    this.closing = true;
    this.wake?.(); // a loop waiting out a backoff gives up now
    await this.idle();
    if (leave === 'blank' && this.ready) {
      try {
        await this.driver.blank();
      } catch (e) {
        this.log.warn(`could not blank the display on exit: ${errorLine(e)}`);
      }
    }
    await this.onClose();
  }

  private kick(): void {
    if (this.loop) {
      this.wake?.();
      return;
    }
    this.loop = this.run().finally(() => (this.loop = undefined));
  }

  private async run(): Promise<void> {
    this.backoff.reset();
    while (this.pending || this.pendingLevel) {
      try {
        await this.step();
        this.backoff.reset();
      } catch (e) {
        this.fail(e);
        if (this.closing) return;
        await this.pause(this.backoff.next());
        if (this.closing) return;
      }
    }
  }

  private async step(): Promise<void> {
    if (!this.ready) {
      await this.driver.init();
      this.ready = true;
      this.onGlass = undefined;
      this.pendingLevel = this.level !== 'normal' ? this.level : undefined;
      if (this.lost) {
        this.faults.reinits++;
        this.log.info(`answers again; re-initialised, showing the current frame`);
      }
      this.lost = undefined;
      this.pending ??= this.current;
    }
    if (this.pendingLevel) {
      const level = this.pendingLevel;
      this.pendingLevel = undefined;
      await this.driver.setLevel(level);
    }
    const frame = this.pending;
    if (!frame) return;
    this.pending = undefined;
    this.current = frame;
    const before = { ...this.driver.transport.sent };
    const full = !this.onGlass;
    const onGlass = this.onGlass;
    this.onGlass = undefined; // half a frame on the glass is no base for a diff
    try {
      await this.driver.draw(frame, onGlass);
    } catch (e) {
      this.pending ??= frame;
      throw e;
    }
    this.onGlass = frame;
    const after = this.driver.transport.sent;
    this.cost = { bytes: after.bytes - before.bytes, transactions: after.transactions - before.transactions, full };
  }

  private fail(e: unknown): void {
    this.faults.errors++;
    this.ready = false;
    this.onGlass = undefined;
    this.pending ??= this.current;
    // The transport already turned bus failures into one-line errors; anything else is reported as it is.
    const message = errorMessage(e).split('\n')[0];
    if (message !== this.lost) this.log.warn(`${message}; retrying`);
    this.lost = message;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      // Retrying alone must not keep a process alive that has nothing else to do.
      const t = setTimeout(done, ms).unref();
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        // A new frame does not cut a backoff short, closing does.
        if (this.closing) done();
      };
    });
  }
}
