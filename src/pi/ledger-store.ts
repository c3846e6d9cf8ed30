// Persistence of the job ledger in stateDir, so that a daemon killed mid-job resumes with every result it
// had received. The file is written atomically (temp file in the same directory, fsync, rename, fsync the
// directory), at most once a second while the ledger changes. On load the file is untrusted: every
// field is checked, and a file that fails is moved aside, never dropped silently.
//
// Two versions: 1 for the double kernels (hi, lo, errBound per chunk, as every file before exact jobs), and 2
// for exact jobs, which adds the working precision, the corrections, the certified digits once known, and
// keeps each chunk's sum as lowercase hex of its count of 2^-bits (about bits/4 characters). A double job is
// still written as version 1, so a file from an older daemon and one for it read alike.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log';
import { KERNEL_NAMES, type KernelName } from './kernel';
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from './chunk-sizing';
import { exactBound } from './exact-task-data';
import { checked as checkDigits, type FinalDigits } from './final-digits';
import { Ledger, MAX_ID_LENGTH, type Chunk, type ChunkState, type LedgerData, type StoredResult } from './ledger';
import { errorLine } from '../lib/error-line';

export const LEDGER_FORMAT = 'mesos-panel/pi-ledger';
/** Files of double-kernel jobs. */
export const LEDGER_VERSION = 1;
/** Files of exact jobs (asked for by digits). */
export const EXACT_LEDGER_VERSION = 2;
/** A 1e15-term job is at most a few 10^5 chunks; far below this. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Doubles are stored as their 16 hex digits of IEEE bits: exact, including −0. */
export function doubleToHex(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0).toString(16).padStart(16, '0');
}

export function hexToDouble(h: string): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, BigInt(`0x${h}`));
  return v.getFloat64(0);
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const time = z.number().int().min(0).max(8.64e15);
const id = z.string().min(1).max(MAX_ID_LENGTH);
const hex = z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 hex digits of a double');
const speed = z.number().min(0).max(1e15);
const sampleMs = z.number().min(0).max(1e12);
const failures = z.array(z.tuple([id, count])).max(10_000);
const chunkBase = { start: count, end: count, attempts: count, failures };
const doneBase = { ...chunkBase, state: z.literal('done'), ms: z.number().min(0).max(1e12), agentId: z.string().max(255), taskId: id };
/** A chunk, with the result fields of its kernel family when done. */
const chunkOf = <T extends z.ZodRawShape>(result: T) =>
  z.discriminatedUnion('state', [
    z.strictObject({ ...chunkBase, state: z.literal('pending') }),
    z.strictObject({ ...chunkBase, state: z.literal('launched'), taskId: id, agentId: id, launchedAt: time }),
    z.strictObject({ ...doneBase, ...result }),
  ]);
const doubleChunk = chunkOf({ hi: hex, lo: hex, errBound: hex });
// A sum of up to MAX_BITS bits (a 1e15-term chunk is below 4, so its integer part has 2 more): canonical hex.
const exactChunk = chunkOf({ sum: z.string().max(100_002).regex(/^[1-9a-f][0-9a-f]*$/, 'expected the sum as hex without leading zeros'), bound: count });
const common = {
  format: z.literal(LEDGER_FORMAT),
  jobId: z.string().max(16),
  terms: count,
  startedAt: time,
  finishedAt: time.nullable(),
  carved: count,
  counters: z.strictObject({ launched: count, finished: count, failed: count, lost: count, retried: count, mismatches: count }),
  speeds: z.array(z.unknown()).max(100_000),
  chunks: z.array(z.unknown()).max(10_000_000),
};
// [agent, terms/s, last chunk, sample ms]; files written before the sample time was kept have three.
const speedEntry = z.union([z.tuple([id, speed, count, sampleMs]), z.tuple([id, speed, count])]);
const certified = z.strictObject({ digits: z.string().max(1_000_000).regex(/^3(\.\d+)?$/, 'expected certified digits such as "3.14159"') });
const refuted = z.strictObject({ refuted: z.string().max(1000) });
const file = z.discriminatedUnion('version', [
  z.strictObject({ ...common, version: z.literal(LEDGER_VERSION), kernel: z.enum(KERNEL_NAMES as [string, ...string[]]) }),
  z.strictObject({
    ...common, version: z.literal(EXACT_LEDGER_VERSION), kernel: z.literal('exact'), bits: count, corrections: count, final: z.union([certified, refuted]).nullable(),
  }),
]);
type ChunkJson = z.infer<typeof doubleChunk> | z.infer<typeof exactChunk>;

export class LedgerFileError extends Error {
  override name = 'LedgerFileError';
}

function resultJson(r: StoredResult): Record<string, string | number> {
  const where = { ms: r.ms, agentId: r.agentId, taskId: r.taskId };
  if (r.kind === 'exact') return { sum: r.sum.toString(16), bound: r.bound, ...where };
  return { hi: doubleToHex(r.hi), lo: doubleToHex(r.lo), errBound: doubleToHex(r.errBound), ...where };
}

export function serializeLedger(ledger: Ledger): string {
  const d = ledger.data;
  const chunks = d.chunks.map((c) => {
    const base = { start: c.start, end: c.end, attempts: c.attempts, failures: [...c.failures] };
    const s = c.state;
    if (s.kind === 'pending') return { ...base, state: 'pending' };
    if (s.kind === 'launched') return { ...base, state: 'launched', taskId: s.taskId, agentId: s.agentId, launchedAt: s.launchedAt };
    return { ...base, state: 'done', ...resultJson(s.result) };
  });
  const spec = d.spec;
  const kind =
    spec.kernel === 'exact'
      ? { version: EXACT_LEDGER_VERSION, kernel: spec.kernel, bits: spec.bits, corrections: spec.corrections, final: finalJson(d.final) }
      : { version: LEDGER_VERSION, kernel: spec.kernel };
  return JSON.stringify({
    format: LEDGER_FORMAT, ...kind, jobId: d.jobId, terms: d.terms,
    startedAt: d.startedAt, finishedAt: d.finishedAt, carved: d.carved, counters: d.counters,
    speeds: [...d.speeds].map(([agent, s]) => [agent, s.termsPerSecond, s.lastChunk, s.sampleMs]), chunks,
  });
}

const finalJson = (f: FinalDigits | null): { digits: string } | { refuted: string } | null =>
  f === null ? null : f.kind === 'certified' ? { digits: f.digits } : { refuted: f.message };

/** A certified string is checked again by BBP (milliseconds), so a file cannot bring wrong digits to the display. */
function finalOf(f: { digits: string } | { refuted: string } | null): FinalDigits | null {
  if (f === null) return null;
  if ('refuted' in f) return { kind: 'refuted', message: f.refuted };
  const final = checkDigits(f.digits);
  if (final.kind === 'refuted') throw new LedgerFileError(`certified digits: ${final.message}`);
  return final;
}

function resultOf(c: ChunkJson & { state: 'done' }): StoredResult {
  const where = { ms: c.ms, agentId: c.agentId, taskId: c.taskId };
  if ('sum' in c) {
    if (c.bound !== exactBound(c.start, c.end)) throw new LedgerFileError(`chunk at ${c.start}: bound ${c.bound} is not the exact kernel's ${exactBound(c.start, c.end)}`);
    return { kind: 'exact', sum: BigInt(`0x${c.sum}`), bound: c.bound, ...where };
  }
  const [hi, lo, errBound] = [c.hi, c.lo, c.errBound].map(hexToDouble);
  if (![hi, lo, errBound].every(Number.isFinite) || !(hi > 0) || !(errBound >= 0)) {
    throw new LedgerFileError(`chunk at ${c.start}: result (${hi}, ${lo}, ${errBound}) is not a valid chunk sum`);
  }
  return { kind: 'double', hi, lo, errBound, ...where };
}

/** The value as the schema reads it, or a LedgerFileError naming its first problem at `at` in the file. */
function checked<T extends z.ZodTypeAny>(schema: T, value: unknown, at: (string | number)[]): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // zod quotes the bad value in some messages; a hostile file must not turn that into a page-long log line, nor
  // break it with a line feed or a terminal escape: control characters are written as \uXXXX.
  const quoted = issue.message.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const message = quoted.length > 160 ? `${quoted.slice(0, 157)}...` : quoted;
  const where = [...at, ...issue.path];
  throw new LedgerFileError(`${where.length ? where.join('.') : 'top level'}: ${message}`);
}

/** Parses and checks a ledger file's text; throws LedgerFileError naming the first problem. */
export function parseLedger(text: string, now: number, options: LedgerOptions = DEFAULT_LEDGER_OPTIONS): Ledger {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LedgerFileError('not valid JSON');
  }
  // The lists are checked entry by entry and the first bad one ends the check: zod collects every issue of a
  // list, and a file of 10^5 bad entries would take seconds to describe when one line is all that is said.
  const f = checked(file, json, []);
  const speedList = f.speeds.map((e, i) => checked(speedEntry, e, ['speeds', i]));
  const chunkSchema = f.version === EXACT_LEDGER_VERSION ? exactChunk : doubleChunk;
  const chunkList: ChunkJson[] = f.chunks.map((c, i) => checked(chunkSchema, c, ['chunks', i]));
  const chunks = chunkList.map((c): Chunk => {
    let state: ChunkState;
    if (c.state === 'pending') state = { kind: 'pending' };
    else if (c.state === 'launched') state = { kind: 'launched', taskId: c.taskId, agentId: c.agentId, launchedAt: c.launchedAt };
    else state = { kind: 'done', result: resultOf(c) };
    return { start: c.start, end: c.end, attempts: c.attempts, failures: new Map(c.failures), state };
  });
  const data: LedgerData = {
    jobId: f.jobId, terms: f.terms, startedAt: f.startedAt, finishedAt: f.finishedAt,
    spec: f.version === EXACT_LEDGER_VERSION ? { kernel: 'exact', bits: f.bits, corrections: f.corrections } : { kernel: f.kernel as KernelName },
    final: f.version === EXACT_LEDGER_VERSION ? finalOf(f.final) : null,
    carved: f.carved, chunks, counters: { ...f.counters },
    speeds: new Map(speedList.map(([agent, tps, last, ms]) => [agent, { termsPerSecond: tps, lastChunk: last, sampleMs: ms ?? 0 }])),
  };
  try {
    return Ledger.restore(data, now, options);
  } catch (err) {
    throw new LedgerFileError(errorLine(err));
  }
}

/** Writes data so that the file holds either the old or the new content, even across a power cut. */
export async function writeFileAtomic(target: string, data: string): Promise<void> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    const fh = await fs.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  // The rename is durable only once the directory entry is on disk.
  const dh = await fs.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export async function saveLedger(target: string, ledger: Ledger): Promise<void> {
  await writeFileAtomic(target, serializeLedger(ledger));
}

/**
 * The saved job, or null when there is none. A file that cannot be read or fails validation is renamed
 * to `<name>.corrupt-<timestamp>` and logged, and the daemon starts with no job.
 */
export async function loadLedger(
  target: string,
  opts: { now: number; log: Logger; options?: LedgerOptions },
): Promise<Ledger | null> {
  let problem: string;
  try {
    const st = await fs.stat(target);
    if (st.size > MAX_FILE_BYTES) throw new LedgerFileError(`${st.size} bytes, over the ${MAX_FILE_BYTES}-byte limit`);
    return parseLedger(await fs.readFile(target, 'utf8'), opts.now, opts.options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return null;
    problem = e instanceof LedgerFileError ? e.message : `cannot read it (${e.code ?? e.message})`;
  }
  const aside = `${target}.corrupt-${new Date(opts.now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.rename(target, aside);
    opts.log.error(`π ledger ${target} is unusable (${problem}); moved it to ${aside} and starting with no job`);
  } catch (err) {
    opts.log.error(
      `π ledger ${target} is unusable (${problem}) and could not be moved aside (${(err as NodeJS.ErrnoException).code ?? err}); starting with no job, and the next save replaces it`,
    );
  }
  return null;
}

export interface SaverTimer {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimer: SaverTimer = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Runs `save` after changes, at most once per interval and never two at once; flush() forces it. */
export class ThrottledSaver {
  private dirty = false;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private last = -Infinity;
  private closed = false;

  constructor(
    private readonly save: () => Promise<void>,
    private readonly onError: (err: Error) => void,
    private readonly timer_: SaverTimer = realTimer,
    private readonly minIntervalMs = 1000,
  ) {}

  markDirty(): void {
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.running || this.timer !== null || !this.dirty) return;
    const wait = Math.max(0, this.last + this.minIntervalMs - this.timer_.now());
    this.timer = this.timer_.setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  private run(): Promise<void> {
    this.dirty = false;
    this.running = this.save()
      .catch((err: Error) => {
        this.dirty = true; // keep the changes for the next attempt
        this.onError(err);
      })
      .finally(() => {
        this.running = null;
        this.last = this.timer_.now();
        this.schedule();
      });
    return this.running;
  }

  /** Saves now if anything changed (on shutdown, or after a job ends), waiting for a save under way. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.timer_.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
    if (this.timer !== null) {
      this.timer_.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.dirty && !this.closed) await this.run();
  }

  /**
   * The last save, then no more: a change that arrives later (a late status update, a retry after an error)
   * must not write into a state folder its owner may already have removed.
   */
  async close(): Promise<void> {
    // Closed first: a change during the save under way, or during the last one, must not schedule another.
    this.closed = true;
    if (this.timer !== null) {
      this.timer_.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running) await this.running;
    if (this.dirty) await this.run();
  }
}
