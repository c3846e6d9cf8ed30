// The ledger of a job asked for by digits: exact chunks at P bits, summed as BigInt whatever the order,
// results that do not fit refused and their chunk run again, and a file format (version 2) that keeps the
// sums and the certified string while the files of double jobs stay version 1.
import { exactChunk } from '../../src/pi/exact-kernel';
import { encodeExactResult } from '../../src/pi/exact-task-data';
import { checked, finalDigits } from '../../src/pi/final-digits';
import { eulerNumbers } from '../../src/pi/euler';
import { fast } from '../../src/pi/kernel';
import { Ledger, type Launch } from '../../src/pi/ledger';
import { doubleToHex, EXACT_LEDGER_VERSION, LEDGER_VERSION, parseLedger, serializeLedger } from '../../src/pi/ledger-store';
import { encodeTaskResult } from '../../src/pi/task-data';
import { piView } from '../../src/pi/view';
import { machinPi, PI_120, rng } from './reference';

const OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 1, maxFailuresPerAgent: 3 };
const SPEC = { kernel: 'exact', bits: 1024, corrections: 30 } as const;
const TERMS = 1_000_000;

const sums = new Map<string, ReturnType<typeof exactChunk>>();
function chunkOf(l: Pick<Launch, 'start' | 'end'>): ReturnType<typeof exactChunk> {
  const key = `${l.start}:${l.end}`;
  if (!sums.has(key)) sums.set(key, exactChunk(l.start, l.end, SPEC.bits));
  return sums.get(key)!;
}

function result(l: Launch, over: Partial<{ sum: bigint; bound: number; bits: number }> = {}): string {
  const c = chunkOf(l);
  return encodeExactResult({ start: l.start, end: l.end, kernel: 'exact', bits: SPEC.bits, sum: c.sum, bound: c.bound, terms: l.end - l.start, ms: 50, ...over });
}

const finish = (led: Ledger, l: Launch, data: string | Uint8Array, at = 100) => led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', agentId: l.agentId, data }, at);

/** Every chunk launched, then finished in the order `order` gives. */
function runJob(order: (launches: Launch[]) => Launch[]): Ledger {
  const led = Ledger.create('digits1', TERMS, SPEC, 0, OPTS);
  const launches: Launch[] = [];
  for (let l = led.nextChunk('a', 1); l; l = led.nextChunk('a', 1)) launches.push(l);
  for (const l of order(launches)) expect(finish(led, l, result(l)).kind).toBe('finished');
  return led;
}

describe('a ledger of exact chunks', () => {
  test('asks for exact chunks at the job\'s precision, and its total is the BigInt sum whatever the order', () => {
    const forward = runJob((ls) => ls);
    const next = rng(7);
    const shuffled = runJob((ls) => [...ls].sort(() => next() - 0.5));
    expect(JSON.parse(Ledger.create('x', TERMS, SPEC, 0, OPTS).nextChunk('a', 0)!.data)).toEqual({ start: 0, end: 200_000, kernel: 'exact', bits: 1024 });
    const expected = forward.data.chunks.reduce((a, c) => a + chunkOf(c).sum, 0n);
    expect(forward.result()).toEqual({ sum: expected, eps: 5n * BigInt(chunkOf({ start: 0, end: 200_000 }).bound), terms: TERMS });
    expect(shuffled.result()).toEqual(forward.result());
    expect(forward.scaleBits).toBe(1024);
    // The whole sum, N = 1e6 at 1024 bits with 30 corrections, certifies what the bits allow, every digit π's.
    const r = forward.result()!;
    const final = finalDigits(r.sum, r.eps, TERMS, SPEC, eulerNumbers);
    expect(final.kind).toBe('certified');
    const digits = (final as { digits: string }).digits;
    expect(digits.length).toBeGreaterThan(290);
    expect(machinPi(digits.length - 2)).toBe(digits);
  });

  test('a duplicate is idempotent; a different sum for a done chunk is a mismatch and the first is kept', () => {
    const led = Ledger.create('digits2', TERMS, SPEC, 0, OPTS);
    const l = led.nextChunk('a', 1)!;
    expect(finish(led, l, result(l)).kind).toBe('finished');
    const before = led.total();
    expect(finish(led, l, result(l)).kind).toBe('duplicate');
    const other = finish(led, l, result(l, { sum: chunkOf(l).sum + 1n }));
    expect(other).toMatchObject({ kind: 'mismatch', message: expect.stringMatching(/^task \S+ returned \(\d+-bit sum …[0-9a-f]+, bound 196\) for \[0,200000\) but task \S+ returned/) });
    expect(led.total()).toEqual(before);
    expect(led.counters.mismatches).toBe(1);
  });

  const bad: [string, (l: Launch) => string | Uint8Array, RegExp][] = [
    ['a result at another precision', (l) => result(l, { bits: 2048, sum: exactChunk(l.start, l.end, 2048).sum }), /at 2048 bits but the task was \[200000,400000\) at 1024 bits/],
    ['a truncated result', (l) => result(l).slice(0, 150), /not valid JSON/],
    ['a sum cut short', (l) => result(l).replace(/"sum":"(.{8})[^"]*"/, '"sum":"$1"'), /the result is damaged/],
    ['a forged sum, twice the chunk', (l) => result(l, { sum: 2n * chunkOf(l).sum }), /the result is damaged/],
    ['a bound that does not fit', (l) => result(l, { bound: 1 }), /"bound" must be 196/],
    ['a double-kernel result', (l) => encodeTaskResult({ start: l.start, end: l.end, kernel: 'fast', ...fast(l.start, l.end), terms: l.end - l.start, ms: 5 }), /unknown key "hi"/],
    ['a result of the wrong size', () => Buffer.alloc(100_000, 0x20), /over the \d+-byte limit/],
  ];
  test.each(bad)('%s is refused, the chunk runs again, the ledger is unharmed', (_name, make, reason) => {
    const led = Ledger.create('digits3', TERMS, SPEC, 0, OPTS);
    const done = led.nextChunk('a', 1)!;
    finish(led, done, result(done));
    const before = { total: led.total(), file: serializeLedger(led).replace(/"launched":\d+/, '') };
    const l = led.nextChunk('b', 2)!;
    const outcome = finish(led, l, make(l));
    expect(outcome).toMatchObject({ kind: 'invalid', message: expect.stringMatching(reason) });
    expect(led.total()).toEqual(before.total);
    expect(led.data.chunks[1]).toMatchObject({ start: l.start, state: { kind: 'pending' } });
    expect(led.data.chunks[1].failures.get('b')).toBe(1);
    // The same chunk goes out again, under a new task id, and its true result is taken.
    const again = led.nextChunk('c', 3)!;
    expect([again.start, again.taskId === l.taskId]).toEqual([l.start, false]);
    expect(finish(led, again, result(again)).kind).toBe('finished');
  });
});

describe('the view of an exact job', () => {
  test('while summing: the prefix\'s digits at 2^-200, as for any job; once certified: all of them, the last ones apart', () => {
    const led = Ledger.create('digits6', TERMS, SPEC, 0, OPTS);
    const first = led.nextChunk('a', 1)!;
    led.nextChunk('a', 1);
    finish(led, first, result(first));
    const v = piView(led, 200, { problem: null, corrections: 2 });
    // N = 2e5 with 2 corrections: about 21 decimals.
    expect(v.correctedDigits.length).toBeGreaterThan(20);
    expect(PI_120.startsWith(v.correctedDigits) && PI_120.startsWith(v.rawDigits)).toBe(true);
    expect(v.digits).toEqual({ bits: 1024, corrections: 30, phase: 'summing', decimals: v.correctedDigits.length - 2, latest: v.correctedDigits.slice(-24) });

    const done = runJob((ls) => ls);
    const r = done.result()!;
    done.setFinal(finalDigits(r.sum, r.eps, TERMS, SPEC, eulerNumbers));
    const d = piView(done, 300, { problem: null });
    const digits = (done.final as { digits: string }).digits;
    expect(d).toMatchObject({ state: 'done', correctedDigits: digits, digits: { phase: 'certified', decimals: digits.length - 2, latest: digits.slice(-24) } });
    expect(piView(Ledger.create('d', TERMS, 'fast', 0, OPTS), 0, { problem: null }).digits).toBeUndefined();
  });
});

describe('the ledger file of an exact job', () => {
  function finished(): Ledger {
    const led = runJob((ls) => ls);
    const r = led.result()!;
    led.setFinal(finalDigits(r.sum, r.eps, TERMS, SPEC, eulerNumbers));
    return led;
  }

  test('is version 2 and loads back with every sum bit for bit and the certified string; double jobs stay version 1', () => {
    const led = Ledger.create('digits4', TERMS, SPEC, 0, OPTS);
    const [a, b] = [led.nextChunk('a', 1)!, led.nextChunk('b', 1)!];
    finish(led, b, result(b));
    const text = serializeLedger(led);
    const json = JSON.parse(text);
    expect(json).toMatchObject({ version: EXACT_LEDGER_VERSION, kernel: 'exact', bits: 1024, corrections: 30, final: null });
    expect(json.chunks[1]).toMatchObject({ state: 'done', sum: chunkOf(b).sum.toString(16), bound: 196 });
    const back = parseLedger(text, 5, OPTS);
    expect(back.total()).toEqual(led.total());
    expect(back.spec).toEqual(SPEC);
    expect(finish(back, a, result(a)).kind).toBe('finished');

    const done = finished();
    const again = parseLedger(serializeLedger(done), 5, OPTS);
    expect(again.final).toEqual(done.final);
    expect(again.result()).toEqual(done.result());
    expect(JSON.parse(serializeLedger(Ledger.create('d', TERMS, 'precise', 0, OPTS))).version).toBe(LEDGER_VERSION);
  });

  test('a version-1 file written before exact jobs existed still loads as the double job it was', () => {
    const s = fast(0, 200_000);
    const old = {
      format: 'mesos-panel/pi-ledger', version: 1, jobId: 'old1', terms: 1_000_000, kernel: 'fast', startedAt: 0, finishedAt: null, carved: 400_000,
      counters: { launched: 2, finished: 1, failed: 0, lost: 0, retried: 0, mismatches: 0 }, speeds: [['a', 1e8, 200_000]],
      chunks: [
        { start: 0, end: 200_000, attempts: 1, failures: [], state: 'done', hi: doubleToHex(s.hi), lo: doubleToHex(s.lo), errBound: doubleToHex(s.errBound), ms: 2, agentId: 'a', taskId: 'pi-old1-0-200000-1' },
        { start: 200_000, end: 400_000, attempts: 1, failures: [], state: 'launched', taskId: 'pi-old1-200000-400000-1', agentId: 'a', launchedAt: 1 },
      ],
    };
    const led = parseLedger(JSON.stringify(old), 5, OPTS);
    expect([led.kernel, led.scaleBits, led.final, led.total().termsDone]).toEqual(['fast', 200, null, 200_000]);
    expect(led.data.chunks[0].state).toMatchObject({ kind: 'done', result: { kind: 'double', hi: s.hi } });
  });

  const good = (): any => JSON.parse(serializeLedger(finished()));
  const mutate = (f: (j: any) => void): string => {
    const j = good();
    f(j);
    return JSON.stringify(j);
  };
  test.each([
    ['a bound that is not the kernel\'s', () => mutate((j) => (j.chunks[0].bound = 1)), /bound 1 is not the exact kernel's 196/],
    ['a sum with a leading zero', () => mutate((j) => (j.chunks[0].sum = `0${j.chunks[0].sum}`)), /chunks.0.sum: expected the sum as hex/],
    ['a sum that is not hex', () => mutate((j) => (j.chunks[0].sum = 'xyz')), /chunks.0.sum/],
    ['doubles in an exact file', () => mutate((j) => (j.chunks[0] = { ...j.chunks[0], sum: undefined, hi: '3ff0000000000000', lo: '0', errBound: '0' })), /chunks.0/],
    ['an exact sum in a version-1 file', () => mutate((j) => { j.version = 1; j.kernel = 'fast'; delete j.bits; delete j.corrections; delete j.final; }), /chunks.0/],
    ['a precision no task can run', () => mutate((j) => (j.bits = 10)), /bits must be an integer from 64/],
    ['certified digits one wrong near the end', () => mutate((j) => (j.final.digits = j.final.digits.slice(0, -3) + ((Number(j.final.digits.at(-3)) + 1) % 10) + j.final.digits.slice(-2))), /certified digits: BBP digit extraction gives/],
    ['certified digits for an unfinished job', () => mutate((j) => { j.chunks[0].state = 'pending'; delete j.chunks[0].sum; delete j.chunks[0].bound; delete j.chunks[0].ms; delete j.chunks[0].agentId; delete j.chunks[0].taskId; j.finishedAt = null; }), /not a finished exact one/],
  ])('%s: refused with a reason', (_name, make, reason) => {
    expect(() => parseLedger(make(), 0, OPTS)).toThrow(reason);
  });

  test('only a finished exact job records certified digits, and a refutation is kept as it was found', () => {
    const led = Ledger.create('digits5', TERMS, SPEC, 0, OPTS);
    expect(() => led.setFinal(checked('3.14'))).toThrow(/only a finished exact job/);
    const done = runJob((ls) => ls);
    done.setFinal({ kind: 'refuted', message: 'BBP says otherwise' });
    expect(parseLedger(serializeLedger(done), 5, OPTS).final).toEqual({ kind: 'refuted', message: 'BBP says otherwise' });
  });
});
