import {
  decodeTaskResult, encodeTaskRequest, encodeTaskResult, MAX_TASK_DATA_BYTES, parseTaskRequest, TaskDataError,
} from '../../src/pi/task-data';
import { precise } from '../../src/pi/kernel';
import { rng } from './reference';

const good = { start: 1_000_000, end: 2_000_000, kernel: 'precise' };

describe('task request', () => {
  test('round trip, from string and from bytes', () => {
    const s = encodeTaskRequest({ start: 0, end: 1e15, kernel: 'fast' });
    expect(parseTaskRequest(s)).toEqual({ start: 0, end: 1e15, kernel: 'fast' });
    expect(parseTaskRequest(Buffer.from(JSON.stringify(good)))).toEqual(good);
  });

  test.each([
    ['{"start":1,"end":4,"kernel":"fast"}', /"start" must be even/],
    ['{"start":0,"end":1000000000000002,"kernel":"fast"}', /"end" must be an integer from 0 to 1000000000000000/],
    ['{"start":4,"end":4,"kernel":"fast"}', /"start" must be below "end"/],
    ['{"start":-2,"end":4,"kernel":"fast"}', /"start" must be an integer/],
    ['{"start":0.5,"end":4,"kernel":"fast"}', /"start" must be an integer/],
    ['{"start":"0","end":4,"kernel":"fast"}', /"start" must be a finite number \(got string "0"\)/],
    ['{"start":0,"end":4,"kernel":"slow"}', /"kernel" must be one of precise, fast/],
    ['{"start":0,"end":4}', /lacks key "kernel"/],
    ['{"start":0,"end":4,"kernel":"fast","x":1}', /unknown key "x"/],
    ['{"start":0,"end":4,"kernel":"fast","__proto__":{"polluted":1}}', /unknown key "__proto__"/],
    ['[0,4,"fast"]', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['{"start":0,', /not valid JSON/],
    ['{"start":1e400,"end":4,"kernel":"fast"}', /"start" must be a finite number/],
  ])('%s is refused', (input, message) => {
    expect(() => parseTaskRequest(input)).toThrow(TaskDataError);
    expect(() => parseTaskRequest(input)).toThrow(message);
  });

  test('size limit and UTF-8 are checked before parsing', () => {
    expect(() => parseTaskRequest(' '.repeat(MAX_TASK_DATA_BYTES + 1))).toThrow(/over the 4096-byte limit/);
    expect(() => parseTaskRequest(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow(/not valid UTF-8/);
  });

  test('random mutations give a TaskDataError with one line, never anything else', () => {
    const next = rng(5);
    const base = JSON.stringify(good);
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(base);
      const n = 1 + Math.floor(next() * 4);
      for (let j = 0; j < n; j++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const cut = bytes.subarray(0, Math.floor(next() * (bytes.length + 1)));
      try {
        const r = parseTaskRequest(cut);
        expect(r.start % 2).toBe(0);
        expect(r.start).toBeLessThan(r.end);
      } catch (err) {
        expect(err).toBeInstanceOf(TaskDataError);
        expect((err as Error).message).not.toMatch(/\n/);
      }
    }
  });
});

describe('task result', () => {
  const r = precise(1_000_000, 2_000_000);
  const result = { ...good, kernel: 'precise' as const, ...r, terms: 1_000_000, ms: 5.5 };

  test('round trip keeps the doubles bit for bit', () => {
    const back = decodeTaskResult(encodeTaskResult(result), { start: 1_000_000, end: 2_000_000, kernel: 'precise' });
    expect(Object.is(back.hi, r.hi) && Object.is(back.lo, r.lo) && Object.is(back.errBound, r.errBound)).toBe(true);
  });

  test.each([
    [{ terms: 5 }, /"terms" must be end - start/],
    [{ hi: -1 }, /"hi" -1 is outside/],
    [{ hi: 1 }, /"hi" 1 is outside/],
    [{ lo: r.hi }, /"lo" .* is not below an ulp/],
    [{ errBound: -1 }, /"errBound" must be at least 0/],
    [{ errBound: 1 }, /"errBound" must be at least 0 and below "hi"/],
    [{ ms: -1 }, /"ms" must not be negative/],
    [{ hi: null }, /"hi" must be a finite number \(got null\)/],
  ])('%j is refused', (patch, message) => {
    expect(() => decodeTaskResult(JSON.stringify({ ...result, ...patch }))).toThrow(message);
  });

  test('a result for another chunk or kernel is refused', () => {
    const s = encodeTaskResult(result);
    expect(() => decodeTaskResult(s, { start: 0, end: 1_000_000, kernel: 'precise' })).toThrow(/is for \[1000000,2000000\) precise but the task was \[0,1000000\)/);
    expect(() => decodeTaskResult(s, { start: 1_000_000, end: 2_000_000, kernel: 'fast' })).toThrow(/but the task was/);
  });
});
