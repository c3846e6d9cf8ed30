// The exact chunk kernel for jobs asked for by digits: chunk [a,b) (a, b even) of
// 4·Σ (-1)^k/(2k+1) as an integer count of 2^-P, for P in the tens of thousands of bits, with a proven
// bound. Pairs 8/(d(d+2)), d = 2k+1, are added as exact fractions in groups (binary splitting: p/q of a
// group is built from the halves, p = p₁q₂ + p₂q₁, q = q₁q₂), and each group costs one big division,
// floor(p·2^P / q). So a group loses less than one unit of 2^-P and the chunk less than `groups` units:
// the true value lies in [sum, sum + groups), whatever machine runs it.
//
// Why groups rather than a division per pair: V8 divides a P-bit BigInt by a small number a limb at a time
// with a hardware division on the critical path, while a group's divisor of GROUP_PAIRS·~56 bits puts the
// work into V8's multi-limb division and multiplication: measured at P = 40,000 bits in CPU time, 3.6–4.5×
// faster per pair (bench/digits.ts). Larger groups trade divisions for longer products: 1024 pairs measure
// 0.9 of 512, 2048 0.7 and the whole chunk as one fraction 0.3–0.4; 256 pairs measure 1.04–1.1 (in GMP
// 1.01–1.03), not worth doubling the bound and changing every result. The kernel reaches a third of GMP's
// speed at GMP's best group size, which is the ratio of V8's product and division to GMP's at these sizes
// (0.25–0.28); a Newton reciprocal divides slower than V8 (bench/newton-division.ts), and WebAssembly,
// without a 64×64→128-bit multiply, multiplies slower (bench/wasm-limbs.ts). No dependencies: the executor
// bundles this file as it is.

/** Pairs per exact fraction; the divisor's size, and so the kind of division V8 uses, follows from it. */
export const GROUP_PAIRS = 512;

/** Largest working precision a task may ask for: 10^5 decimals and a margin. */
export const MAX_BITS = 400_000;

/** Largest term index: the pair's first d must stay a safe integer in the group's start 2a + 1 + 4·done. */
export const MAX_EXACT_TERMS = 1e15;

export interface ExactChunk {
  /** floor-rounded chunk value in units of 2^-bits (never above the true value). */
  sum: bigint;
  /** The true value is below sum + bound (units of 2^-bits). */
  bound: number;
}

/** Σ 8/(d(d+2)) over pairs d = from, from + 4, …, below `to`, as the exact fraction p/q. */
function split(from: number, count: number): { p: bigint; q: bigint } {
  if (count === 1) {
    const d = BigInt(from);
    return { p: 8n, q: d * (d + 2n) };
  }
  const half = count >> 1;
  const l = split(from, half);
  const r = split(from + 4 * half, count - half);
  return { p: l.p * r.q + r.p * l.q, q: l.q * r.q };
}

export function exactChunk(a: number, b: number, bits: number): ExactChunk {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0 || b > MAX_EXACT_TERMS || a >= b || a % 2 || b % 2) {
    throw new RangeError(`chunk [${a},${b}) is invalid: need even integers 0 <= a < b <= ${MAX_EXACT_TERMS}`);
  }
  if (!Number.isSafeInteger(bits) || bits < 1 || bits > MAX_BITS) {
    throw new RangeError(`bits must be an integer from 1 to ${MAX_BITS} (got ${bits})`);
  }
  const pairs = (b - a) / 2;
  return { sum: sumInGroups(a, pairs, bits, GROUP_PAIRS), bound: Math.ceil(pairs / GROUP_PAIRS) };
}

/**
 * The kernel's sum with `groupPairs` pairs a group, for `pairs` pairs from term `a`: exactChunk's with
 * GROUP_PAIRS, other sizes for bench/digits.ts to measure the choice (the bound is then the group count).
 */
export function sumInGroups(a: number, pairs: number, bits: number, groupPairs: number): bigint {
  const shift = BigInt(bits);
  let sum = 0n;
  for (let done = 0; done < pairs; done += groupPairs) {
    const { p, q } = split(2 * a + 1 + 4 * done, Math.min(groupPairs, pairs - done));
    sum += (p << shift) / q;
  }
  return sum;
}
