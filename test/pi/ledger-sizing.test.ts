// Chunk sizing (issue 3: tasks of about 5–20 s at each agent's measured speed): steps of at most maxGrowth from
// the first timed result to full length, and a tail cut in halves so that every task slot ends together. Time here is simulated: each agent
// computes at a fixed speed and waits a fixed time for its next offer, so the schedule is exact.
import { DEFAULT_LEDGER_OPTIONS, type LedgerOptions } from '../../src/pi/chunk-sizing';
import { Ledger, type Launch } from '../../src/pi/ledger';
import { encodeTaskResult } from '../../src/pi/task-data';

/** A well-formed result without summing (these chunks are up to 1e9 terms); sizing reads only `ms`. */
function result(l: Launch, ms: number): string {
  const hi = 8 / ((2 * l.start + 1) * (2 * l.start + 3));
  return encodeTaskResult({ start: l.start, end: l.end, kernel: 'fast', hi, lo: 0, errBound: 0, terms: l.end - l.start, ms });
}

interface Slot {
  agent: string;
  speed: number;
  /** When the slot's next offer arrives (s), or when its running chunk ends. */
  at: number;
  running: Launch | null;
  busy: number;
  lastEnd: number;
}

/**
 * Runs a whole job: a slot whose chunk ends reports it at once and gets its next chunk `offerWait` seconds
 * later, as the next allocation would offer it. Returns the chunks and every slot's busy and last-end times.
 */
function simulate(terms: number, speeds: number[], offerWait: number, options: LedgerOptions = DEFAULT_LEDGER_OPTIONS, coldFirst: number[] = []) {
  const led = Ledger.create('job1', terms, 'fast', 0, options);
  const slots: Slot[] = speeds.map((speed, i) => ({ agent: `a${i}`, speed, at: 0, running: null, busy: 0, lastEnd: 0 }));
  const launches: Launch[] = [];
  for (let step = 0; step < 100_000 && !led.isDone(); step++) {
    const s = slots.filter((x) => x.at < Infinity).sort((a, b) => a.at - b.at)[0];
    if (s.running) {
      const seconds = (s.running.end - s.running.start) / (s.speed * (s.busy === 0 ? coldFirst[Number(s.agent.slice(1))] ?? 1 : 1));
      expect(led.onUpdate({ taskId: s.running.taskId, state: 'TASK_FINISHED', data: result(s.running, seconds * 1000) }, s.at * 1000).kind).toBe('finished');
      s.busy += seconds;
      s.lastEnd = s.at;
      s.running = null;
      s.at += offerWait;
      continue;
    }
    const l = led.nextChunk(s.agent, s.at * 1000);
    if (!l) {
      s.at = Infinity; // nothing left to carve: this slot is done
      continue;
    }
    launches.push(l);
    s.running = l;
    s.at += (l.end - l.start) / (s.speed * (s.busy === 0 ? coldFirst[Number(s.agent.slice(1))] ?? 1 : 1));
  }
  return { led, launches, slots, end: Math.max(...slots.map((s) => s.lastEnd)) };
}

describe('ledger chunk sizing', () => {
  test('from the first timed result chunks grow by maxGrowth (×8) a step toward targetTaskSeconds (12.5 s)', () => {
    const led = Ledger.create('job1', 1e12, 'fast', 0);
    let now = 0;
    const sizes: number[] = [];
    // Every chunk at 5e7 terms/s: 12.5 s is 6.25e8 terms, reached in steps of ×8 from 1e6 (never a 1000× leap,
    // so the prefix moves early and a speed timed on a chunk of milliseconds decides no 12.5-s chunk).
    for (let i = 0; i < 6; i++) {
      const l = led.nextChunk('a1', now)!;
      sizes.push(l.end - l.start);
      now += ((l.end - l.start) / 5e7) * 1000;
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: result(l, ((l.end - l.start) / 5e7) * 1000) }, now);
    }
    expect(sizes).toEqual([1e6, 8e6, 6.4e7, 5.12e8, 6.25e8, 6.25e8]);
  });

  test('results weigh by their compute time: a cold first chunk does not drag the estimate down', () => {
    const led = Ledger.create('job1', 1e12, 'fast', 0, { ...DEFAULT_LEDGER_OPTIONS, maxGrowth: 1000 });
    const first = led.nextChunk('a1', 0)!;
    // The first 1e6 terms ran at 3e7 terms/s (a fresh worker); the next chunk, sized for 12.5 s at that speed,
    // at the agent's real 1e8.
    led.onUpdate({ taskId: first.taskId, state: 'TASK_FINISHED', data: result(first, 1e6 / 3e7 * 1000) }, 40);
    const second = led.nextChunk('a1', 50)!;
    expect(second.end - second.start).toBe(3.75e8);
    led.onUpdate({ taskId: second.taskId, state: 'TASK_FINISHED', data: result(second, 3750) }, 3800);
    const third = led.nextChunk('a1', 3900)!;
    // 12.5 s at 1e8 terms/s, to 1%. Weighing the 33 ms result by its share of 12.5 s instead made it 49% short.
    expect(Math.abs(third.end - third.start - 1.25e9)).toBeLessThan(1.25e9 * 0.01);
  });

  test('a new job starts from minChunkTerms whatever an earlier job measured: speeds are per job, so per kernel', () => {
    const double = Ledger.create('job1', 1e12, 'fast', 0);
    const l = double.nextChunk('a1', 0)!;
    double.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: result(l, 5) }, 10);
    expect(double.nextChunk('a1', 10)!.end - l.end).toBe(8e6);
    // The same agent on an exact job, about 300 times slower per term, is timed afresh.
    const exact = Ledger.create('job2', 1e8, { kernel: 'exact', bits: 1024, corrections: 10 }, 20);
    const first = exact.nextChunk('a1', 20)!;
    expect(first.end - first.start).toBe(DEFAULT_LEDGER_OPTIONS.minChunkTerms);
    expect(exact.data.speeds.get('a1')?.termsPerSecond).toBe(0);
  });

  test('an agent that slows down (a Pi throttling) is followed within two chunks', () => {
    const led = Ledger.create('job1', 1e13, 'fast', 0);
    let now = 0;
    const run = (speed: number) => {
      const l = led.nextChunk('a1', now)!;
      const ms = ((l.end - l.start) / speed) * 1000;
      now += ms;
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: result(l, ms) }, now);
      return (l.end - l.start) / DEFAULT_LEDGER_OPTIONS.targetTaskSeconds;
    };
    for (let i = 0; i < 8; i++) run(1e8);
    expect(Math.abs(run(5e7) / 1e8 - 1)).toBeLessThan(0.01); // this chunk was sized at the old speed
    run(5e7);
    // The speed the next chunk is sized for: within 10% of the new 5e7.
    expect(Math.abs(run(5e7) / 5e7 - 1)).toBeLessThan(0.1);
  });

  test('maxGrowth bounds the step after a suspiciously fast first chunk; maxGrowth 1 keeps chunks fixed', () => {
    const led = Ledger.create('job1', 1e12, 'fast', 0);
    const first = led.nextChunk('a1', 0)!;
    led.onUpdate({ taskId: first.taskId, state: 'TASK_FINISHED', data: result(first, 0.001) }, 1);
    const second = led.nextChunk('a1', 2)!;
    expect(second.end - second.start).toBe(1e6 * DEFAULT_LEDGER_OPTIONS.maxGrowth);

    const fixed = simulate(40e6, [1e8, 5e7, 2e7], 0.5, { ...DEFAULT_LEDGER_OPTIONS, minChunkTerms: 4e6, maxGrowth: 1 });
    expect(fixed.launches.map((l) => l.end - l.start)).toEqual(Array(10).fill(4e6));
  });

  test('with the tail in one piece per slot (minTailSeconds Infinity), slots free at the same moment share the last of the work equally', () => {
    const led = Ledger.create('job1', 3e6 + 3e9 + 2, 'fast', 0, { ...DEFAULT_LEDGER_OPTIONS, maxGrowth: 1000, minTailSeconds: Infinity });
    const agents = ['a', 'b', 'c'];
    const firsts = agents.map((a) => led.nextChunk(a, 0)!);
    // Each agent did its first 1e6 terms at 1e8 terms/s; 3e9 terms are left, 10 s for each of the three.
    for (const l of firsts) led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: result(l, 10) }, 10);
    const tail = agents.map((a) => led.nextChunk(a, 10)!);
    const sizes = tail.map((l) => l.end - l.start);
    expect(sizes).toEqual([1e9, 1e9, 1e9 + 2]);
    expect(led.nextChunk('a', 10)).toBeNull();
    expect(led.hasWaiting()).toBe(false);
  });

  test('the tail is cut in halves down to minTailSeconds (1 s), so the last chunks are short', () => {
    const led = Ledger.create('job1', 3e6 + 3e9 + 2, 'fast', 0, { ...DEFAULT_LEDGER_OPTIONS, maxGrowth: 1000 });
    const agents = ['a', 'b', 'c'];
    let round = agents.map((a) => led.nextChunk(a, 0)!);
    let now = 10;
    const sizes: number[][] = [];
    // Each slot gets half of its 10 s share, then half of the 5 s left, ...; under 2 s the whole rest.
    while (round.length > 0) {
      for (const l of round) led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: result(l, ((l.end - l.start) / 1e8) * 1000) }, now);
      round = agents.map((a) => led.nextChunk(a, now)).filter((l): l is Launch => l !== null);
      if (round.length > 0) sizes.push(round.map((l) => l.end - l.start));
      now += Math.max(0, ...round.map((l) => ((l.end - l.start) / 1e8) * 1000));
    }
    expect(sizes).toEqual([[5e8, 5e8, 5e8], [2.5e8, 2.5e8, 2.5e8], [1.25e8, 1.25e8, 1.25e8], [1.25e8, 1.25e8, 1.25e8 + 2]]);
    expect(led.isDone()).toBe(true);
  });

  test.each([
    ['equal agents', 2e11, [1e8, 1e8, 1e8, 1e8], []],
    ['uneven agents', 2e11, [1e8, 8e7, 6e7, 1.3e8], []],
    ['one fast, one slow', 2e11, [2e8, 2.5e7], []],
    // A fresh executor's first chunk runs at some fraction of the agent's speed (V8 still compiling the kernel), in
    // a job short enough that the tail is cut from estimates of the first few chunks: the bench's 1e10 terms.
    ['equal agents, cold first chunks, short job', 1e10, [3e8, 3e8], [0.3, 0.45]],
    ['uneven agents, cold first chunks, short job', 1e10, [1e8, 8e7, 6e7, 1.3e8], [0.3, 0.6, 0.45, 0.2]],
  ])('%s: chunks cover [0, N) with even bounds and every slot ends within one offer wait of the others', (_name, terms, speeds, coldFirst) => {
    const offerWait = 0.5;
    const { led, launches, slots, end } = simulate(terms, speeds, offerWait, DEFAULT_LEDGER_OPTIONS, coldFirst);
    expect(led.isDone()).toBe(true);
    const sorted = [...launches].sort((a, b) => a.start - b.start);
    let at = 0;
    for (const l of sorted) {
      expect(l.start).toBe(at);
      expect(l.start % 2).toBe(0);
      expect(l.end % 2).toBe(0);
      at = l.end;
    }
    expect(at).toBe(terms);
    // Within the 5–20 s window, except the first (timing) chunk and the tail, which are most of a short job.
    const seconds = launches.map((l) => (l.end - l.start) / speeds[Number(l.agentId.slice(1))]);
    expect(Math.max(...seconds)).toBeLessThanOrEqual(20);
    const ideal = terms / speeds.reduce((a, b) => a + b);
    if (ideal > 100) expect(seconds.filter((s) => s >= 5).length).toBeGreaterThan(launches.length / 2);
    // The tail: no slot idles at the end while another still computes for more than an offer wait.
    for (const s of slots) expect(end - s.lastEnd).toBeLessThanOrEqual(offerWait + 0.01);
    // So the job runs at the slots' summed speed, less one offer wait per full chunk and a few more for the
    // first (timing) round and the tail.
    expect(end).toBeLessThan(ideal * (1 + offerWait / DEFAULT_LEDGER_OPTIONS.targetTaskSeconds) + 4 * offerWait);
  });
});
