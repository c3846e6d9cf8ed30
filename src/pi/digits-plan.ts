// Planning a job asked for by digits: D certified decimals from N terms, K Euler corrections and sums at P
// bits (certify-bits.ts), choosing the N whose plan ends first on the cluster at hand. Pure: the cluster's
// shape and speeds come in as data.
//
// The error budget. π lies between T_K and T_{K+1}, which are |E_2K|/(4^K N^{2K+1}) apart; the sum errs by
// at most ε units of 2^-P (one per group of pairs, so ε ≤ N/2 whatever the chunks) and the four directed
// divisions by a unit each, so the enclosure is at most |E_2K|/(4^K N^{2K+1}) + (2ε + 4)·2^-P wide. Each
// half gets 10^-(D+G)/2: then trunc(lo) and trunc(hi) agree on the first D decimals unless π's decimals
// after the D-th begin with G zeros or G nines. G = GUARD_DECIMALS = 10 costs about 33 bits and at most one
// correction.
//
// The time. The terms run on every core the agents offer; the Euler numbers are serial on the master and
// run in a worker while the terms do (euler-worker.ts); the certification is two big divisions at the end.
// More terms buy fewer corrections, and the Euler numbers cost about K³·log K, so the cheapest N is where
// the two meet. Rates are those measured on the reference machine (bench/digits.ts prints them beside a
// fresh measurement), scaled by each side's relative speed.
import { DEFAULT_LEDGER_OPTIONS } from './chunk-sizing';
import { eulerBounds } from './euler';
import { workerPeakMb } from './euler-worker';
import { MAX_BITS } from './exact-kernel';
import { MAX_JOB_TERMS, MIN_JOB_TERMS } from './ledger';

/** Decimals beyond D that the enclosure must also resolve; see above. */
export const GUARD_DECIMALS = 10;

/**
 * Costs on the reference machine (2-core x86-64, Node 20), from bench/digits.ts. The exact kernel's time per
 * term grows with P (one big division per group of 512 pairs): 0.36 µs + 6.3 ns per 1000 bits, so ~0.61 µs
 * at 40,000 bits. The Euler numbers to E_2K: 1.3e-10·K³·log2 K s (measured 1.2 s for K = 1000, 12 s for 2000).
 * The certification: Horner's rule and two divisions on numbers of 2K·log2 N + P bits, 2.4e-12 s per bit².
 * A job's tasks reach 0.9 of the cluster's rate (the framework efficiency bench/framework.ts holds the job to),
 * after ~2 s to launch the first ones.
 */
export const RATES = {
  kernelSecondsPerTerm: 0.36e-6,
  kernelSecondsPerTermPerBit: 6.3e-12,
  eulerSecondsPerK3Log2K: 1.3e-10,
  certifySecondsPerBit2: 2.4e-12,
  frameworkEfficiency: 0.9,
  startupSeconds: 2,
} as const;

/**
 * What a digits job may add to the daemon's resident memory at its peak, MB: the Euler worker
 * (workerPeakMb) and the chunk results the ledger holds (P bits each, at worst one per smallest chunk). The
 * daemon idles at about 67 MB against an 80 MB target, and the Euler numbers to E_2000 alone peak ~25–29 MB
 * above that in any thread (bench/digits.ts), so a digits job overshoots the target while they are built
 * (seconds to a minute); 48 MB bounds that overshoot, and the worker's heap limit enforces it.
 */
export const DIGITS_MEMORY_MB = 48;

/** How fast the cluster is, as far as the plan is concerned. */
export interface ClusterShape {
  /** Task slots the agents offer at once (one per core). */
  cores: number;
  /** Agents offering them, for the explanation. */
  agents?: number;
  /** One agent core's speed relative to the reference machine (1; a Raspberry Pi 4 is 0.15–0.25, see README). */
  coreSpeed?: number;
  /** The daemon's core, relative to the reference machine (default: coreSpeed). */
  masterSpeed?: number;
  /** Euler numbers E_0, E_2, … the state directory already holds (euler.ts), which cost nothing. */
  cachedEuler?: number;
}

export interface DigitsPlan {
  digits: number;
  terms: number;
  corrections: number;
  bits: number;
  /** Estimated seconds: the terms on the cluster, the Euler numbers (during the terms), the certification. */
  clusterSeconds: number;
  eulerSeconds: number;
  certifySeconds: number;
  wallSeconds: number;
  /** Peak memory the job adds to the daemon, MB. */
  memoryMb: number;
  /** One line: what was picked, and the estimate behind it. */
  why: string;
}

type Estimate = Omit<DigitsPlan, 'why'> & { why: () => string };

/** A request the planner cannot satisfy: the message is one line with the fix. */
export class DigitsPlanError extends Error {
  override readonly name = 'DigitsPlanError';
}

/**
 * For k = 0, 1, … up to the largest K whose worker fits DIGITS_MEMORY_MB with nothing beside it (no plan
 * needs more): ln of the bound on |E_2k|, and the size of E_0 … E_2k in MB.
 */
const EULER_TABLE = ((): { lnE: number[]; mb: number[] } => {
  const lnE: number[] = [];
  const mb: number[] = [];
  for (const e of eulerBounds()) {
    if (workerPeakMb(e.mb) > DIGITS_MEMORY_MB) break;
    lnE.push(e.lnE);
    mb.push(e.mb);
  }
  return { lnE, mb };
})();

/** Corrections K for D decimals from N terms, and the size of E_0 … E_2K in MB; null if the daemon cannot hold them. */
export function correctionsFor(digits: number, terms: number): { corrections: number; eulerMb: number } | null {
  // ln of half of 10^-(D+G), less a margin far above the rounding of the sums in the table.
  const target = -(digits + GUARD_DECIMALS) * Math.LN10 - Math.LN2 - 1e-6;
  const lnN = Math.log(terms);
  for (let k = 0; k < EULER_TABLE.lnE.length; k++) {
    if (EULER_TABLE.lnE[k] - k * Math.log(4) - (2 * k + 1) * lnN <= target) return { corrections: k, eulerMb: EULER_TABLE.mb[k] };
  }
  return null;
}

/** Working precision P for D decimals from N terms: the arithmetic's (2ε + 4) units within 10^-(D+G)/2. */
export function bitsFor(digits: number, terms: number): number {
  return Math.max(64, Math.ceil((digits + GUARD_DECIMALS) * Math.log2(10) + 1 + Math.log2(terms + 4)) + 1);
}

/** The chunk results a ledger of N terms at P bits holds, at worst one per smallest chunk. */
const resultsMb = (terms: number, bits: number): number =>
  (Math.ceil(terms / DEFAULT_LEDGER_OPTIONS.minChunkTerms) * (bits / 8 + 64)) / 2 ** 20;

/** N, K and P for D decimals, with the memory they take; null when they do not fit the daemon. */
function shape(digits: number, terms: number): { corrections: number; bits: number; memoryMb: number } | null {
  const bits = bitsFor(digits, terms);
  const k = correctionsFor(digits, terms);
  if (!k || bits > MAX_BITS) return null;
  const memoryMb = workerPeakMb(k.eulerMb) + resultsMb(terms, bits);
  return memoryMb <= DIGITS_MEMORY_MB ? { corrections: k.corrections, bits, memoryMb } : null;
}

function speedOf(v: number | undefined, name: string, fallback: number): number {
  const s = v ?? fallback;
  if (!(Number.isFinite(s) && s > 0)) throw new DigitsPlanError(`cluster ${name} is ${v}; it must be a positive number`);
  return s;
}

function estimate(digits: number, terms: number, s: { corrections: number; bits: number; memoryMb: number }, cluster: ClusterShape): Estimate {
  const coreSpeed = speedOf(cluster.coreSpeed, 'coreSpeed', 1);
  const masterSpeed = speedOf(cluster.masterSpeed, 'masterSpeed', coreSpeed);
  const perCore = coreSpeed / (RATES.kernelSecondsPerTerm + RATES.kernelSecondsPerTermPerBit * s.bits);
  const clusterSeconds = RATES.startupSeconds + terms / (cluster.cores * perCore * RATES.frameworkEfficiency);
  const k = s.corrections;
  const cached = (cluster.cachedEuler ?? 0) > k;
  const eulerSeconds = cached || k < 2 ? 0 : (RATES.eulerSecondsPerK3Log2K * k ** 3 * Math.log2(k)) / masterSpeed;
  const certifyBits = 2 * k * Math.log2(terms) + s.bits;
  const certifySeconds = (RATES.certifySecondsPerBit2 * certifyBits ** 2) / masterSpeed;
  const wallSeconds = Math.max(clusterSeconds, eulerSeconds) + certifySeconds;
  const why = (): string => {
    const agents = cluster.agents ? `${cluster.agents} agents, ` : '';
    const euler = cached ? `E_0 … E_${2 * k} from the state directory` : `E_0 … E_${2 * k} ${time(eulerSeconds)} on the master during the terms`;
    return (
      `N = ${count(terms)}, K = ${k}, P = ${grouped(s.bits)} bits: ${agents}${cluster.cores} ${cluster.cores === 1 ? 'core' : 'cores'} × ~${rate(perCore)} terms/s → ` +
      `${time(clusterSeconds)} of cluster work; ${euler}; certification ${time(certifySeconds)}: ${time(wallSeconds)} in all`
    );
  };
  return { digits, terms, corrections: k, bits: s.bits, clusterSeconds, eulerSeconds, certifySeconds, wallSeconds, memoryMb: s.memoryMb, why };
}

/** Terms worth trying: 1, 2 and 5 times the powers of ten from MIN_JOB_TERMS to MAX_JOB_TERMS. */
function candidateTerms(): number[] {
  const out: number[] = [];
  for (let p = MIN_JOB_TERMS; p <= MAX_JOB_TERMS; p *= 10) for (const m of [1, 2, 5]) if (m * p <= MAX_JOB_TERMS) out.push(m * p);
  return out;
}

/**
 * The plan for D certified decimals that ends first on `cluster`; with `terms`, the plan for exactly those
 * terms (the K they need). Throws DigitsPlanError with one line when there is none.
 */
export function planDigits(digits: number, cluster: ClusterShape, terms?: number): DigitsPlan {
  validateDigits(digits);
  if (!(Number.isSafeInteger(cluster.cores) && cluster.cores > 0)) {
    throw new DigitsPlanError(`the cluster offers ${cluster.cores} cores; a digits job needs at least one agent core`);
  }
  if (terms !== undefined) {
    if (!Number.isSafeInteger(terms) || terms < MIN_JOB_TERMS || terms > MAX_JOB_TERMS || terms % 2 !== 0) {
      throw new DigitsPlanError(`--terms is ${terms}; give an even whole number from ${MIN_JOB_TERMS} to ${MAX_JOB_TERMS}, e.g. 1e8`);
    }
    const s = shape(digits, terms);
    if (!s) {
      const enough = candidateTerms().find((n) => n > terms && shape(digits, n));
      throw new DigitsPlanError(
        `--terms ${count(terms)} needs more Euler corrections for ${digits} decimals than the daemon's memory holds; give more terms, e.g. --terms ${count(enough ?? MAX_JOB_TERMS)}`,
      );
    }
    return explained(estimate(digits, terms, s, cluster));
  }
  let best: Estimate | null = null;
  for (const n of candidateTerms()) {
    const s = shape(digits, n);
    if (!s) continue;
    const plan = estimate(digits, n, s, cluster);
    if (!best || plan.wallSeconds < best.wallSeconds) best = plan;
  }
  if (!best) throw new DigitsPlanError(beyond(digits));
  return explained(best);
}

const explained = (e: Estimate): DigitsPlan => ({ ...e, why: e.why() });

let largest = 0;

/**
 * The most decimals a job may ask for: the largest D, in whole thousands, that some N certifies within
 * DIGITS_MEMORY_MB (the limit does not depend on the cluster, only the time does).
 */
export function maxDigits(): number {
  if (largest === 0) {
    const fits = (d: number): boolean => candidateTerms().some((n) => shape(d, n) !== null);
    let lo = 1;
    let hi = Math.floor(MAX_BITS / Math.log2(10));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(mid)) lo = mid;
      else hi = mid - 1;
    }
    largest = lo < 1000 ? lo : lo - (lo % 1000);
  }
  return largest;
}

const beyond = (digits: number): string =>
  `--digits ${digits} is beyond what this daemon can certify (at most ${maxDigits()}); ask for fewer`;

/**
 * D from a flag or the config: a whole number from 1 to maxDigits(), or one line saying what is wrong and what
 * to give instead. Accepts what termsOption does: plain digits or a form like 1e4.
 */
export function validateDigits(value: unknown): number {
  const d = typeof value === 'string' && /^\s*[0-9.]+(e[0-9]+)?\s*$/i.test(value) ? Number(value) : value;
  const example = `give a whole number of decimals from 1 to ${maxDigits()}, e.g. 10000`;
  if (typeof d !== 'number' || Number.isNaN(d)) {
    throw new DigitsPlanError(`--digits is ${typeof value === 'number' ? value : JSON.stringify(value)}; ${example}`);
  }
  if (d < 1) throw new DigitsPlanError(`--digits is ${d}; ${example}`);
  if (!Number.isInteger(d)) throw new DigitsPlanError(`--digits is ${d}, not a whole number; ${example}`);
  if (d > maxDigits()) throw new DigitsPlanError(beyond(d));
  return d;
}

/** 1e8, 2e9, or 12,345,678. */
function count(n: number): string {
  const e = Math.floor(Math.log10(n));
  const m = n / 10 ** e;
  return Number.isInteger(m) && e >= 6 ? `${m}e${e}` : grouped(n);
}

/** 33,279: thousands separated as in the README, without Intl (slow to load, and absent from small Node builds). */
const grouped = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

function rate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toPrecision(2)} M` : `${Math.round(perSecond / 1e3)} k`;
}

function time(s: number): string {
  if (s < 0.01) return 'under 0.01 s';
  if (s < 1) return `~${s.toFixed(2)} s`;
  if (s < 120) return `~${Math.round(s)} s`;
  if (s < 7200) return `~${Math.round(s / 60)} min`;
  return `~${(s / 3600).toPrecision(2)} h`;
}
