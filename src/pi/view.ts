// The π job as the screens show it (PiView), as a pure function of the ledger.
// Digits are certified on the longest finished prefix [0, M), whose sum is exactly S_M, so the display
// converges while the job runs; they are recomputed only when that prefix grows.
import { certifiedDigits, DEFAULT_CORRECTIONS, type Certified } from './digits';
import type { Ledger } from './ledger';

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
  const entry = { terms: p.terms, corrections, ...certifiedDigits(p.sum, p.eps, p.terms, corrections) };
  cache.set(ledger, entry);
  return entry;
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
  return {
    state: ledger.isDone() ? 'done' : extra.paused ? 'idle' : problem ? 'error' : 'running',
    problem,
    termsDone: p.termsDone,
    termsTotal: p.termsTotal,
    rawDigits: d?.raw.digits ?? '',
    correctedDigits: d?.corrected.digits ?? '',
    termsPerSecond: p.termsPerSecond,
    tasks: { running: ledger.runningCount(), finished: c.finished, failed: c.failed + c.lost },
    elapsedSeconds: p.elapsedSeconds,
    etaSeconds: p.etaSeconds,
  };
}
