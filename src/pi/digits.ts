// Certified digits by an interval rule (the Euler-number expansion of the Leibniz
// remainder: Borwein, Borwein and Dilcher, "Pi, Euler numbers, and asymptotic expansions", 1989). With
//   T_K = S_N + (-1)^N Σ_{m<K} E_{2m}/(4^m N^{2m+1}),
// π lies strictly between T_K and T_{K+1} (the expansion envelops the error), and the computed sum is
// within ε of S_N. So lo = min(T_K, T_{K+1}) − ε < π < max(T_K, T_{K+1}) + ε = hi, and every decimal on
// which trunc(lo) and trunc(hi) agree is a decimal of π: truncation is monotone, which also makes carries
// and runs of 9s or 0s safe. All arithmetic is in BigInt at 10^-PLACES, rounded outward (lo down, hi up),
// so nothing is lost to rounding either.
import { eulerNumbers } from './euler';
import { SCALE_BITS } from './exact';

/** Decimal places of the interval arithmetic; far beyond what ε (≥ ~1e-31 per chunk) allows. */
const PLACES = 100;
const TEN_P = 10n ** BigInt(PLACES);
const TWO_S = 1n << BigInt(SCALE_BITS);

export interface Certified {
  /** The certified prefix of π, e.g. "3.14159"; "3" when only the integer part; "" when nothing. */
  digits: string;
  /** Decimals after the point in `digits` (0 when none). */
  decimals: number;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b !== a && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

/** Longest common prefix of the `places`-decimal expansions of lo·10^-places and hi·10^-places. */
export function commonPrefix(lo: bigint, hi: bigint, places: number = PLACES): Certified {
  const none: Certified = { digits: '', decimals: 0 };
  if (lo < 0n || hi < lo) return none;
  const unit = places === PLACES ? TEN_P : 10n ** BigInt(places);
  const write = (v: bigint): string => `${v / unit}.${(v % unit).toString().padStart(places, '0')}`;
  const a = write(lo);
  const b = write(hi);
  const intLen = a.indexOf('.');
  // Integer parts of different lengths share no meaningful prefix ("9.9" and "10.1").
  if (b.indexOf('.') !== intLen) return none;
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  if (n < intLen) return none;
  if (n <= intLen + 1) return { digits: a.slice(0, intLen), decimals: 0 };
  return { digits: a.slice(0, n), decimals: n - intLen - 1 };
}

/**
 * Certified digits of π from the computed S_N (sum, counted in 2^-200) within eps (also in 2^-200)
 * with K Euler corrections (K = 0: the raw sum, whose only guarantee is that π is between S_N and
 * S_{N+1}).
 */
export function certify(sum: bigint, eps: bigint, terms: number, corrections: number): Certified {
  if (!Number.isSafeInteger(terms) || terms < 1) throw new RangeError(`terms must be a positive integer (got ${terms})`);
  if (!Number.isInteger(corrections) || corrections < 0 || corrections > 30) {
    throw new RangeError(`corrections must be an integer from 0 to 30 (got ${corrections})`);
  }
  if (eps < 0n) throw new RangeError('eps must not be negative');
  const e = eulerNumbers(corrections + 1);
  const n = BigInt(terms);
  const sign = terms % 2 === 0 ? 1n : -1n;
  // Outward-rounded T_m at 10^-PLACES, for m = 0..K+1.
  let tLo = floorDiv(sum * TEN_P, TWO_S);
  let tHi = ceilDiv(sum * TEN_P, TWO_S);
  const loAt: bigint[] = [tLo];
  const hiAt: bigint[] = [tHi];
  for (let m = 0; m <= corrections; m++) {
    const num = sign * e[m] * TEN_P;
    const den = 4n ** BigInt(m) * n ** BigInt(2 * m + 1);
    tLo += floorDiv(num, den);
    tHi += ceilDiv(num, den);
    loAt.push(tLo);
    hiAt.push(tHi);
  }
  const epsUp = ceilDiv(eps * TEN_P, TWO_S);
  const k = corrections;
  const lo = (loAt[k] < loAt[k + 1] ? loAt[k] : loAt[k + 1]) - epsUp;
  const hi = (hiAt[k] > hiAt[k + 1] ? hiAt[k] : hiAt[k + 1]) + epsUp;
  return commonPrefix(lo, hi);
}

export const DEFAULT_CORRECTIONS = 2;

/** Raw (K = 0) and corrected (K = corrections) certified digits of one computed S_N. */
export function certifiedDigits(
  sum: bigint,
  eps: bigint,
  terms: number,
  corrections: number = DEFAULT_CORRECTIONS,
): { raw: Certified; corrected: Certified } {
  return { raw: certify(sum, eps, terms, 0), corrected: certify(sum, eps, terms, corrections) };
}
