import { doubleToDecimal, scaledToDecimal, scaledToFixed, scaleResult, toScaled, toScaledCeil } from '../../src/pi/exact';
import { precise } from '../../src/pi/kernel';
import { rng } from './reference';

describe('exact conversion to 2^-200', () => {
  test('doubles above 2^-200 convert exactly, and back', () => {
    const next = rng(7);
    for (let i = 0; i < 500; i++) {
      const x = (next() - 0.5) * 2 ** Math.floor(next() * 120 - 60);
      const { value, inexact } = toScaled(x);
      expect(inexact).toBe(false);
      expect(scaledToDecimal(value).equals(doubleToDecimal(x))).toBe(true);
      expect(Number(scaledToDecimal(value).toString())).toBe(x);
    }
  });

  test('bits below 2^-200 are floored and flagged', () => {
    expect(toScaled(2 ** -201)).toEqual({ value: 0n, inexact: true });
    expect(toScaled(-(2 ** -201))).toEqual({ value: -1n, inexact: true });
    expect(toScaled(3 * 2 ** -201)).toEqual({ value: 1n, inexact: true });
    expect(toScaled(2 ** -200)).toEqual({ value: 1n, inexact: false });
    expect(toScaled(Number.MIN_VALUE)).toEqual({ value: 0n, inexact: true });
    expect(toScaledCeil(3 * 2 ** -201)).toBe(2n);
    expect(toScaled(-0).value).toBe(0n);
    // Each inexact double costs one unit of ε, so the enclosure still holds.
    expect(scaleResult(1, 2 ** -201, 0)).toEqual({ value: 1n << 200n, eps: 1n });
  });

  test('non-finite values are refused', () => {
    expect(() => toScaled(NaN)).toThrow(/not a finite number/);
    expect(() => toScaled(Infinity)).toThrow(/not a finite number/);
  });

  test('the sum of many chunk results does not depend on their order', () => {
    const results = Array.from({ length: 60 }, (_, i) => precise(i * 20_000, (i + 1) * 20_000));
    const scaled = results.map((r) => scaleResult(r.hi, r.lo, r.errBound));
    const sumIn = (order: number[]) => order.reduce((s, i) => s + scaled[i].value, 0n);
    const base = sumIn(scaled.map((_, i) => i));
    const next = rng(99);
    const floats = new Set<number>();
    for (let round = 0; round < 50; round++) {
      const order = scaled.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      expect(sumIn(order)).toBe(base);
      floats.add(order.reduce((s, i) => s + results[i].hi, 0));
    }
    // The float sum in completion order is what this avoids: it does vary.
    expect(floats.size).toBeGreaterThan(1);
  });

  test('scaledToFixed writes decimals exactly, rounding half-even', () => {
    expect(scaledToFixed(3n << 199n, 3)).toBe('1.500');
    expect(scaledToFixed(1n, 5)).toBe('0.00000');
    expect(scaledToFixed(1n << 198n, 1)).toBe('0.2'); // 0.25 → 0.2
    expect(scaledToDecimal(1n).toString()).toMatch(/^6\.2230152778611417071440640537801242405902521687211671331011166147896988340353834411839448231257136169569665895551224821247160434722900390625e-61$/);
  });
});
