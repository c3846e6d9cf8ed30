// The end of a job asked for by digits: its exact S_N (a count of 2^-bits within eps) and K Euler corrections
// give an enclosure of π with every rounding directed outwards (certify-bits.ts), whose common decimal prefix
// is the certified string; then, as y-cruncher does, hexadecimal digits of π from BBP digit extraction near
// the last certified place must agree with it (bbp.ts). A disagreement means a bug or a damaged result that
// passed every check on the way: it is recorded as the job's error and no digit is shown.
import { checkHexDigits } from './bbp';
import { certifyEnclosure, enclosePi } from './certify-bits';
import type { ExactSpec } from './chunk-result';

export type FinalDigits =
  /** `bbp`: the hexadecimal position (after the point) checked, and BBP's eight digits there. */
  | { kind: 'certified'; digits: string; decimals: number; bbp: { position: number; hex: string } }
  | { kind: 'refuted'; message: string };

/** Certifies a finished exact job; `euler(count)` gives E_0 … E_{2(count−1)}. */
export function finalDigits(sum: bigint, eps: bigint, terms: number, spec: ExactSpec, euler: (count: number) => bigint[]): FinalDigits {
  const c = certifyEnclosure(enclosePi(sum, eps, terms, spec.corrections, euler(spec.corrections + 1), spec.bits));
  return checked(c.digits);
}

/** The BBP check of a certified string; a string that fails it becomes the refutation that says why. */
export function checked(digits: string): FinalDigits {
  const decimals = Math.max(0, digits.length - 2);
  const check = checkHexDigits(digits);
  if (!check.ok) {
    return {
      kind: 'refuted',
      message: `BBP digit extraction gives hexadecimal digits ${check.bbp} of π at position ${check.position}, but the ${decimals} certified decimals give ${check.certified}; a bug or a damaged result, so no digit is shown`,
    };
  }
  return { kind: 'certified', digits, decimals, bbp: { position: check.position, hex: check.bbp } };
}

/** The last `count` certified decimals, the ones that locked in last ("" before any). */
export function latestDigits(digits: string, count: number): string {
  const point = digits.indexOf('.');
  return point < 0 ? '' : digits.slice(Math.max(point + 1, digits.length - count));
}
