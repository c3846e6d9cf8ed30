// Task data of exact chunks (exact-kernel.ts), for jobs asked for by digits: the request adds the working
// precision, {start, end, kernel: "exact", bits}, and the result carries the chunk's sum as a base64
// big-endian integer count of 2^-bits and the kernel's bound. At 40,000 bits a result is about 6.8 KB
// (5,000 bytes of sum as 6,668 base64 characters plus ~120 of fields), well within what a Mesos status
// update carries. Parsed as untrusted input like task-data.ts, with the checks a forged, truncated or
// mismatched result fails: the base64 must be canonical, the bound must be exactly the kernel's, and the
// sum must agree with the double-precision value of the chunk to 1e-9. Low bits that were changed pass
// these checks; the final BBP check (bbp.ts) is what catches them. No dependencies beyond the kernels.
import { GROUP_PAIRS, MAX_BITS } from './exact-kernel';
import { fast } from './kernel';
import { checkMs, checkRange, finite, parseObject, rangeOf, TaskDataError, type Input } from './task-data';

export interface ExactRequest {
  start: number;
  end: number;
  kernel: 'exact';
  bits: number;
}

export interface ExactResult extends ExactRequest {
  /** floor-rounded chunk value in units of 2^-bits. */
  sum: bigint;
  /** The true value lies in [sum, sum + bound). */
  bound: number;
  terms: number;
  ms: number;
}

/** The largest result: MAX_BITS of base64 sum and the fields around it. */
export const MAX_EXACT_DATA_BYTES = Math.ceil(MAX_BITS / 6) + 512;

const REQUEST_KEYS = ['start', 'end', 'kernel', 'bits'] as const;
const RESULT_KEYS = ['start', 'end', 'kernel', 'bits', 'sum', 'bound', 'terms', 'ms'] as const;

/** Whether task data asks for an exact chunk, so the executor knows which parser to hold it to. */
export function isExactRequest(input: Input): boolean {
  try {
    const text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && (v as { kernel?: unknown }).kernel === 'exact';
  } catch {
    return false;
  }
}

function bitsOf(obj: Record<string, unknown>, what: string): number {
  const bits = finite(obj, 'bits', what);
  if (!Number.isSafeInteger(bits) || bits < 64 || bits > MAX_BITS) {
    throw new TaskDataError(`${what}: "bits" must be an integer from 64 to ${MAX_BITS} (got ${bits})`);
  }
  return bits;
}

function exactKernel(obj: Record<string, unknown>, what: string): 'exact' {
  if (obj.kernel !== 'exact') throw new TaskDataError(`${what}: "kernel" must be "exact"`);
  return 'exact';
}

export function parseExactRequest(input: Input): ExactRequest {
  const what = 'task data';
  const obj = parseObject(input, what, REQUEST_KEYS);
  const { start, end } = rangeOf(obj, what);
  return { start, end, kernel: exactKernel(obj, what), bits: bitsOf(obj, what) };
}

export function encodeExactRequest(r: ExactRequest): string {
  checkRange(r.start, r.end);
  return JSON.stringify({ start: r.start, end: r.end, kernel: 'exact', bits: r.bits });
}

function toBase64(v: bigint): string {
  const hex = v.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64');
}

export function encodeExactResult(r: ExactResult): string {
  return JSON.stringify({
    start: r.start, end: r.end, kernel: 'exact', bits: r.bits, sum: toBase64(r.sum), bound: r.bound, terms: r.terms, ms: r.ms,
  });
}

/** The kernel's bound for a chunk: one unit per group of pairs. */
export const exactBound = (start: number, end: number): number => Math.ceil((end - start) / 2 / GROUP_PAIRS);

/**
 * Parses an exact result and checks it for its chunk: canonical base64 with no leading zero byte, the
 * kernel's bound, and a sum within 1e-9 relative of the chunk's double-precision value (the `fast`
 * kernel, ~1e-16). With `expected`, range and precision must be those of the task it answers.
 */
export function decodeExactResult(input: Input, expected?: ExactRequest): ExactResult {
  const what = 'task result';
  const obj = parseObject(input, what, RESULT_KEYS, MAX_EXACT_DATA_BYTES);
  const { start, end } = rangeOf(obj, what);
  const kernel = exactKernel(obj, what);
  const bits = bitsOf(obj, what);
  const [bound, terms, ms] = (['bound', 'terms', 'ms'] as const).map((k) => finite(obj, k, what));
  if (terms !== end - start) throw new TaskDataError(`${what}: "terms" must be end - start = ${end - start} (got ${terms})`);
  checkMs(ms, terms, what);
  if (bound !== exactBound(start, end)) {
    throw new TaskDataError(`${what}: "bound" must be ${exactBound(start, end)} for ${terms} terms (got ${bound})`);
  }
  if (expected && (expected.start !== start || expected.end !== end || expected.bits !== bits)) {
    throw new TaskDataError(
      `${what} is for [${start},${end}) at ${bits} bits but the task was [${expected.start},${expected.end}) at ${expected.bits} bits`,
    );
  }
  const text = obj.sum;
  const bytes = typeof text === 'string' ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (typeof text !== 'string' || bytes.length === 0 || bytes[0] === 0 || bytes.toString('base64') !== text) {
    throw new TaskDataError(`${what}: "sum" must be the chunk's sum as canonical base64 of a positive big-endian integer`);
  }
  if (bytes.length > Math.ceil((bits + 3) / 8)) {
    throw new TaskDataError(`${what}: "sum" has ${bytes.length} bytes, more than a chunk below 4 can have at ${bits} bits`);
  }
  const sum = BigInt(`0x${bytes.toString('hex')}`);
  const approx = fast(start, end).hi;
  const got = Number(sum >> BigInt(Math.max(0, bits - 1000))) * 2 ** -Math.min(bits, 1000);
  if (!(Math.abs(got - approx) <= approx * 1e-9)) {
    throw new TaskDataError(`${what}: "sum" is ${got.toPrecision(12)}, but the chunk is ${approx.toPrecision(12)}; the result is damaged`);
  }
  return { start, end, kernel, bits, sum, bound, terms, ms };
}
