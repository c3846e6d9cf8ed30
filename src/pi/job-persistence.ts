// The π job on disk for the service: the ledger saved in stateDir at most once a second while it changes
// (ledger-store.ts), and two kinds of calls held until the ledger they follow from is in a saved file:
// - acknowledgements of results: Mesos never resends an acknowledged TASK_FINISHED, so acknowledging before
//   the save would let a SIGKILL in between lose it; held, the agent resends it to the next daemon;
// - launches: a task id Mesos has seen must be in the file, or a restarted daemon would carve the same chunk
//   again under the same task id, and Mesos task ids must never be reused within a framework.
// A launch holds a task slot idle until its save, so it does not wait out the throttle when the save budget
// allows: a token bucket of one save per second on average (the SD card's share), with a small burst.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { LedgerOptions } from './chunk-sizing';
import type { Ledger } from './ledger';
import { type SaverTimer, ThrottledSaver, loadLedger, realTimer, saveLedger } from './ledger-store';

export const LEDGER_FILE = 'pi-ledger.json';
/** Saves per second on average. */
const SAVES_PER_SECOND = 1;
/**
 * How many saves may come back to back: enough for the start of a job on a cluster of up to six agents (the
 * job itself, the first launches, then one launch per agent as its timing chunk returns) without a slot
 * waiting out the throttle. With three, the second round waited up to a second: 0.87 framework efficiency in
 * daemon mode against 0.92 without saving (bench/framework.ts, 1e10 terms).
 */
export const SAVE_BURST = 8;

export class JobPersistence {
  readonly file: string;
  private readonly saver: ThrottledSaver;
  private held: (() => void)[] = [];
  private tokens = SAVE_BURST;
  private tokensAt: number;
  private readonly timer: SaverTimer;
  private readonly write: (ledger: Ledger | null) => Promise<void>;

  /** `timer` and `write` (the file writing itself) are for tests. */
  constructor(
    dir: string,
    private readonly current: () => Ledger | null,
    private readonly log: Logger,
    deps: { timer?: SaverTimer; write?: (ledger: Ledger | null) => Promise<void> } = {},
  ) {
    this.file = join(dir, LEDGER_FILE);
    this.timer = deps.timer ?? realTimer;
    this.tokensAt = this.timer.now();
    this.write = deps.write ?? (async (ledger) => {
      await fs.mkdir(dir, { recursive: true });
      // No job (reset) is saved as no file, so a restart does not bring the old job back.
      if (ledger) await saveLedger(this.file, ledger);
      else await fs.rm(this.file, { force: true });
    });
    const timer = this.timer;
    this.saver = new ThrottledSaver(
      () => this.save(),
      (err) => this.log.error(`cannot save the π ledger to ${this.file}: ${err.message}; will retry`),
      timer,
      1000 / SAVES_PER_SECOND,
    );
  }

  /** The saved job, or null; an unusable file is moved aside and logged by loadLedger. */
  load(now: number, options: LedgerOptions): Promise<Ledger | null> {
    return loadLedger(this.file, { now, log: this.log, options });
  }

  changed(): void {
    this.saver.markDirty();
  }

  /** Runs `call` once the ledger as it is now has been saved, within the throttle's second. */
  afterSave(call: () => void): void {
    this.held.push(call);
    this.saver.markDirty();
  }

  /** As afterSave, but saves at once if the budget has a save to spare: a task slot waits for this one. */
  launchAfterSave(launch: () => void): void {
    this.held.push(launch);
    this.saver.markDirty();
    if (this.refill() >= 1) void this.saver.flush();
  }

  /** Saves what changed now, and sends what waited for it. */
  async flush(): Promise<void> {
    await this.saver.flush();
  }

  /** Saves what changed, then writes no more (the service has stopped). */
  async close(): Promise<void> {
    await this.saver.close();
  }

  /** Calls still waiting when the service stops: the agents resend the updates, the offers are gone anyway. */
  dropHeld(): void {
    this.held = [];
  }

  private refill(): number {
    const now = this.timer.now();
    this.tokens = Math.min(SAVE_BURST, this.tokens + ((now - this.tokensAt) / 1000) * SAVES_PER_SECOND);
    this.tokensAt = now;
    return this.tokens;
  }

  private async save(): Promise<void> {
    this.refill();
    this.tokens -= 1; // throttled saves spend the budget too, so launches only use what they leave
    const calls = this.held;
    this.held = [];
    const ledger = this.current();
    try {
      await this.write(ledger);
    } catch (err) {
      this.held = [...calls, ...this.held];
      throw err;
    }
    for (const call of calls) call();
  }
}
