// The end of a finished exact job in the daemon: the Euler numbers (kept in stateDir, so a restart reads them
// rather than redoing the triangle), the enclosure and its certified string with the BBP check
// (final-digits.ts), recorded in the ledger. It runs on the event loop: for K in the thousands the Euler
// numbers take seconds the first time (bench/digits.ts), and the daemon has nothing else to do for the job.
import type { Logger } from '../log';
import { cachedEulerNumbers, eulerNumbers } from './euler';
import { finalDigits, latestDigits } from './final-digits';
import type { Ledger } from './ledger';

/** Certifies `l` if it is a finished exact job without a recorded outcome; true when it recorded one. */
export function certifyFinishedJob(l: Ledger, o: { stateDir: string | null; log: Logger; now: () => number }): boolean {
  const spec = l.spec;
  const r = l.result();
  if (spec.kernel !== 'exact' || l.final || !r) return false;
  const dir = o.stateDir;
  const euler = (count: number): bigint[] => {
    if (!dir) return eulerNumbers(count);
    try {
      return cachedEulerNumbers(dir, count);
    } catch (err) {
      o.log.warn(`cannot keep the Euler numbers in ${dir} (${(err as Error).message}); a restart computes them again`);
      return eulerNumbers(count);
    }
  };
  const started = o.now();
  const final = finalDigits(r.sum, r.eps, r.terms, spec, euler);
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
