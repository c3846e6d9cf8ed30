// An independent check of certified digits, as y-cruncher checks its results: the Bailey–Borwein–Plouffe
// formula π = Σ_k 16^-k (4/(8k+1) − 2/(8k+4) − 1/(8k+5) − 1/(8k+6)) gives the hexadecimal digits of π
// from position n+1 on without the ones before (Bailey, Borwein, Plouffe, Math. Comp. 66 (1997) 903–913).
// It shares nothing with the Leibniz sum, the Euler numbers or the enclosure, so a certified string that
// disagrees with it has a bug behind it, not bad luck.

/** Largest n for which 16^e mod (8k+j), k ≤ n, stays exact in doubles (moduli below 2^26, products below 2^52). */
export const MAX_BBP_POSITION = 8_000_000;
const U = 2 ** -53;

function powMod16(e: number, m: number): number {
  let result = 1 % m;
  let base = 16 % m;
  while (e > 0) {
    if (e % 2 === 1) result = (result * base) % m;
    base = (base * base) % m;
    e = Math.floor(e / 2);
  }
  return result;
}

/** frac(Σ_k 16^{n−k}/(8k+j)) and a bound on its rounding error. */
function series(n: number, j: number): { value: number; error: number } {
  let s = 0;
  for (let k = 0; k <= n; k++) {
    const m = 8 * k + j;
    s += powMod16(n - k, m) / m;
    s -= Math.floor(s);
  }
  // Each step rounds twice (the quotient, the sum); the tail terms are below 16^-k and summed in double.
  let tail = 0;
  for (let k = n + 1; k <= n + 20; k++) tail += 16 ** (n - k) / (8 * k + j);
  return { value: s + tail, error: 4 * U * (n + 1) + 16 ** -20 + 4 * U };
}

/** frac(16^n·π) and a bound on its error. */
export function piHexFraction(n: number): { value: number; error: number } {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_BBP_POSITION) {
    throw new RangeError(`BBP position must be an integer from 0 to ${MAX_BBP_POSITION} (got ${n})`);
  }
  const parts = [series(n, 1), series(n, 4), series(n, 5), series(n, 6)];
  const x = 4 * parts[0].value - 2 * parts[1].value - parts[2].value - parts[3].value;
  const error = 4 * parts[0].error + 2 * parts[1].error + parts[2].error + parts[3].error + 8 * U;
  return { value: x - Math.floor(x), error };
}

const hex8 = (f: number): string => Math.min(2 ** 32 - 1, Math.floor(f * 2 ** 32)).toString(16).padStart(8, '0');

export interface HexCheck {
  ok: boolean;
  /** Hexadecimal position (after the point) of the first digit compared. */
  position: number;
  /** Eight hexadecimal digits from BBP and from the certified string at that position. */
  bbp: string;
  certified: string;
}

/**
 * Compares the certified decimal prefix of π (e.g. "3.14159…") with BBP's hexadecimal digits near its
 * last certified place. π lies in [x, x + 10^-D] for the D-decimal prefix x, so frac(16^n·π) lies in an
 * interval of width 16^n·10^-D, kept about 2^-32 by the choice of n: far above BBP's own error (~1e-11
 * at n = 10^4), so a digit wrong by more than one in the last places shows. BBP's value, within its
 * error, must meet that interval. When it does not, one of them is wrong, and the certified string must
 * not be shown.
 */
export function checkHexDigits(certified: string): HexCheck {
  const m = /^(\d+)\.(\d+)$/.exec(certified);
  if (!m) return { ok: true, position: 0, bbp: '', certified: '' };
  const decimals = m[2].length;
  const n = Math.min(MAX_BBP_POSITION, Math.max(0, Math.floor((decimals * Math.log2(10) - 32) / 4)));
  const ten = 10n ** BigInt(decimals);
  const x = BigInt(m[1] + m[2]);
  const scaled = (x << BigInt(4 * n)) % ten; // frac(16^n·x) = scaled / 10^D
  const lowFrac = Number((scaled << 53n) / ten) / 2 ** 53; // rounded down, by less than 2^-53
  const width = 2 ** (4 * n - decimals * Math.log2(10)) * (1 + 1e-9); // 16^n·10^-D, rounded up
  const b = piHexFraction(n);
  const slack = b.error + 2 * U;
  const diff = b.value - lowFrac - Math.floor(b.value - lowFrac); // (bbp − low) mod 1
  const ok = diff <= width + slack || diff >= 1 - slack;
  return { ok, position: n + 1, bbp: hex8(b.value), certified: hex8(lowFrac) };
}
