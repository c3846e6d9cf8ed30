// The end of a digits job in the daemon: the Euler numbers, the enclosure and its certified string with the BBP
// check (final-digits.ts), recorded in the ledger. The Euler numbers are started with the job, so they are built
// while its terms run, as the planner (digits-plan.ts) counts on: in a worker that keeps them in stateDir
// (euler-worker.ts), so the event loop keeps running, the daemon's heap never holds their temporaries, and a
// restart reads them. The one-shot command has no stateDir and builds them in its own thread once the terms are
// in. The enclosure is two big divisions and BBP milliseconds, so they run in the daemon's thread.
import type { Logger } from '../log';
import { eulerNumbers } from './euler';
import { eulerNumbersInWorker } from './euler-worker';
import { finalDigits, latestDigits } from './final-digits';
import type { Ledger } from './ledger';

export class JobCertifier {
  /** The Euler numbers of the current digits job, under way or built. */
  private ahead: { jobId: string; numbers: Promise<bigint[]> } | null = null;

  constructor(private readonly o: { stateDir: string | null; log: Logger; now: () => number }) {}

  /** Starts building a digits job's Euler numbers (with a state directory; nothing for other jobs). */
  prefetch(l: Ledger): void {
    const dir = this.o.stateDir;
    if (!dir || l.spec.kernel !== 'exact') return;
    const numbers = eulerNumbersInWorker(dir, l.spec.corrections + 1);
    numbers.catch(() => undefined); // said by certify(), which awaits them
    this.ahead = { jobId: l.jobId, numbers };
  }

  /** The job was reset: its numbers are no longer wanted (a worker under way still stores them). */
  forget(): void {
    this.ahead = null;
  }

  /**
   * Certifies `l` if it is a finished exact job without a recorded outcome; resolves to true when it recorded
   * one. When the Euler numbers cannot be had (the worker ran out of its heap), says why in the log and records
   * nothing, so a restart tries again.
   */
  async certify(l: Ledger): Promise<boolean> {
    const { log, now, stateDir } = this.o;
    const spec = l.spec;
    const r = l.result();
    if (spec.kernel !== 'exact' || l.final || !r) return false;
    const count = spec.corrections + 1;
    const started = now();
    let euler: bigint[];
    try {
      const ahead = this.ahead?.jobId === l.jobId ? this.ahead.numbers : null;
      euler = await (ahead ?? (stateDir ? eulerNumbersInWorker(stateDir, count) : eulerNumbers(count)));
    } catch (err) {
      log.error(`π job ${l.jobId}: no digits certified: ${(err as Error).message}`);
      return false;
    }
    if (l.final) return false; // certified meanwhile by an earlier call
    const final = finalDigits(r.sum, r.eps, r.terms, spec, () => euler);
    l.setFinal(final);
    const took = ((now() - started) / 1000).toFixed(1);
    if (final.kind === 'refuted') log.error(`π job ${l.jobId}: CHECK FAILED, no digits certified: ${final.message}`);
    else {
      log.info(
        `π job ${l.jobId}: ${final.decimals} decimals certified with ${spec.corrections} Euler corrections at ${spec.bits} bits in ${took} s; BBP agrees at hexadecimal position ${final.bbp.position} (${final.bbp.hex}); last digits ${latestDigits(final.digits, 20)}`,
      );
    }
    return true;
  }
}
