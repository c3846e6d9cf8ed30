// What a job asks its tasks for and what the ledger keeps of their answers, per kernel family: the double
// kernels (precise, fast) return (hi, lo, errBound), held exactly as counts of 2^-200 (exact.ts); the exact
// kernel of a job asked for by digits returns an integer count of 2^-bits and its bound (exact-kernel.ts),
// held as it is. Either way a chunk's value is an integer at the job's scale, so the ledger's total is a
// BigInt sum whatever the order, and a duplicate can be compared bit for bit.
import { MAX_BITS } from './exact-kernel';
import { decodeExactResult, encodeExactRequest } from './exact-task-data';
import { SCALE_BITS, scaleResult } from './exact';
import type { KernelName } from './kernel';
import { decodeTaskResult, encodeTaskRequest, type Input } from './task-data';

/** Most Euler corrections a job may ask for: E_{2K} for K = 10^5 is a number of about 10^6 decimals. */
const MAX_CORRECTIONS = 100_000;
/** Least working precision of an exact job: below it the double kernels certify as much. */
const MIN_EXACT_BITS = 64;

/** A job asked for by digits: exact chunks at `bits`, and the Euler corrections its certification adds. */
export interface ExactSpec {
  kernel: 'exact';
  bits: number;
  corrections: number;
}

export type JobSpec = { kernel: KernelName } | ExactSpec;
export type JobKernel = JobSpec['kernel'];

export type ChunkValue =
  | { kind: 'double'; hi: number; lo: number; errBound: number }
  /** The true value lies in [sum, sum + bound) units of 2^-bits. */
  | { kind: 'exact'; sum: bigint; bound: number };

/** A spec's problem in one line, or null: the ledger and its file refuse what no task could run. */
export function specProblem(spec: JobSpec): string | null {
  if (spec.kernel !== 'exact') return null;
  if (!Number.isSafeInteger(spec.bits) || spec.bits < MIN_EXACT_BITS || spec.bits > MAX_BITS) {
    return `bits must be an integer from ${MIN_EXACT_BITS} to ${MAX_BITS} (got ${spec.bits})`;
  }
  if (!Number.isSafeInteger(spec.corrections) || spec.corrections < 0 || spec.corrections > MAX_CORRECTIONS) {
    return `corrections must be an integer from 0 to ${MAX_CORRECTIONS} (got ${spec.corrections})`;
  }
  return null;
}

/** Fractional bits of the integers a job's chunk values and totals are counted in. */
export const scaleBitsOf = (spec: JobSpec): number => (spec.kernel === 'exact' ? spec.bits : SCALE_BITS);

/** The TaskInfo.data of a chunk. */
export function requestFor(spec: JobSpec, start: number, end: number): string {
  return spec.kernel === 'exact' ? encodeExactRequest({ start, end, kernel: 'exact', bits: spec.bits }) : encodeTaskRequest({ start, end, kernel: spec.kernel });
}

/** A task's result for chunk [start, end), checked as untrusted input; throws TaskDataError. */
export function decodeChunkResult(spec: JobSpec, data: Input, start: number, end: number): { value: ChunkValue; ms: number } {
  if (spec.kernel === 'exact') {
    const r = decodeExactResult(data, { start, end, kernel: 'exact', bits: spec.bits });
    return { value: { kind: 'exact', sum: r.sum, bound: r.bound }, ms: r.ms };
  }
  const r = decodeTaskResult(data, { start, end, kernel: spec.kernel });
  return { value: { kind: 'double', hi: r.hi, lo: r.lo, errBound: r.errBound }, ms: r.ms };
}

/** A chunk value and its error bound as integers at the job's scale. */
export function scaledValue(v: ChunkValue): { value: bigint; eps: bigint } {
  return v.kind === 'exact' ? { value: v.sum, eps: BigInt(v.bound) } : scaleResult(v.hi, v.lo, v.errBound);
}

export function sameValue(a: ChunkValue, b: ChunkValue): boolean {
  if (a.kind === 'exact') return b.kind === 'exact' && a.sum === b.sum && a.bound === b.bound;
  return b.kind === 'double' && a.hi === b.hi && a.lo === b.lo && a.errBound === b.errBound;
}

/** A value in a log line: an exact sum of thousands of bits is shown by its size and last hex digits. */
export function showValue(v: ChunkValue): string {
  if (v.kind === 'double') return `(${v.hi}, ${v.lo}, ${v.errBound})`;
  const hex = v.sum.toString(16);
  return `(${v.sum.toString(2).length}-bit sum …${hex.slice(-12)}, bound ${v.bound})`;
}
