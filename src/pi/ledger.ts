// The job ledger: which ranges of the series are waiting, running where, or done with which result.
// Pure: no I/O, the clock comes in as `now` arguments. Results are kept per chunk and summed as BigInt
// counts of 2^-200 (double kernels) or 2^-bits (exact jobs, chunk-result.ts), so duplicates are idempotent
// and the total does not depend on the order in which chunks finish. How long a chunk to carve for an agent
// is chunk-sizing.ts's question.
import { ChunkSizer, DEFAULT_LEDGER_OPTIONS, type LedgerOptions, type RunningChunk } from './chunk-sizing';
import {
  decodeChunkResult, type ExactSpec, type JobKernel, type JobSpec, requestFor, sameValue, scaleBitsOf, scaledValue, showValue, specProblem,
} from './chunk-result';
import type { FinalDigits } from './final-digits';
import type { KernelName } from './kernel';
import type { Chunk, Counters, Launch, LedgerData, Progress, UpdateOutcome } from './ledger-data';
import { checkRange, TaskDataError } from './task-data';

export type { Chunk, ChunkState, Counters, Launch, LedgerData, Progress, StoredResult, UpdateOutcome } from './ledger-data';

export const MIN_JOB_TERMS = 1e6;
export const MAX_JOB_TERMS = 1e15;
/** The longest agent or task id the ledger keeps (and its file format accepts). Mesos ids are far shorter. */
export const MAX_ID_LENGTH = 255;

/** States that put a launched chunk back to pending. TASK_UNKNOWN (a reconciliation answer for a task
 * the master does not know) and TASK_GONE_BY_OPERATOR mean the same for us: the work is gone. */
const LOST_STATES = new Set(['TASK_LOST', 'TASK_DROPPED', 'TASK_GONE', 'TASK_UNREACHABLE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);
const FAILED_STATES = new Set(['TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR']);

export class LedgerError extends Error {
  override name = 'LedgerError';
}

const TASK_ID = /^pi-([a-z0-9]{1,16})-(\d{1,16})-(\d{1,16})-(\d{1,9})$/;
const RATE_WINDOW_MS = 60_000;

export function taskIdFor(jobId: string, start: number, end: number, attempt: number): string {
  return `pi-${jobId}-${start}-${end}-${attempt}`;
}

export function parseTaskId(taskId: string): { jobId: string; start: number; end: number; attempt: number } | null {
  const m = TASK_ID.exec(taskId);
  return m ? { jobId: m[1], start: Number(m[2]), end: Number(m[3]), attempt: Number(m[4]) } : null;
}

export function checkJob(jobId: string, terms: number, spec: JobSpec): void {
  if (!/^[a-z0-9]{1,16}$/.test(jobId)) throw new LedgerError(`job id ${JSON.stringify(jobId)} must be 1-16 of a-z, 0-9`);
  if (!Number.isSafeInteger(terms) || terms < MIN_JOB_TERMS || terms > MAX_JOB_TERMS) {
    throw new LedgerError(`terms must be an integer from ${MIN_JOB_TERMS} to ${MAX_JOB_TERMS} (got ${terms})`);
  }
  if (terms % 2 !== 0) throw new LedgerError(`terms must be even, since chunks pair terms (got ${terms}; use ${terms + 1})`);
  const problem = specProblem(spec);
  if (problem) throw new LedgerError(problem);
}

export class Ledger {
  readonly options: LedgerOptions;
  private readonly d: LedgerData;
  private readonly byStart = new Map<number, Chunk>();
  private readonly pending = new Set<Chunk>();
  private readonly launched = new Map<string, Chunk>();
  private sumScaled = 0n;
  private epsScaled = 0n;
  private doneTerms = 0;
  private prefixIndex = 0;
  private prefixSum = 0n;
  private prefixEps = 0n;
  private readonly recent: { at: number; terms: number }[] = [];
  private readonly sessionStart: number;
  private readonly sizer: ChunkSizer;

  private constructor(data: LedgerData, options: LedgerOptions, now: number) {
    this.d = data;
    this.options = options;
    this.sessionStart = now;
    if (!Number.isSafeInteger(options.minChunkTerms) || options.minChunkTerms < 2 || options.minChunkTerms % 2) {
      throw new LedgerError(`minChunkTerms must be an even integer of at least 2 (got ${options.minChunkTerms})`);
    }
    let expect = 0;
    for (const c of data.chunks) {
      checkRange(c.start, c.end, `ledger chunk ${c.start}`);
      if (c.start !== expect) throw new LedgerError(`ledger chunk at ${c.start} should start at ${expect} (gap or overlap)`);
      expect = c.end;
      this.byStart.set(c.start, c);
      this.index(c);
    }
    if (expect !== data.carved || data.carved > data.terms) {
      throw new LedgerError(`ledger chunks end at ${expect} but carved is ${data.carved} of ${data.terms}`);
    }
    this.sizer = new ChunkSizer(options, data.speeds, this.running());
    this.advancePrefix();
  }

  /** A job of a double kernel, or an exact one at `bits` (a job asked for by digits). */
  static create(jobId: string, terms: number, kernel: KernelName | ExactSpec, now: number, options = DEFAULT_LEDGER_OPTIONS): Ledger {
    const spec: JobSpec = typeof kernel === 'string' ? { kernel } : kernel;
    checkJob(jobId, terms, spec);
    const counters: Counters = { launched: 0, finished: 0, failed: 0, lost: 0, retried: 0, mismatches: 0 };
    const data: LedgerData = { jobId, terms, spec, startedAt: now, finishedAt: null, carved: 0, chunks: [], counters, speeds: new Map(), final: null };
    return new Ledger(data, options, now);
  }

  /** Rebuilds a ledger from persisted data, checking its invariants; throws LedgerError if broken. */
  static restore(data: LedgerData, now: number, options = DEFAULT_LEDGER_OPTIONS): Ledger {
    checkJob(data.jobId, data.terms, data.spec);
    if (data.final && (data.spec.kernel !== 'exact' || data.finishedAt === null)) {
      throw new LedgerError('certified digits are recorded for a job that is not a finished exact one');
    }
    return new Ledger(data, options, now);
  }

  private index(c: Chunk): void {
    const s = c.state;
    if (s.kind === 'pending') this.pending.add(c);
    else if (s.kind === 'launched') {
      const id = parseTaskId(s.taskId);
      if (!id || id.jobId !== this.d.jobId || id.start !== c.start || id.end !== c.end || this.launched.has(s.taskId)) {
        throw new LedgerError(`ledger chunk at ${c.start} has task id ${JSON.stringify(s.taskId)} that does not match it`);
      }
      this.launched.set(s.taskId, c);
    } else {
      if ((s.result.kind === 'exact') !== (this.d.spec.kernel === 'exact')) {
        throw new LedgerError(`ledger chunk at ${c.start} holds a ${s.result.kind} result in a ${this.d.spec.kernel} job`);
      }
      const { value, eps } = scaledValue(s.result);
      this.sumScaled += value;
      this.epsScaled += eps;
      this.doneTerms += c.end - c.start;
    }
  }

  get jobId(): string { return this.d.jobId; }
  get terms(): number { return this.d.terms; }
  get kernel(): JobKernel { return this.d.spec.kernel; }
  get spec(): JobSpec { return this.d.spec; }
  /** Fractional bits of the counts total(), prefix() and result() return. */
  get scaleBits(): number { return scaleBitsOf(this.d.spec); }
  /** An exact job's certified digits (or why there are none), once the service certified the finished sum. */
  get final(): FinalDigits | null { return this.d.final; }
  get counters(): Readonly<Counters> { return this.d.counters; }
  /** The ledger's state for persistence; callers must not mutate it. */
  get data(): Readonly<LedgerData> { return this.d; }

  isDone(): boolean { return this.doneTerms === this.d.terms; }

  /** Whether some chunk waits for an agent (pending, or not yet carved): SUPPRESS when false. */
  hasWaiting(): boolean { return this.pending.size > 0 || this.d.carved < this.d.terms; }

  /** Tasks believed to be running, for reconciliation after SUBSCRIBED. */
  launchedTasks(): { taskId: string; agentId: string }[] {
    return [...this.launched].map(([taskId, c]) => ({ taskId, agentId: (c.state as { agentId: string }).agentId }));
  }

  /** The next task for this agent: a re-queued chunk it may take, or a new one carved from the tail. */
  nextChunk(agentId: string, now: number): Launch | null {
    // An id the ledger file could not hold back would make the saved job unreadable: such an agent gets no work.
    if (agentId.length === 0 || agentId.length > MAX_ID_LENGTH) return null;
    let best: Chunk | null = null;
    for (const c of this.pending) {
      if ((c.failures.get(agentId) ?? 0) >= this.options.maxFailuresPerAgent) continue;
      if (!best || c.start < best.start) best = c;
    }
    const chunk = best ?? this.carve(agentId, now);
    if (!chunk) return null;
    this.pending.delete(chunk);
    if (chunk.attempts > 0) this.d.counters.retried++;
    chunk.attempts++;
    this.d.counters.launched++;
    const taskId = taskIdFor(this.d.jobId, chunk.start, chunk.end, chunk.attempts);
    chunk.state = { kind: 'launched', taskId, agentId, launchedAt: now };
    this.launched.set(taskId, chunk);
    this.sizer.launched(agentId, now, this.running().filter((c) => c.agentId === agentId).length);
    return { taskId, agentId, start: chunk.start, end: chunk.end, kernel: this.d.spec.kernel, data: requestFor(this.d.spec, chunk.start, chunk.end) };
  }

  private carve(agentId: string, now: number): Chunk | null {
    const remaining = this.d.terms - this.d.carved;
    if (remaining <= 0) return null;
    let waiting = remaining;
    for (const c of this.pending) waiting += c.end - c.start;
    const size = this.sizer.nextSize(agentId, now, remaining, waiting, this.running());
    const chunk: Chunk = { start: this.d.carved, end: this.d.carved + size, attempts: 0, failures: new Map(), state: { kind: 'pending' } };
    this.d.carved = chunk.end;
    this.d.chunks.push(chunk);
    this.byStart.set(chunk.start, chunk);
    return chunk;
  }

  private running(): RunningChunk[] {
    return [...this.launched.values()].map((c) => {
      const s = c.state as { agentId: string; launchedAt: number };
      return { agentId: s.agentId, launchedAt: s.launchedAt, terms: c.end - c.start };
    });
  }

  /** A launch that never reached Mesos (the LAUNCH call failed): back to pending, no failure counted. */
  requeueTask(taskId: string): boolean {
    const c = this.launched.get(taskId);
    if (!c) return false;
    this.toPending(c, taskId);
    return true;
  }

  /** The framework was removed: no task of the old id will report, so every launched chunk waits again. */
  requeueAllLaunched(): number {
    const n = this.launched.size;
    for (const [taskId, c] of [...this.launched]) this.toPending(c, taskId);
    return n;
  }

  private toPending(c: Chunk, taskId: string): void {
    this.launched.delete(taskId);
    c.state = { kind: 'pending' };
    this.pending.add(c);
  }

  /** Applies a status update; `data` is TaskStatus.data decoded from base64, when present. */
  onUpdate(u: { taskId: string; state: string; agentId?: string; data?: Uint8Array | string; message?: string }, now: number): UpdateOutcome {
    const id = parseTaskId(u.taskId);
    if (!id || id.jobId !== this.d.jobId) return { kind: 'unknown', message: `task ${u.taskId} is not part of job ${this.d.jobId}` };
    const chunk = this.byStart.get(id.start);
    if (!chunk || chunk.end !== id.end) return { kind: 'unknown', message: `task ${u.taskId} names no chunk of job ${this.d.jobId}` };
    const current = chunk.state.kind === 'launched' && chunk.state.taskId === u.taskId ? chunk.state : null;
    if (u.state === 'TASK_FINISHED') return this.finish(chunk, u, now);
    const lost = LOST_STATES.has(u.state);
    if (lost || FAILED_STATES.has(u.state)) {
      if (!current) return { kind: 'stale' };
      const reason = `${u.state}${u.message ? `: ${u.message}` : ''}`;
      return this.fail(chunk, u.taskId, current.agentId, lost) ? { kind: 'requeued', reason, avoids: current.agentId } : { kind: 'requeued', reason };
    }
    return current ? { kind: 'running' } : { kind: 'stale' };
  }

  /** Counts a failure; true when it is the one after which the chunk avoids this agent. */
  private fail(chunk: Chunk, taskId: string, agentId: string, lost: boolean): boolean {
    if (lost) this.d.counters.lost++;
    else this.d.counters.failed++;
    const n = (chunk.failures.get(agentId) ?? 0) + 1;
    chunk.failures.set(agentId, n);
    this.toPending(chunk, taskId);
    return n === this.options.maxFailuresPerAgent;
  }

  /** The first waiting chunk that some agent will no longer take: when nothing runs, the likely reason why. */
  avoidedChunk(): { start: number; end: number } | null {
    let first: Chunk | null = null;
    for (const c of this.pending) {
      if (first && c.start > first.start) continue;
      for (const n of c.failures.values()) if (n >= this.options.maxFailuresPerAgent) first = c;
    }
    return first && { start: first.start, end: first.end };
  }

  private finish(chunk: Chunk, u: { taskId: string; agentId?: string; data?: Uint8Array | string }, now: number): UpdateOutcome {
    const current = chunk.state.kind === 'launched' && chunk.state.taskId === u.taskId ? chunk.state : null;
    if (u.data === undefined) {
      // A reconciliation answer carries no data: the result was acknowledged but never reached the ledger
      // (e.g. the daemon died before saving). Not the agent's fault; compute the chunk again.
      if (chunk.state.kind === 'done' || !current) return { kind: 'stale' };
      this.d.counters.lost++;
      this.toPending(chunk, u.taskId);
      return { kind: 'requeued', reason: 'TASK_FINISHED without result data (a reconciliation answer); computing the chunk again' };
    }
    let r;
    try {
      r = decodeChunkResult(this.d.spec, u.data, chunk.start, chunk.end);
    } catch (err) {
      const message = err instanceof TaskDataError ? err.message : String(err);
      if (current) this.fail(chunk, u.taskId, current.agentId, false);
      return { kind: 'invalid', message: `task ${u.taskId}: ${message}` };
    }
    if (chunk.state.kind === 'done') {
      const s = chunk.state.result;
      if (sameValue(s, r.value)) return { kind: 'duplicate' };
      this.d.counters.mismatches++;
      return {
        kind: 'mismatch',
        message: `task ${u.taskId} returned ${showValue(r.value)} for [${chunk.start},${chunk.end}) but task ${s.taskId} returned ${showValue(s)}; kept the first`,
      };
    }
    const supersededTaskId = chunk.state.kind === 'launched' && !current ? chunk.state.taskId : null;
    if (chunk.state.kind === 'launched') this.launched.delete(chunk.state.taskId);
    this.pending.delete(chunk);
    const agentId = current?.agentId ?? u.agentId ?? '';
    chunk.state = { kind: 'done', result: { ...r.value, ms: r.ms, agentId, taskId: u.taskId } };
    this.index(chunk);
    this.d.counters.finished++;
    this.sizer.finished(agentId, chunk.end - chunk.start, r.ms, current ? current.launchedAt : null);
    this.recent.push({ at: now, terms: chunk.end - chunk.start });
    this.advancePrefix();
    if (this.isDone()) this.d.finishedAt = now;
    return { kind: 'finished', start: chunk.start, end: chunk.end, supersededTaskId };
  }

  private advancePrefix(): void {
    const chunks = this.d.chunks;
    while (this.prefixIndex < chunks.length) {
      const s = chunks[this.prefixIndex].state;
      if (s.kind !== 'done') break;
      const { value, eps } = scaledValue(s.result);
      this.prefixSum += value;
      this.prefixEps += eps;
      this.prefixIndex++;
    }
  }

  /** Sum and error bound (counts of 2^-scaleBits) over all done chunks, whatever their order. */
  total(): { sum: bigint; eps: bigint; termsDone: number } {
    return { sum: this.sumScaled, eps: this.epsScaled, termsDone: this.doneTerms };
  }

  /** The longest done prefix [0, terms): its sum is S_terms, so its digits can be certified mid-job. */
  prefix(): { sum: bigint; eps: bigint; terms: number } {
    const terms = this.prefixIndex === 0 ? 0 : this.d.chunks[this.prefixIndex - 1].end;
    return { sum: this.prefixSum, eps: this.prefixEps, terms };
  }

  /** S_N and its error bound once every chunk is done, else null. */
  result(): { sum: bigint; eps: bigint; terms: number } | null {
    return this.isDone() ? { sum: this.sumScaled, eps: this.epsScaled, terms: this.d.terms } : null;
  }

  /** Records what the certification of a finished exact job found. */
  setFinal(final: FinalDigits): void {
    if (this.d.spec.kernel !== 'exact' || !this.isDone()) throw new LedgerError('only a finished exact job has certified digits to record');
    this.d.final = final;
  }

  runningCount(): number { return this.launched.size; }

  progress(now: number): Progress {
    while (this.recent.length > 0 && this.recent[0].at <= now - RATE_WINDOW_MS) this.recent.shift();
    const end = this.d.finishedAt ?? now;
    const span = Math.min(RATE_WINDOW_MS, now - this.sessionStart);
    const recentTerms = this.recent.reduce((a, s) => a + s.terms, 0);
    let termsPerSecond = span > 0 ? recentTerms / (span / 1000) : 0;
    if (this.d.finishedAt !== null) {
      const whole = (this.d.finishedAt - this.d.startedAt) / 1000;
      termsPerSecond = whole > 0 ? this.d.terms / whole : 0;
    }
    const left = this.d.terms - this.doneTerms;
    return {
      termsDone: this.doneTerms,
      termsTotal: this.d.terms,
      termsPerSecond,
      etaSeconds: left === 0 ? 0 : termsPerSecond > 0 ? left / termsPerSecond : null,
      elapsedSeconds: Math.max(0, (end - this.d.startedAt) / 1000),
    };
  }
}
