// The π job on disk for the service: the ledger saved in stateDir at most once a second while it changes
// (ledger-store.ts), and the acknowledgements of finished chunks held until their results are in a saved
// file. An acknowledged TASK_FINISHED is never sent again by Mesos, so acknowledging before the save would
// let a SIGKILL in between lose the result; holding the ack makes the agent resend it to the next daemon.
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

  /** Runs `ack` once the ledger as it is now has been saved. */
  ackAfterSave(ack: () => void): void {
    this.held.push(ack);
    this.saver.markDirty();
  }

  /** Saves what changed now; held acknowledgements stay held if the service is stopping. */
  async flush(): Promise<void> {
    await this.saver.flush();
  }

  /** Acknowledgements that were still waiting; the agents resend those updates to the next subscriber. */
  dropHeld(): void {
    this.held = [];
  }

  private async save(dir: string): Promise<void> {
    const acks = this.held;
    this.held = [];
    const ledger = this.current();
    try {
      await fs.mkdir(dir, { recursive: true });
      // No job (reset) is saved as no file, so a restart does not bring the old job back.
      if (ledger) await saveLedger(this.file, ledger);
      else await fs.rm(this.file, { force: true });
    } catch (err) {
      this.held = [...acks, ...this.held];
      throw err;
    }
    for (const ack of acks) ack();
  }
}
