// Shared high-precision references for the π tests, computed independently of the code under test.
import Decimal from 'decimal.js';

/** π to 120 decimals (a published constant). */
export const PI_120 =
  '3.141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117067982148086513282306647';

export const D60 = Decimal.clone({ precision: 60 });

/** 4·Σ_{k=a}^{b-1} (-1)^k/(2k+1) by direct summation at 60 digits (pairs, so 60 digits stay ~58). */
export function directChunk(a: number, b: number): Decimal {
  let s = new D60(0);
  for (let k = b - 2; k >= a; k -= 2) {
    s = s.plus(new D60(8).div(new D60(2 * k + 1).times(2 * k + 3)));
  }
  return s;
}

/** f(N) = (-1)^N (π − S_N) by its enveloping series with 12 terms, at 60 digits; N ≥ 1e4 for 1e-100. */
export function fTail(n: number, euler: bigint[]): Decimal {
  let s = new D60(0);
  for (let m = 0; m < 12; m++) {
    s = s.plus(new D60(euler[m].toString()).div(new D60(4).pow(m).times(new D60(n).pow(2 * m + 1))));
  }
  return s;
}

/** Chunk value by the closed form (-1)^a f(a) − (-1)^b f(b) for even a ≥ 1e4 or a = 0. */
export function closedChunk(a: number, b: number, euler: bigint[]): Decimal {
  const fa = a === 0 ? new D60(PI_120) : fTail(a, euler);
  return fa.minus(fTail(b, euler));
}

/** A small seeded PRNG (mulberry32) so failures can be replayed. */
export function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Machin's π lives with the chaos runs, which check a digits job with it too (scripts cannot import tests). */
export { machinPi } from '../../scripts/chaos/machin';
