// The π job as the screens show it (PiView), as a pure function of the ledger.
// Digits are certified on the longest finished prefix [0, M), whose sum is exactly S_M, so the display
// converges while the job runs; they are recomputed only when that prefix grows. An exact job (asked for by
// digits) shows the same while its chunks run, from its sum cut to 2^-200, and its whole certified string
// once the daemon certified the finished sum (certify-job.ts).
import { certifiedDigits, DEFAULT_CORRECTIONS, type Certified } from './digits';
import { SCALE_BITS } from './exact';
import { latestDigits } from './final-digits';
import type { Ledger } from './ledger';

/** How many of the last certified decimals a view carries: more than a 20-column LCD or a 128-pixel line shows. */
const LATEST_DIGITS = 24;

/** What a job asked for by digits adds to the view. */
export interface DigitsView {
  /** Working precision of the exact chunks, bits. */
  bits: number;
  corrections: number;
  /** 'summing' while chunks run (decimals are the prefix's, as for any job), then the outcome of the certification. */
  phase: 'summing' | 'certified' | 'refuted';
  /** Decimals certified so far. */
  decimals: number;
  /** The last certified decimals (up to LATEST_DIGITS), the ones that locked in last; "" before any. */
  latest: string;
}

/** The π job as the screens show it; display-ready. */
export interface PiView {
  state: 'idle' | 'running' | 'done' | 'error';
  /** Why the framework cannot subscribe or the job cannot run, in words, or null. */
  problem: string | null;
  termsDone: number;
  termsTotal: number;
  /** Certified digits of the raw sum S_N, e.g. "3.14159", or "" when none are certified yet. */
  rawDigits: string;
  /** Certified digits of the Euler-corrected estimate. */
  correctedDigits: string;
  termsPerSecond: number;
  tasks: { running: number; finished: number; failed: number };
  elapsedSeconds: number;
  /** null when unknown. */
  etaSeconds: number | null;
  /** Only for a job asked for by digits. */
  digits?: DigitsView;
}

export interface PiViewExtra {
  /** Why the framework cannot subscribe or the job cannot run, or null. */
  problem: string | null;
  /** Euler corrections for the corrected digits; default 2. */
  corrections?: number;
  /** The job stopped launching on failures: shown as idle with the reason, so that a long press resumes it. */
  paused?: boolean;
  /** The job size shown while idle (from config). */
  idleTerms?: number;
}

const cache = new WeakMap<Ledger, { terms: number; corrections: number; raw: Certified; corrected: Certified }>();

/** Certified digits of the ledger's finished prefix, or null before the first prefix chunk is done. */
export function prefixDigits(ledger: Ledger, corrections = DEFAULT_CORRECTIONS): { terms: number; raw: Certified; corrected: Certified } | null {
  const p = ledger.prefix();
  if (p.terms === 0) return null;
  const hit = cache.get(ledger);
  if (hit && hit.terms === p.terms && hit.corrections === corrections) return hit;
  const { sum, eps } = at200(p, ledger.scaleBits);
  const entry = { terms: p.terms, corrections, ...certifiedDigits(sum, eps, p.terms, corrections) };
  cache.set(ledger, entry);
  return entry;
}

/**
 * A sum and its error bound counted in 2^-bits as counts of 2^-200 (exact.ts's scale), the sum floored and the
 * bound rounded up with one unit more for that floor: an exact job's 2^-bits hold thousands of decimals, the
 * 2^-200 ~60, far more than a few corrections certify.
 */
export function at200(t: { sum: bigint; eps: bigint }, bits: number): { sum: bigint; eps: bigint } {
  const cut = BigInt(bits - SCALE_BITS);
  return cut > 0n ? { sum: t.sum >> cut, eps: (t.eps >> cut) + 2n } : t;
}

export function piView(ledger: Ledger | null, now: number, extra: PiViewExtra): PiView {
  const { problem } = extra;
  if (!ledger) {
    return {
      state: problem ? 'error' : 'idle', problem, termsDone: 0, termsTotal: extra.idleTerms ?? 0, rawDigits: '', correctedDigits: '',
      termsPerSecond: 0, tasks: { running: 0, finished: 0, failed: 0 }, elapsedSeconds: 0, etaSeconds: null,
    };
  }
  const p = ledger.progress(now);
  const d = prefixDigits(ledger, extra.corrections);
  const c = ledger.counters;
  const final = ledger.final;
  // A failed check shows its reason and no digit at all: the check exists so that wrong digits never reach a screen.
  const refuted = final?.kind === 'refuted' ? final.message : null;
  const corrected = final?.kind === 'certified' ? final.digits : refuted ? '' : (d?.corrected.digits ?? '');
  const spec = ledger.spec;
  return {
    state: refuted ? 'error' : ledger.isDone() ? 'done' : extra.paused ? 'idle' : problem ? 'error' : 'running',
    problem: refuted ?? problem,
    termsDone: p.termsDone,
    termsTotal: p.termsTotal,
    rawDigits: refuted ? '' : (d?.raw.digits ?? ''),
    correctedDigits: corrected,
    termsPerSecond: p.termsPerSecond,
    tasks: { running: ledger.runningCount(), finished: c.finished, failed: c.failed + c.lost },
    elapsedSeconds: p.elapsedSeconds,
    etaSeconds: p.etaSeconds,
    ...(spec.kernel === 'exact' && {
      digits: {
        bits: spec.bits,
        corrections: spec.corrections,
        phase: final?.kind ?? 'summing',
        decimals: Math.max(0, corrected.length - 2),
        latest: latestDigits(corrected, LATEST_DIGITS),
      },
    }),
  };
}
