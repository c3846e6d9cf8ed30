// Certified digits at any working precision: the rule of digits.ts (π lies strictly between T_K and
// T_{K+1}, the computed sum is within ε of S_N, and the decimals shown are those on which trunc(lo) and
// trunc(hi) agree) with the sum held as a count of 2^-P for P in the tens of thousands and K in the
// thousands.
//
// The K corrections Σ_{m<K} E_{2m}/(4^m N^{2m+1}) are one fraction, built by Horner's rule over the
// common denominator 4^{K−1}·N^{2K−1}: K multiplications of a growing integer by 4N² and then a single
// division, rounded down for the lower end and up for the upper one. The (K+1)-th correction is one more
// division. So every rounding in the enclosure is directed outwards, and it costs two big divisions
// whatever K is; the Euler numbers themselves (euler.ts) are the serial work.
import { ceilDiv, commonPrefix, floorDiv, type Certified } from './digits';

/** π ∈ (lo·2^-bits, hi·2^-bits). */
export interface Enclosure {
  lo: bigint;
  hi: bigint;
  bits: number;
}

/**
 * The enclosure of π from sum ≈ S_N·2^bits, |sum − S_N·2^bits| ≤ eps, and K corrections. `euler` must
 * hold E_0 … E_{2K} (K + 1 numbers).
 */
export function enclosePi(sum: bigint, eps: bigint, terms: number, corrections: number, euler: readonly bigint[], bits: number): Enclosure {
  if (!Number.isSafeInteger(terms) || terms < 1) throw new RangeError(`terms must be a positive integer (got ${terms})`);
  if (!Number.isSafeInteger(corrections) || corrections < 0) throw new RangeError(`corrections must be a non-negative integer (got ${corrections})`);
  if (euler.length < corrections + 1) throw new RangeError(`${corrections} corrections need ${corrections + 1} Euler numbers (got ${euler.length})`);
  if (!Number.isSafeInteger(bits) || bits < 1) throw new RangeError(`bits must be a positive integer (got ${bits})`);
  if (eps < 0n) throw new RangeError('eps must not be negative');
  const n = BigInt(terms);
  const q = 4n * n * n;
  const sign = terms % 2 === 0 ? 1n : -1n;
  const one = 1n << BigInt(bits);
  let loK = sum;
  let hiK = sum;
  if (corrections > 0) {
    let num = 0n;
    for (let m = 0; m < corrections; m++) num = num * q + euler[m];
    const den = 4n ** BigInt(corrections - 1) * n ** BigInt(2 * corrections - 1);
    loK += floorDiv(sign * num * one, den);
    hiK += ceilDiv(sign * num * one, den);
  }
  const nextNum = sign * euler[corrections] * one;
  const nextDen = 4n ** BigInt(corrections) * n ** BigInt(2 * corrections + 1);
  const loK1 = loK + floorDiv(nextNum, nextDen);
  const hiK1 = hiK + ceilDiv(nextNum, nextDen);
  return {
    lo: (loK < loK1 ? loK : loK1) - eps,
    hi: (hiK > hiK1 ? hiK : hiK1) + eps,
    bits,
  };
}

/** Decimals a count of 2^-bits can resolve: 10^-places ≥ 2^-bits. */
export const placesFor = (bits: number): number => Math.floor(bits * Math.log10(2));

/** The certified prefix of π from an enclosure: trunc(lo) and trunc(hi) at every decimal they agree on. */
export function certifyEnclosure(e: Enclosure): Certified {
  const places = placesFor(e.bits);
  const ten = 10n ** BigInt(places);
  const two = 1n << BigInt(e.bits);
  return commonPrefix(floorDiv(e.lo * ten, two), ceilDiv(e.hi * ten, two), places);
}
