// Chunk kernels for the Leibniz series: chunk [a,b) (a, b even) is 4·Σ_{k=a}^{b-1} (-1)^k/(2k+1).
// Terms are paired, 1/d − 1/(d+2) = 2/(d(d+2)) with d = 2k+1, so every summand is positive and the
// cancellation of the alternating form disappears. Pairs are summed from the
// end of the chunk backwards, small terms first, which keeps the running sums (and so the rounding
// errors) small. No dependencies: the executor bundles this file as it is.
//
// Both kernels are deterministic: JavaScript never fuses a·b+c, so the same input gives bit-identical
// output on x86 and ARM (bench/c/kernels.c has the same loops and is compiled with -ffp-contract=off).

export type KernelName = 'precise' | 'fast';
export const KERNEL_NAMES: readonly KernelName[] = ['precise', 'fast'];

/** A chunk's sum as the unevaluated double-double hi + lo, and a bound on |hi + lo − exact|. */
export interface ChunkSum {
  hi: number;
  lo: number;
  errBound: number;
}

/** Largest term index the task data allows; keeps d = 2k+1 below 2^51, so d and d+2 are exact. */
export const MAX_TERMS = 1e15;

const U = 2 ** -53; // unit roundoff of binary64
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's splitting constant for 53-bit doubles

function checkChunk(a: number, b: number): void {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0 || b > MAX_TERMS || a >= b || a % 2 || b % 2) {
    throw new RangeError(`chunk [${a},${b}) is invalid: need even integers 0 <= a < b <= ${MAX_TERMS}`);
  }
}

/**
 * Pairs per call of a kernel's block function. V8 optimises a function well only when it enters the
 * optimised code at a call: one long loop entered once runs as on-stack-replaced code, measured at 0.6
 * of full speed for `precise` and 0.2 for `fast`, for the first large chunks of a fresh worker. Short
 * calls are compiled on entry within the first milliseconds; 4096 pairs keep the cost of a call below
 * 1% (bench/executor.ts shows the effect).
 */
const BLOCK_PAIRS = 4096;

/**
 * precise's running state (sh, sl, sumS) between blocks. Module variables rather than an array passed to
 * each block: with a Float64Array, the code V8 compiles on-stack for precise's driver loop, which is what a
 * fresh worker runs for its first two large chunks, was 4–5% slower than the code it compiles later for
 * entry; with these both run at full speed (measured side by side in fresh processes, Node 20). Kernels are
 * synchronous, so no two calls can ever interleave on them.
 */
let accSh = 0;
let accSl = 0;
let accSumS = 0;

/**
 * About 31 significant digits. Each pair 8/(d(d+2)) is formed in double-double: the product d(d+2)
 * exactly by Dekker's product, the quotient corrected by its residual; the sum is accumulated with
 * TwoSum.
 *
 * errBound is a-posteriori, 2·u²·(8·Σq + 5·Σs) with u = 2^-53, Σq the chunk sum and Σs the sum of
 * the running sums after each addition. Derivation (first order in u, the factor 2 absorbs the
 * O(u³) terms and the rounding of Σs itself, which is at most n·u < 6% for n ≤ 5e14 pairs):
 * - term: P = ph + pl = d(d+2) exactly; q1 = fl(8/ph); th + tl = q1·ph exactly; 8 − th is exact
 *   (Sterbenz, th ∈ [4,16]); the residual R = 8 − q1·P has |R| ≤ 16u and is computed with two more
 *   roundings, error ≤ 32u²; q2 = fl(r/ph) then adds u·|q2| ≤ 16u²/ph and replacing P by ph another
 *   16u²/ph. Total |q1 + q2 − 8/P| ≤ 64u²/ph, i.e. 8u² relative.
 * - addition of (q1, q2) to (sh, sl): TwoSum and the final FastTwoSum are exact; fl(sl + q2) errs by
 *   ≤ u·(u·sh + 2u·q1) ≤ 2u²·S' and fl(e + t) by ≤ u·3u·S', with S' the new running sum: 5u²·S'.
 */
export function precise(a: number, b: number): ChunkSum {
  checkChunk(a, b);
  accSh = 0;
  accSl = 0;
  accSumS = 0;
  const dLast = 2 * a + 1;
  for (let d = 2 * b - 3; d >= dLast; d -= 4 * BLOCK_PAIRS) {
    preciseBlock(d, Math.max(dLast, d - 4 * (BLOCK_PAIRS - 1)));
  }
  const errBound = 2 * U * U * (8 * accSh + 5 * accSumS);
  return { hi: accSh, lo: accSl, errBound };
}

/**
 * Adds the pairs d = dFirst, dFirst − 4, … down to dLast (inclusive) to the running state, in the same
 * order and with the same operations as one loop over the whole chunk, so the blocks change the speed,
 * never a bit of the result.
 */
function preciseBlock(dFirst: number, dLast: number): void {
  let sh = accSh;
  let sl = accSl;
  let sumS = accSumS;
  for (let d = dFirst; d >= dLast; d -= 4) {
    const e = d + 2;
    // Dekker: ph + pl = d·e exactly (Veltkamp split of both factors).
    let t = SPLITTER * d;
    const dH = t - (t - d);
    const dL = d - dH;
    t = SPLITTER * e;
    const eH = t - (t - e);
    const eL = e - eH;
    const ph = d * e;
    const pl = dH * eH - ph + dH * eL + dL * eH + dL * eL;
    // Quotient 8/(ph + pl) as q1 + q2.
    const q1 = 8 / ph;
    t = SPLITTER * q1;
    const qH = t - (t - q1);
    const qL = q1 - qH;
    t = SPLITTER * ph;
    const pH = t - (t - ph);
    const pL = ph - pH;
    const th = q1 * ph;
    const tl = qH * pH - th + qH * pL + qL * pH + qL * pL;
    const q2 = (8 - th - tl - q1 * pl) / ph;
    // (sh, sl) += (q1, q2): TwoSum of the high parts, then renormalise.
    const s = sh + q1;
    const bv = s - sh;
    const err = sh - (s - bv) + (q1 - bv);
    const v = err + (sl + q2);
    sh = s + v;
    sl = v - (sh - s);
    sumS += sh;
  }
  accSh = sh;
  accSl = sl;
  accSumS = sumS;
}

/**
 * About 15–16 significant digits, roughly 10× faster than `precise`. Each pair is 8/(d·(d+2)) in
 * double (two roundings, relative error ≤ 2u + u²), summed with Neumaier's compensated summation.
 *
 * errBound = 2.0001·u·hi + 1.1·u·Σ|c_i|. Neumaier's step computes the exact rounding error of each
 * addition, so s + (exact Σ of those errors) is the exact sum of the computed terms; the only further
 * error is in accumulating the compensation c, at most u·|c_i| per step (c_i the computed value after
 * step i). The loop tracks Σ|c_i| (its own rounding is below n·u < 6%, hence 1.1), and the term
 * roundings give 2u·Σq, with hi standing for Σq (the 0.0001 covers the difference and the rounding of
 * the bound). hi + lo = s + c exactly (FastTwoSum).
 */
export function fast(a: number, b: number): ChunkSum {
  checkChunk(a, b);
  const state = new Float64Array(3); // s, c, sumAbsC
  const dLast = 2 * a + 1;
  for (let d = 2 * b - 3; d >= dLast; d -= 4 * BLOCK_PAIRS) {
    fastBlock(d, Math.max(dLast, d - 4 * (BLOCK_PAIRS - 1)), state);
  }
  const s = state[0];
  const c = state[1];
  const hi = s + c;
  const lo = c - (hi - s);
  const errBound = 2.0001 * U * hi + 1.1 * U * state[2];
  return { hi, lo, errBound };
}

/** fast's loop over the pairs d = dFirst, dFirst − 4, … down to dLast, like preciseBlock. */
function fastBlock(dFirst: number, dLast: number, state: Float64Array): void {
  let s = state[0];
  let c = state[1];
  let sumAbsC = state[2];
  for (let d = dFirst; d >= dLast; d -= 4) {
    const q = 8 / (d * (d + 2));
    const t = s + q;
    // Terms are positive, so comparing s and q is comparing magnitudes.
    if (s >= q) c += s - t + q;
    else c += q - t + s;
    sumAbsC += Math.abs(c);
    s = t;
  }
  state[0] = s;
  state[1] = c;
  state[2] = sumAbsC;
}

/**
 * Readies V8 for the first chunks of a fresh thread; about 10 ms. Blocks alone left `fast` at 0.45 of its
 * speed for the first two large chunks (its driver loop was compiled on-stack with the block inlined, then
 * deoptimised at the untried code after the loop); a few small calls first let V8 compile both functions
 * on entry with complete type feedback. `precise` is primed too, so that the ledger's first timed chunk
 * (1e6 terms) runs at full speed rather than at 0.45 of it and the next chunk is sized right. Measured side
 * by side in fresh workers (bench/executor.ts): with it the first chunk of either kernel runs at 0.95–1.05
 * of the third.
 */
export function primeKernels(): void {
  for (let i = 0; i < 5; i++) {
    fast(1e9, 1e9 + 1e5);
    precise(1e9, 1e9 + 1e5);
  }
}

export function runKernel(kernel: KernelName, a: number, b: number): ChunkSum {
  return kernel === 'precise' ? precise(a, b) : fast(a, b);
}
