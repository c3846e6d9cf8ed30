import { scaleResult } from '../../src/pi/exact';
import { fast } from '../../src/pi/kernel';
import { Ledger, parseTaskId, type Launch } from '../../src/pi/ledger';
import { encodeTaskResult } from '../../src/pi/task-data';
import { rng } from './reference';

const OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };
const cache = new Map<string, ReturnType<typeof fast>>();
/** A plausible result without summing: the chunk's first pair (sizing tests use 1e9-term chunks). */
function cheapResultFor(l: Launch, ms: number): string {
  const hi = 8 / ((2 * l.start + 1) * (2 * l.start + 3));
  return encodeTaskResult({ start: l.start, end: l.end, kernel: 'fast', hi, lo: 0, errBound: 0, terms: l.end - l.start, ms });
}
function resultFor(l: Launch, ms = 10): string {
  const key = `${l.start}-${l.end}`;
  if (!cache.has(key)) cache.set(key, fast(l.start, l.end));
  return encodeTaskResult({ start: l.start, end: l.end, kernel: 'fast', ...cache.get(key)!, terms: l.end - l.start, ms });
}
const newLedger = (terms = 4_000_000) => Ledger.create('job1', terms, 'fast', 0, OPTS);
const finish = (led: Ledger, l: Launch, now = 1000, ms = 10) =>
  led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: resultFor(l, ms) }, now);

describe('ledger', () => {
  test('task ids encode job, chunk and attempt', () => {
    const led = newLedger();
    const l = led.nextChunk('a1', 0)!;
    expect(l.taskId).toBe('pi-job1-0-200000-1');
    expect(parseTaskId(l.taskId)).toEqual({ jobId: 'job1', start: 0, end: 200000, attempt: 1 });
    expect(JSON.parse(l.data)).toEqual({ start: 0, end: 200000, kernel: 'fast' });
    expect(led.launchedTasks()).toEqual([{ taskId: l.taskId, agentId: 'a1' }]);
  });

  test('a duplicate result is idempotent; a mismatching one is reported and dropped', () => {
    const led = newLedger();
    const l = led.nextChunk('a1', 0)!;
    expect(finish(led, l)).toEqual({ kind: 'finished', start: 0, end: 200000, supersededTaskId: null });
    const before = led.total();
    expect(finish(led, l)).toEqual({ kind: 'duplicate' });
    const bad = JSON.parse(resultFor(l));
    bad.hi = bad.hi * (1 + 2 ** -50);
    const out = led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: JSON.stringify(bad) }, 2000);
    expect(out.kind).toBe('mismatch');
    expect((out as { message: string }).message).toMatch(/returned .* for \[0,200000\) but task pi-job1-0-200000-1 returned .*kept the first/);
    expect(led.total()).toEqual(before);
    expect(led.counters).toMatchObject({ finished: 1, mismatches: 1 });
  });

  test.each(['TASK_LOST', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_UNREACHABLE', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN'])(
    '%s puts the chunk back to pending, and the relaunch is a retry',
    (state) => {
      const led = newLedger();
      const l = led.nextChunk('a1', 0)!;
      expect(led.onUpdate({ taskId: l.taskId, state, message: 'why' }, 10)).toEqual({ kind: 'requeued', reason: `${state}: why` });
      expect(led.launchedTasks()).toEqual([]);
      const again = led.nextChunk('a2', 20)!;
      expect([again.start, again.end, again.taskId]).toEqual([0, 200000, 'pi-job1-0-200000-2']);
      expect(led.counters.retried).toBe(1);
      expect(led.counters.failed + led.counters.lost).toBe(1);
    },
  );

  test('non-terminal states leave the chunk launched', () => {
    const led = newLedger();
    const l = led.nextChunk('a1', 0)!;
    for (const s of ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING']) {
      expect(led.onUpdate({ taskId: l.taskId, state: s }, 1)).toEqual({ kind: 'running' });
    }
    expect(led.runningCount()).toBe(1);
  });

  test('late results: after a requeue it counts; after a relaunch it supersedes the new attempt', () => {
    const led = newLedger();
    const l1 = led.nextChunk('a1', 0)!;
    led.onUpdate({ taskId: l1.taskId, state: 'TASK_LOST' }, 1);
    const l2 = led.nextChunk('a2', 2)!;
    expect(l2.start).toBe(0);
    // The first attempt's agent came back and finished after all.
    expect(finish(led, l1)).toEqual({ kind: 'finished', start: 0, end: 200000, supersededTaskId: l2.taskId });
    expect(led.launchedTasks()).toEqual([]);
    expect(finish(led, l2)).toEqual({ kind: 'duplicate' });
    expect(led.onUpdate({ taskId: l2.taskId, state: 'TASK_KILLED' }, 5)).toEqual({ kind: 'stale' });
    expect(led.counters.finished).toBe(1);
  });

  test('a failure report from an older attempt does not disturb the current one', () => {
    const led = newLedger();
    const l1 = led.nextChunk('a1', 0)!;
    led.requeueTask(l1.taskId);
    const l2 = led.nextChunk('a1', 1)!;
    expect(led.onUpdate({ taskId: l1.taskId, state: 'TASK_FAILED' }, 2)).toEqual({ kind: 'stale' });
    expect(led.launchedTasks()).toEqual([{ taskId: l2.taskId, agentId: 'a1' }]);
  });

  test('bad result data fails the task with the reason and requeues it', () => {
    const led = newLedger();
    const l = led.nextChunk('a1', 0)!;
    const out = led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: '{"start":0}' }, 1);
    expect(out).toEqual({ kind: 'invalid', message: expect.stringMatching(/^task pi-job1-0-200000-1: task result has unknown key|lacks key/) });
    expect(led.counters.failed).toBe(1);
    expect(led.hasWaiting()).toBe(true);
  });

  test('TASK_FINISHED without data (a reconciliation answer) recomputes the chunk without blaming the agent', () => {
    const led = newLedger();
    const l = led.nextChunk('a1', 0)!;
    expect(led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED' }, 1)).toMatchObject({ kind: 'requeued' });
    expect(led.data.chunks[0].failures.size).toBe(0);
    expect(led.counters).toMatchObject({ lost: 1, failed: 0 });
    const again = led.nextChunk('a1', 2)!;
    finish(led, again);
    expect(led.onUpdate({ taskId: again.taskId, state: 'TASK_FINISHED' }, 3)).toEqual({ kind: 'stale' });
  });

  test('unknown tasks are reported, not applied', () => {
    const led = newLedger();
    led.nextChunk('a1', 0);
    expect(led.onUpdate({ taskId: 'pi-other-0-200000-1', state: 'TASK_FINISHED' }, 1).kind).toBe('unknown');
    expect(led.onUpdate({ taskId: 'pi-job1-0-400000-1', state: 'TASK_FINISHED' }, 1).kind).toBe('unknown');
    expect(led.onUpdate({ taskId: 'something', state: 'TASK_LOST' }, 1).kind).toBe('unknown');
  });

  test('a chunk that failed 3 times on an agent avoids it, says so on the third, and is named as avoided', () => {
    const led = Ledger.create('job1', 1_000_000, 'fast', 0, { ...OPTS, minChunkTerms: 1_000_000 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      expect(led.avoidedChunk()).toBeNull();
      const l = led.nextChunk('bad', i)!;
      expect(l.start).toBe(0);
      outcomes.push(led.onUpdate({ taskId: l.taskId, state: 'TASK_FAILED', message: 'no node' }, i));
    }
    expect(outcomes.map((o) => o.kind === 'requeued' && o.avoids)).toEqual([undefined, undefined, 'bad']);
    expect(led.avoidedChunk()).toEqual({ start: 0, end: 1_000_000 });
    expect(led.nextChunk('bad', 10)).toBeNull();
    expect(led.hasWaiting()).toBe(true);
    const l = led.nextChunk('good', 10)!;
    expect(l.start).toBe(0);
    // Running somewhere, it no longer waits.
    expect(led.avoidedChunk()).toBeNull();
    finish(led, l);
    expect(led.isDone()).toBe(true);
  });

  test('chunks start small and grow with the measured speed, staying even, to ~targetTaskSeconds', () => {
    const led = Ledger.create('job1', 1e12, 'fast', 0, { ...OPTS, minChunkTerms: 1_000_000 });
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const l = led.nextChunk('a1', i)!;
      sizes.push(l.end - l.start);
      // The agent computes 1e8 terms/s: a 10 s task is 1e9 terms.
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: cheapResultFor(l, (l.end - l.start) / 1e5) }, i + 1);
    }
    expect(sizes).toEqual([1e6, 1e7, 1e8, 1e9, 1e9, 1e9]);
  });

  test('requeueAllLaunched, hasWaiting and result', () => {
    const led = Ledger.create('job1', 1_000_000, 'fast', 0, { ...OPTS, minChunkTerms: 500_000 });
    const a = led.nextChunk('a1', 0)!;
    const b = led.nextChunk('a1', 0)!;
    expect(led.hasWaiting()).toBe(false);
    expect(led.nextChunk('a1', 0)).toBeNull();
    expect(led.requeueAllLaunched()).toBe(2);
    expect(led.hasWaiting()).toBe(true);
    expect(led.counters.failed + led.counters.lost).toBe(0);
    const a2 = led.nextChunk('a1', 1)!;
    const b2 = led.nextChunk('a1', 1)!;
    expect([a2.start, b2.start]).toEqual([a.start, b.start]);
    expect(led.result()).toBeNull();
    finish(led, b2, 5_000);
    expect(led.prefix().terms).toBe(0);
    finish(led, a2, 10_000);
    expect(led.prefix().terms).toBe(1_000_000);
    const res = led.result()!;
    const ra = fast(0, 500_000);
    const rb = fast(500_000, 1_000_000);
    expect(res.sum).toBe(scaleResult(ra.hi, ra.lo, 0).value + scaleResult(rb.hi, rb.lo, 0).value);
    const p = led.progress(10_000);
    expect(p).toMatchObject({ termsDone: 1e6, termsTotal: 1e6, etaSeconds: 0, elapsedSeconds: 10 });
    expect(p.termsPerSecond).toBeCloseTo(1e5);
  });

  test('progress reports the recent rate and an ETA', () => {
    const led = Ledger.create('job1', 10_000_000, 'fast', 0, { ...OPTS, minChunkTerms: 1_000_000, maxGrowth: 1 });
    for (let t = 1; t <= 4; t++) {
      const l = led.nextChunk('a1', t * 1000)!;
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: resultFor(l, 5) }, t * 1000 + 500);
    }
    const p = led.progress(5000);
    expect(p.termsDone).toBeGreaterThan(0);
    expect(p.termsPerSecond).toBeCloseTo(p.termsDone / 5);
    expect(p.etaSeconds).toBeCloseTo((1e7 - p.termsDone) / p.termsPerSecond);
    expect(led.progress(200_000).etaSeconds).toBeNull(); // nothing finished in the last minute
  });

  test('job parameters are checked', () => {
    expect(() => Ledger.create('job1', 999_998, 'fast', 0)).toThrow(/terms must be an integer from 1000000/);
    expect(() => Ledger.create('job1', 1_000_001, 'fast', 0)).toThrow(/terms must be even, .*use 1000002/);
    expect(() => Ledger.create('Job-1', 1e6, 'fast', 0)).toThrow(/job id/);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('random schedule %d: every term summed exactly once, total equals the exact sum of its chunks', (seed) => {
    const next = rng(seed);
    const terms = 4_000_000;
    const led = Ledger.create('job1', terms, 'fast', 0, OPTS);
    const agents = ['a', 'b', 'c', 'd'];
    const running: Launch[] = [];
    const old: Launch[] = [];
    let now = 0;
    for (let step = 0; step < 20_000 && !led.isDone(); step++) {
      now += Math.floor(next() * 500);
      const r = next();
      if (r < 0.35 || running.length === 0) {
        const l = led.nextChunk(agents[Math.floor(next() * agents.length)], now);
        if (l) {
          expect(l.start % 2 + l.end % 2).toBe(0);
          running.push(l);
        }
        continue;
      }
      const i = Math.floor(next() * running.length);
      const l = running[i];
      if (r < 0.7) {
        running.splice(i, 1);
        old.push(l);
        finish(led, l, now, 1 + next() * 50);
      } else if (r < 0.85) {
        running.splice(i, 1);
        old.push(l);
        led.onUpdate({ taskId: l.taskId, state: ['TASK_LOST', 'TASK_FAILED', 'TASK_KILLED', 'TASK_UNREACHABLE'][Math.floor(next() * 4)] }, now);
      } else if (r < 0.95 && old.length > 0) {
        // A late or duplicated update for an older task.
        const o = old[Math.floor(next() * old.length)];
        if (next() < 0.5) finish(led, o, now);
        else led.onUpdate({ taskId: o.taskId, state: 'TASK_LOST' }, now);
      } else if (r < 0.97) {
        running.length = 0;
        led.requeueAllLaunched();
      }
    }
    expect(led.isDone()).toBe(true);
    const chunks = led.data.chunks;
    let expectEnd = 0;
    let sum = 0n;
    for (const c of chunks) {
      expect(c.start).toBe(expectEnd);
      expect(c.start % 2 + c.end % 2).toBe(0);
      expect(c.state.kind).toBe('done');
      expectEnd = c.end;
      const k = fast(c.start, c.end);
      sum += scaleResult(k.hi, k.lo, k.errBound).value;
    }
    expect(expectEnd).toBe(terms);
    expect(led.result()!.sum).toBe(sum);
    expect(led.prefix()).toEqual({ ...led.result() });
    expect(led.counters.finished).toBe(chunks.length);
    expect(led.counters.mismatches).toBe(0);
  });
});
