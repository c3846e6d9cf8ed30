// The end of a finished exact job in the daemon: the Euler numbers, the enclosure and its certified string with
// the BBP check (final-digits.ts), recorded in the ledger. With a state directory the Euler numbers come from it
// or from a worker thread that also keeps them there (euler-worker.ts), so a restart reads them, the event loop
// keeps running for the seconds to minutes they take, and the daemon's heap never holds their temporaries;
// without one (the one-shot `pi` command) they are built in this thread. The enclosure is two big divisions and
// BBP milliseconds, so the rest runs here.
import type { Logger } from '../log';
import { eulerNumbers } from './euler';
import { eulerNumbersInWorker } from './euler-worker';
import { finalDigits, latestDigits } from './final-digits';
import type { Ledger } from './ledger';

/**
 * Certifies `l` if it is a finished exact job without a recorded outcome; resolves to true when it recorded one.
 * When the Euler numbers cannot be had (the worker ran out of its heap), says why in the log and records nothing,
 * so a restart tries again.
 */
export async function certifyFinishedJob(l: Ledger, o: { stateDir: string | null; log: Logger; now: () => number }): Promise<boolean> {
  const spec = l.spec;
  const r = l.result();
  if (spec.kernel !== 'exact' || l.final || !r) return false;
  const count = spec.corrections + 1;
  const started = o.now();
  let euler: bigint[];
  try {
    euler = o.stateDir ? await eulerNumbersInWorker(o.stateDir, count) : eulerNumbers(count);
  } catch (err) {
    o.log.error(`π job ${l.jobId}: no digits certified: ${(err as Error).message}`);
    return false;
  }
  if (l.final) return false; // certified meanwhile by an earlier call
  const final = finalDigits(r.sum, r.eps, r.terms, spec, () => euler);
  l.setFinal(final);
  const took = ((o.now() - started) / 1000).toFixed(1);
  if (final.kind === 'refuted') o.log.error(`π job ${l.jobId}: CHECK FAILED, no digits certified: ${final.message}`);
  else {
    o.log.info(
      `π job ${l.jobId}: ${final.decimals} decimals certified with ${spec.corrections} Euler corrections at ${spec.bits} bits in ${took} s; BBP agrees at hexadecimal position ${final.bbp.position} (${final.bbp.hex}); last digits ${latestDigits(final.digits, 20)}`,
    );
  }
  return true;
}
