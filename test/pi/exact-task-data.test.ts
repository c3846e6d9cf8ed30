import { exactChunk } from '../../src/pi/exact-kernel';
import {
  decodeExactResult, encodeExactRequest, encodeExactResult, exactBound, isExactRequest, MAX_EXACT_DATA_BYTES, parseExactRequest, type ExactResult,
} from '../../src/pi/exact-task-data';
import { TaskDataError } from '../../src/pi/task-data';

const request = { start: 2_000_000, end: 2_040_000, kernel: 'exact' as const, bits: 40_000 };
const computed = exactChunk(request.start, request.end, request.bits);
const result: ExactResult = { ...request, ...computed, terms: 40_000, ms: 120 };
const text = encodeExactResult(result);
const edit = (f: (o: Record<string, unknown>) => void): string => {
  const o = JSON.parse(text) as Record<string, unknown>;
  f(o);
  return JSON.stringify(o);
};

describe('exact task data', () => {
  test('a request and a result round-trip; a result at 40,000 bits is under 7 KB', () => {
    expect(parseExactRequest(encodeExactRequest(request))).toEqual(request);
    expect(isExactRequest(encodeExactRequest(request))).toBe(true);
    expect(isExactRequest('{"start":0,"end":2,"kernel":"fast"}')).toBe(false);
    expect(isExactRequest('not json')).toBe(false);
    expect(decodeExactResult(text, request)).toEqual(result);
    expect(decodeExactResult(Buffer.from(text)).sum).toBe(computed.sum);
    expect(Buffer.byteLength(text)).toBeLessThan(7000);
    expect(computed.bound).toBe(exactBound(request.start, request.end));
  });

  test.each([
    ['bits out of range', encodeExactRequest({ ...request, bits: 10 }), /"bits" must be an integer from 64/],
    ['a fractional bits', '{"start":0,"end":2,"kernel":"exact","bits":100.5}', /"bits" must be an integer/],
    ['another kernel', '{"start":0,"end":2,"kernel":"fast","bits":100}', /"kernel" must be "exact"/],
    ['no bits', '{"start":0,"end":2,"kernel":"exact"}', /lacks key "bits"/],
  ])('a request with %s is refused', (_name, input, message) => {
    expect(() => parseExactRequest(input)).toThrow(message);
  });

  const sumText = JSON.parse(text).sum as string;
  test.each([
    ['a truncated sum', edit((o) => void (o.sum = sumText.slice(0, -8))), /damaged/],
    ['a sum cut mid-character', edit((o) => void (o.sum = sumText.slice(0, -1))), /canonical base64/],
    ['a sum with its top bits changed', edit((o) => void (o.sum = `B${sumText.slice(1)}`)), /damaged|more than a chunk/],
    ['a sum with a leading zero byte', edit((o) => void (o.sum = Buffer.concat([Buffer.from([0]), Buffer.from(sumText, 'base64')]).toString('base64'))), /canonical/],
    ['a zero sum', edit((o) => void (o.sum = 'AA==')), /canonical/],
    ['a sum that is not a string', edit((o) => void (o.sum = 12)), /canonical/],
    ['a sum too long for its bits', edit((o) => void (o.sum = Buffer.alloc(6000, 1).toString('base64'))), /more than a chunk/],
    ['a bound that does not fit', edit((o) => void (o.bound = 1)), /"bound" must be 40/],
    ['other bits than the task', edit((o) => void (o.bits = 39_000)), /at 39000 bits but the task was/],
    ['a forged terms count', edit((o) => void (o.terms = 10)), /"terms" must be end - start/],
    ['a size past the limit', ' '.repeat(MAX_EXACT_DATA_BYTES + 1), /over the \d+-byte limit/],
  ])('a result with %s is refused with one line', (_name, input, message) => {
    expect(() => decodeExactResult(input, request)).toThrow(TaskDataError);
    expect(() => decodeExactResult(input, request)).toThrow(message);
  });
});
