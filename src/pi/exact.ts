// Exact aggregation, so that a result does not depend on the order chunks finish in: every double of a
// chunk result becomes an integer count of 2^-200. BigInt addition is exact and associative, so the total is the same whatever order the
// chunks finish in. Doubles with bits below 2^-200 (only a tiny `lo` can have them) are floored and
// the lost part, below one unit, is charged to the error bound.
import Decimal from 'decimal.js';

export const SCALE_BITS = 200;
const SCALE = BigInt(SCALE_BITS);
/** 10^200 / 2^200 = 5^200: multiplying by it turns a count of 2^-200 into a count of 10^-200. */
const FIVE_POW = 5n ** SCALE;

/** Arithmetic at 100 significant digits, well past the ~31 a chunk carries and the 70 the brief asks. */
export const Dec = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_EVEN });
export type Dec = Decimal;

/** x = m·2^e with m an integer, |m| < 2^53, for a finite double. */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hiWord = view.getUint32(0);
  const loWord = view.getUint32(4);
  const sign = hiWord >>> 31 ? -1n : 1n;
  const biased = (hiWord >>> 20) & 0x7ff;
  const frac = (BigInt(hiWord & 0xfffff) << 32n) | BigInt(loWord);
  if (biased === 0) return { m: sign * frac, e: -1074 }; // subnormal or zero
  return { m: sign * (frac | (1n << 52n)), e: biased - 1075 };
}

/** floor(x·2^200) and whether that floor dropped anything. */
export function toScaled(x: number): { value: bigint; inexact: boolean } {
  if (!Number.isFinite(x)) throw new RangeError(`cannot scale ${x}: not a finite number`);
  const { m, e } = decompose(x);
  const shift = e + SCALE_BITS;
  if (shift >= 0) return { value: m << BigInt(shift), inexact: false };
  const value = m >> BigInt(-shift); // BigInt >> rounds toward −∞, i.e. floor
  return { value, inexact: value << BigInt(-shift) !== m };
}

/** ceil(x·2^200) for x ≥ 0: an error bound must be rounded up, never down. */
export function toScaledCeil(x: number): bigint {
  const { value, inexact } = toScaled(x);
  return inexact ? value + 1n : value;
}

/** A chunk result as an exact scaled value and a scaled error bound (rounding charged in). */
export function scaleResult(hi: number, lo: number, errBound: number): { value: bigint; eps: bigint } {
  const h = toScaled(hi);
  const l = toScaled(lo);
  const lost = (h.inexact ? 1n : 0n) + (l.inexact ? 1n : 0n);
  return { value: h.value + l.value, eps: toScaledCeil(errBound) + lost };
}

/** The exact decimal expansion of v·2^-200 (at most 200 decimals), as a Decimal. */
export function scaledToDecimal(v: bigint): Decimal {
  const neg = v < 0n;
  const digits = ((neg ? -v : v) * FIVE_POW).toString().padStart(SCALE_BITS + 1, '0');
  const cut = digits.length - SCALE_BITS;
  return new Dec(`${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`);
}

/** The exact value of a double, as a Decimal (new Decimal(x) would take the shortest repr instead). */
export function doubleToDecimal(x: number): Decimal {
  const { m, e } = decompose(x);
  if (e >= 0) return new Dec((m << BigInt(e)).toString());
  // m·2^e = m·5^-e / 10^-e, an exact decimal with -e places.
  const neg = m < 0n;
  const digits = ((neg ? -m : m) * 5n ** BigInt(-e)).toString().padStart(-e + 1, '0');
  const cut = digits.length + e;
  return new Dec(`${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`);
}

/** v·2^-200 written with `decimals` places, rounded half-even; for the CLI's "sum". */
export function scaledToFixed(v: bigint, decimals: number): string {
  return scaledToDecimal(v).toFixed(decimals, Decimal.ROUND_HALF_EVEN);
}
