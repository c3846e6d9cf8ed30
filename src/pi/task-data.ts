// The task data exchanged by scheduler and executor: the request in TaskInfo.data, the result in the
// TASK_FINISHED status's data. Both come from the network, so both are parsed as untrusted input:
// size first, then UTF-8, then JSON, then every field, each failure one line naming the field and the
// fix. No dependencies beyond kernel.ts: the executor bundles this file.
import { KERNEL_NAMES, MAX_TERMS, type KernelName } from './kernel';

/** Requests are ~60 bytes and results ~200; anything near this is hostile or broken. */
export const MAX_TASK_DATA_BYTES = 4096;

export interface TaskRequest {
  start: number;
  end: number;
  kernel: KernelName;
}

export interface TaskResult extends TaskRequest {
  hi: number;
  lo: number;
  errBound: number;
  terms: number;
  /** Compute time in the executor, ms; the ledger's speed measure. */
  ms: number;
}

/** A chunk's compute time in ms: at most the ledger file's bound (31 years). */
const MAX_TASK_MS = 1e12;
/** A core sums about 10^6 terms per ms; a thousand times that is no real machine. */
const MAX_TERMS_PER_MS = 1e9;

export class TaskDataError extends Error {
  override name = 'TaskDataError';
}

export type Input = string | Uint8Array;

export function parseObject(input: Input, what: string, keys: readonly string[], maxBytes = MAX_TASK_DATA_BYTES): Record<string, unknown> {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > maxBytes) {
    throw new TaskDataError(`${what} is ${bytes} bytes, over the ${maxBytes}-byte limit`);
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new TaskDataError(`${what} is not valid UTF-8`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TaskDataError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TaskDataError(`${what} must be a JSON object with keys ${keys.join(', ')}`);
  }
  const obj = value as Record<string, unknown>;
  // Object.keys also lists an own "__proto__" key from JSON.parse, so it is rejected here.
  for (const k of Object.keys(obj)) {
    if (!keys.includes(k)) throw new TaskDataError(`${what} has unknown key ${JSON.stringify(k.slice(0, 40))}`);
  }
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) throw new TaskDataError(`${what} lacks key "${k}"`);
  }
  return obj;
}

export function finite(obj: Record<string, unknown>, key: string, what: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TaskDataError(`${what}: "${key}" must be a finite number (got ${describe(v)})`);
  }
  return v;
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v.slice(0, 20))}${v.length > 20 ? '…' : ''}`;
  if (v === null || Array.isArray(v)) return v === null ? 'null' : 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Validates a chunk range; the message names what is wrong. Shared by both directions. */
export function checkRange(start: number, end: number, what = 'task data'): void {
  for (const [k, v] of [['start', start], ['end', end]] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || v > MAX_TERMS) {
      throw new TaskDataError(`${what}: "${k}" must be an integer from 0 to ${MAX_TERMS} (got ${v})`);
    }
    if (v % 2 !== 0) throw new TaskDataError(`${what}: "${k}" must be even (got ${v})`);
  }
  if (start >= end) throw new TaskDataError(`${what}: "start" must be below "end" (got ${start} >= ${end})`);
}

/** A result's compute time must be one the ledger can turn into a speed. */
export function checkMs(ms: number, terms: number, what: string): void {
  if (ms < 0) throw new TaskDataError(`${what}: "ms" must not be negative (got ${ms})`);
  if (ms > MAX_TASK_MS) throw new TaskDataError(`${what}: "ms" must be at most ${MAX_TASK_MS} (got ${ms})`);
  // The ledger turns ms into a speed: 5e-324 ms would make it Infinity, which a saved ledger cannot hold.
  if (ms > 0 && terms / ms > MAX_TERMS_PER_MS) {
    throw new TaskDataError(`${what}: "ms" ${ms} means ${terms / ms} terms per ms, beyond any CPU; the executor's clock is wrong`);
  }
}

/** The checked "start" and "end" of a parsed request or result. */
export function rangeOf(obj: Record<string, unknown>, what: string): { start: number; end: number } {
  const start = finite(obj, 'start', what);
  const end = finite(obj, 'end', what);
  checkRange(start, end, what);
  return { start, end };
}

function kernelOf(obj: Record<string, unknown>, what: string): KernelName {
  const k = obj.kernel;
  if (typeof k !== 'string' || !(KERNEL_NAMES as readonly string[]).includes(k)) {
    throw new TaskDataError(`${what}: "kernel" must be one of ${KERNEL_NAMES.join(', ')} (got ${describe(k)})`);
  }
  return k as KernelName;
}

const REQUEST_KEYS = ['start', 'end', 'kernel'] as const;

export function parseTaskRequest(input: Input): TaskRequest {
  const what = 'task data';
  const obj = parseObject(input, what, REQUEST_KEYS);
  const { start, end } = rangeOf(obj, what);
  return { start, end, kernel: kernelOf(obj, what) };
}

export function encodeTaskRequest(r: TaskRequest): string {
  checkRange(r.start, r.end);
  return JSON.stringify({ start: r.start, end: r.end, kernel: r.kernel });
}

const RESULT_KEYS = ['start', 'end', 'kernel', 'hi', 'lo', 'errBound', 'terms', 'ms'] as const;

/** JSON numbers round-trip doubles exactly in JS (shortest repr), except −0, which becomes 0. */
export function encodeTaskResult(r: TaskResult): string {
  return JSON.stringify({
    start: r.start, end: r.end, kernel: r.kernel, hi: r.hi, lo: r.lo, errBound: r.errBound, terms: r.terms, ms: r.ms,
  });
}

/**
 * Parses a result and checks it is plausible for its range: the chunk sum is positive and below the
 * alternating-series bound 4/(2·start+1), errBound is below the sum, and |lo| is within an ulp of hi.
 * With `expected`, the range and kernel must be those of the chunk it claims to answer.
 */
export function decodeTaskResult(input: Input, expected?: TaskRequest): TaskResult {
  const what = 'task result';
  const obj = parseObject(input, what, RESULT_KEYS);
  const { start, end } = rangeOf(obj, what);
  const kernel = kernelOf(obj, what);
  const [hi, lo, errBound, terms, ms] = (['hi', 'lo', 'errBound', 'terms', 'ms'] as const).map((k) => finite(obj, k, what));
  if (terms !== end - start) throw new TaskDataError(`${what}: "terms" must be end - start = ${end - start} (got ${terms})`);
  checkMs(ms, terms, what);
  if (!(hi > 0 && hi <= (4 / (2 * start + 1)) * (1 + 1e-12))) {
    throw new TaskDataError(`${what}: "hi" ${hi} is outside (0, 4/(2·start+1)], so the chunk was not summed correctly`);
  }
  if (Math.abs(lo) > hi * 2 ** -52) throw new TaskDataError(`${what}: "lo" ${lo} is not below an ulp of "hi"`);
  if (!(errBound >= 0 && errBound < hi)) {
    throw new TaskDataError(`${what}: "errBound" must be at least 0 and below "hi" (got ${errBound})`);
  }
  if (expected && (expected.start !== start || expected.end !== end || expected.kernel !== kernel)) {
    throw new TaskDataError(
      `${what} is for [${start},${end}) ${kernel} but the task was [${expected.start},${expected.end}) ${expected.kernel}`,
    );
  }
  return { start, end, kernel, hi, lo, errBound, terms, ms };
}
