import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { memoryLogger } from '../../src/log';
import { fast } from '../../src/pi/kernel';
import { Ledger, MAX_ID_LENGTH } from '../../src/pi/ledger';
import {
  doubleToHex, hexToDouble, loadLedger, parseLedger, saveLedger, serializeLedger, ThrottledSaver,
} from '../../src/pi/ledger-store';
import { encodeTaskResult } from '../../src/pi/task-data';
import { manualTimer } from './manual-timer';
import { rng } from './reference';

const OPTS = { minChunkTerms: 200_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };

/** A ledger in every state: done chunks, a launched one, a re-queued one with failures, and a tail. */
function busyLedger(): Ledger {
  const led = Ledger.create('job7', 4_000_000, 'fast', 1000, OPTS);
  for (let i = 0; i < 3; i++) {
    const l = led.nextChunk('agent-a', 2000 + i)!;
    const r = fast(l.start, l.end);
    led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: encodeTaskResult({ ...l, kernel: 'fast', ...r, terms: l.end - l.start, ms: 3000 }) }, 3000);
  }
  const failing = led.nextChunk('agent-b', 4000)!;
  led.onUpdate({ taskId: failing.taskId, state: 'TASK_FAILED' }, 4100);
  led.nextChunk('agent-c', 4200);
  return led;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pi-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger file', () => {
  test('doubles survive as hex, bit for bit, including -0 and subnormals', () => {
    const next = rng(3);
    for (const x of [-0, 0, Number.MIN_VALUE, 1e-300, Math.PI, -1.5e300]) expect(Object.is(hexToDouble(doubleToHex(x)), x)).toBe(true);
    for (let i = 0; i < 200; i++) {
      const x = (next() - 0.5) * 10 ** (next() * 60 - 30);
      expect(Object.is(hexToDouble(doubleToHex(x)), x)).toBe(true);
    }
  });

  test('round trip: same state, same sum, same next chunk', () => {
    const led = busyLedger();
    const back = parseLedger(serializeLedger(led), 9000, OPTS);
    expect(serializeLedger(back)).toBe(serializeLedger(led));
    expect(back.total()).toEqual(led.total());
    expect(back.prefix()).toEqual(led.prefix());
    expect(back.launchedTasks()).toEqual(led.launchedTasks());
    expect(back.counters).toEqual(led.counters);
    // The re-queued chunk is next, for both; agent-b is not yet avoided (1 failure of 3).
    expect(back.nextChunk('agent-b', 9001)).toEqual(led.nextChunk('agent-b', 9001));
    expect(back.nextChunk('agent-a', 9002)).toEqual(led.nextChunk('agent-a', 9002));
  });

  test('a file from before speeds kept their sample time still loads, with the speeds it holds', () => {
    const led = busyLedger();
    const json = JSON.parse(serializeLedger(led)) as { speeds: unknown[][] };
    expect(json.speeds.map((s) => [s[0], s.length])).toEqual([['agent-a', 4], ['agent-b', 4]]);
    expect(json.speeds[0][3]).toBeGreaterThan(0);
    json.speeds = json.speeds.map((s) => s.slice(0, 3));
    const back = parseLedger(JSON.stringify(json), 9000, OPTS);
    expect(back.data.speeds.get('agent-a')).toEqual({ ...led.data.speeds.get('agent-a'), sampleMs: 0 });
    // Chunks are sized from the speed alone: the same as from a file of today's format.
    expect(back.nextChunk('agent-a', 9001)).toEqual(parseLedger(serializeLedger(led), 9000, OPTS).nextChunk('agent-a', 9001));
  });

  test('atomic save leaves only the file, and load resumes it', async () => {
    const file = path.join(dir, 'pi-ledger.json');
    const led = busyLedger();
    await saveLedger(file, led);
    await saveLedger(file, led);
    expect(readdirSync(dir)).toEqual(['pi-ledger.json']);
    const log = memoryLogger();
    const back = await loadLedger(file, { now: 5, log, options: OPTS });
    expect(back!.total()).toEqual(led.total());
    expect(log.lines).toEqual([]);
  });

  test('no file means no job', async () => {
    const log = memoryLogger();
    expect(await loadLedger(path.join(dir, 'none.json'), { now: 5, log })).toBeNull();
    expect(log.lines).toEqual([]);
  });

  const good = (): Record<string, unknown> => JSON.parse(serializeLedger(busyLedger()));
  const mutate = (f: (j: any) => void): string => {
    const j = good();
    f(j);
    return JSON.stringify(j);
  };
  test.each([
    ['truncated', () => serializeLedger(busyLedger()).slice(0, 200), /not valid JSON/],
    ['unknown version', () => mutate((j) => (j.version = 3)), /version/],
    ['__proto__ key', () => serializeLedger(busyLedger()).replace('{"format"', '{"__proto__":{"x":1},"format"'), /Unrecognized key.*__proto__/],
    ['overlapping chunks', () => mutate((j) => (j.chunks[1].start -= 2)), /should start at/],
    ['gap', () => mutate((j) => j.chunks.splice(1, 1)), /should start at/],
    ['odd boundary', () => mutate((j) => { j.chunks[0].end += 1; j.chunks[1].start += 1; }), /must be even/],
    ['carved past the end', () => mutate((j) => (j.carved = 9e6)), /carved/],
    ['negative count', () => mutate((j) => (j.counters.finished = -1)), /counters.finished/],
    ['bad hex', () => mutate((j) => (j.chunks[0].hi = 'zz')), /chunks.0.hi/],
    ['NaN result', () => mutate((j) => (j.chunks[0].hi = '7ff8000000000000')), /not a valid chunk sum/],
    ['task id of another chunk', () => mutate((j) => (j.chunks.find((c: any) => c.state === 'launched').taskId = 'pi-job7-0-200000-1')), /does not match/],
    ['unknown state', () => mutate((j) => (j.chunks[0].state = 'weird')), /chunks.0.state/],
    ['terms out of range', () => mutate((j) => (j.terms = 2e15)), /terms must be/],
  ])('%s: refused with a reason', (_name, make, reason) => {
    expect(() => parseLedger(make(), 0, OPTS)).toThrow(reason);
  });

  test('a bad value with a line feed or an escape in it is named on one line, its control characters written out', () => {
    let message = '';
    try {
      parseLedger(mutate((j) => (j.kernel = '\n\u001b[2J')), 0, OPTS);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe("kernel: Invalid enum value. Expected 'precise' | 'fast', received '\\u000a\\u001b[2J'");
  });

  test('a corrupt file is moved aside with one log line, and the job starts empty', async () => {
    const file = path.join(dir, 'pi-ledger.json');
    writeFileSync(file, '{"format":"mesos-panel/pi-ledger","version":1,');
    const log = memoryLogger();
    expect(await loadLedger(file, { now: Date.UTC(2024, 0, 2, 3, 4, 5, 6), log })).toBeNull();
    expect(readdirSync(dir)).toEqual(['pi-ledger.json.corrupt-2024-01-02T03-04-05-006Z']);
    expect(readFileSync(path.join(dir, readdirSync(dir)[0]), 'utf8')).toMatch(/^\{"format"/);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^error: π ledger .*pi-ledger.json is unusable \(not valid JSON\); moved it to .*corrupt-2024-01-02T03-04-05-006Z and starting with no job$/);
  });

  test('an unreadable path (a directory) is moved aside too', async () => {
    const file = path.join(dir, 'pi-ledger.json');
    require('node:fs').mkdirSync(file);
    const log = memoryLogger();
    expect(await loadLedger(file, { now: 0, log })).toBeNull();
    expect(log.lines[0]).toMatch(/unusable \(cannot read it \(EISDIR\)\)/);
    expect(readdirSync(dir)[0]).toMatch(/corrupt/);
  });
});

describe('throttled saver', () => {
  test('many changes within a second give one save; a change after it one more', async () => {
    const timer = manualTimer();
    const saves: number[] = [];
    const saver = new ThrottledSaver(async () => void saves.push(timer.now()), () => {}, timer, 1000);
    saver.markDirty();
    await timer.advance(0);
    for (let i = 0; i < 20; i++) {
      saver.markDirty();
      await timer.advance(40);
    }
    await timer.advance(1000);
    expect(saves).toEqual([0, 1000]);
    await timer.advance(5000);
    expect(saves).toEqual([0, 1000]);
  });

  test('flush saves pending changes at once; a failed save is retried', async () => {
    const timer = manualTimer();
    let fail = true;
    const errors: string[] = [];
    let saved = 0;
    const saver = new ThrottledSaver(async () => {
      if (fail) throw new Error('disk full');
      saved++;
    }, (e) => errors.push(e.message), timer, 1000);
    saver.markDirty();
    await timer.advance(0);
    expect(errors).toEqual(['disk full']);
    fail = false;
    await saver.flush();
    expect(saved).toBe(1);
    await saver.flush();
    expect(saved).toBe(1);
  });

  test('close saves what changed, then nothing later writes (the owner may remove the folder next)', async () => {
    const timer = manualTimer();
    let fail = true;
    let saved = 0;
    const saver = new ThrottledSaver(async () => {
      if (fail) throw new Error('disk full');
      saved++;
    }, () => {}, timer, 1000);
    saver.markDirty();
    await timer.advance(0);
    fail = false;
    await saver.close();
    expect(saved).toBe(1);
    // A late change, and the retry timer a failed save would have set: neither writes after close.
    saver.markDirty();
    await timer.advance(5000);
    await saver.flush();
    expect(saved).toBe(1);
  });

  test('a change during the last save of close schedules nothing that writes after it', async () => {
    const timer = manualTimer();
    let saved = 0;
    let release: () => void = () => undefined;
    const saver = new ThrottledSaver(async () => {
      await new Promise<void>((r) => (release = r));
      saved++;
    }, () => {}, timer, 1000);
    saver.markDirty();
    const closing = saver.close();
    // The service's last change lands while that save is under way (seen as a ledger written into a removed folder).
    saver.markDirty();
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await closing;
    const atClose = saved;
    await timer.advance(5000);
    release();
    await new Promise((r) => setImmediate(r));
    expect(saved).toBe(atClose);
  });
});

describe('ids the file cannot hold', () => {
  it('an agent with an id longer than the file accepts gets no work, so the saved job stays readable', () => {
    const led = Ledger.create('job1', 2e7, 'fast', 0);
    expect(led.nextChunk('x'.repeat(MAX_ID_LENGTH + 1), 0)).toBeNull();
    expect(led.nextChunk('agent-1', 0)).not.toBeNull();
    expect(() => parseLedger(serializeLedger(led), 1)).not.toThrow();
  });
});
