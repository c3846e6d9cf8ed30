// The π job on disk for the service: the ledger saved in stateDir at most once a second while it changes
// (ledger-store.ts), and two kinds of calls held until the ledger they follow from is in a saved file:
// - acknowledgements of results: Mesos never resends an acknowledged TASK_FINISHED, so acknowledging before
//   the save would let a SIGKILL in between lose it; held, the agent resends it to the next daemon;
// - launches: a task id Mesos has seen must be in the file, or a restarted daemon would carve the same chunk
//   again under the same task id, and Mesos task ids must never be reused within a framework.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { Ledger, LedgerOptions } from './ledger';
import { ThrottledSaver, loadLedger, saveLedger } from './ledger-store';

export const LEDGER_FILE = 'pi-ledger.json';

export class JobPersistence {
  readonly file: string;
  private readonly saver: ThrottledSaver;
  private held: (() => void)[] = [];

  constructor(
    dir: string,
    private readonly current: () => Ledger | null,
    private readonly log: Logger,
  ) {
    this.file = join(dir, LEDGER_FILE);
    this.saver = new ThrottledSaver(
      () => this.save(dir),
      (err) => this.log.error(`cannot save the π ledger to ${this.file}: ${err.message}; will retry`),
    );
  }

  /** The saved job, or null; an unusable file is moved aside and logged by loadLedger. */
  load(now: number, options: LedgerOptions): Promise<Ledger | null> {
    return loadLedger(this.file, { now, log: this.log, options });
  }

  changed(): void {
    this.saver.markDirty();
  }

  /** Runs `call` once the ledger as it is now has been saved. */
  afterSave(call: () => void): void {
    this.held.push(call);
    this.saver.markDirty();
  }

  /** Saves what changed now, and sends what waited for it. */
  async flush(): Promise<void> {
    await this.saver.flush();
  }

  /** Calls still waiting when the service stops: the agents resend the updates, the offers are gone anyway. */
  dropHeld(): void {
    this.held = [];
  }

  private async save(dir: string): Promise<void> {
    const calls = this.held;
    this.held = [];
    const ledger = this.current();
    try {
      await fs.mkdir(dir, { recursive: true });
      // No job (reset) is saved as no file, so a restart does not bring the old job back.
      if (ledger) await saveLedger(this.file, ledger);
      else await fs.rm(this.file, { force: true });
    } catch (err) {
      this.held = [...calls, ...this.held];
      throw err;
    }
    for (const call of calls) call();
  }
}
