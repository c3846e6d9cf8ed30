import Decimal from 'decimal.js';
import { certify, certifiedDigits, commonPrefix } from '../../src/pi/digits';
import { eulerNumbers } from '../../src/pi/euler';
import { PI_120, rng } from './reference';

const D = Decimal.clone({ precision: 130 });
const TWO_200 = new D(2).pow(200);
const TEN_100 = 10n ** 100n;

/** S_N to ~125 digits: by the enveloping series (16 terms) for N ≥ 1e4, by direct summation below. */
function exactSum(n: number): Decimal {
  if (n < 1e4) {
    let s = new D(0);
    for (let k = n - 1; k >= 0; k--) s = k % 2 ? s.minus(new D(4).div(2 * k + 1)) : s.plus(new D(4).div(2 * k + 1));
    return s;
  }
  const e = eulerNumbers(16);
  let f = new D(0);
  for (let m = 0; m < 16; m++) f = f.plus(new D(e[m].toString()).div(new D(4).pow(m).times(new D(n).pow(2 * m + 1))));
  return new D(PI_120).minus(n % 2 === 0 ? f : f.neg());
}
/** S_N as a count of 2^-200 (floored, so within 2 units of it with the π literal's own error). */
const scaledSum = (n: number): bigint => BigInt(exactSum(n).times(TWO_200).toFixed(0, Decimal.ROUND_FLOOR));
const scaledEps = (x: number): bigint => BigInt(new D(x).times(TWO_200).toFixed(0, Decimal.ROUND_CEIL));

const isPiPrefix = (digits: string): boolean => PI_120.startsWith(digits);

describe('Euler numbers', () => {
  test('match the known sequence (OEIS A000364 with signs)', () => {
    expect(eulerNumbers(11)).toEqual([
      1n, -1n, 5n, -61n, 1385n, -50521n, 2702765n, -199360981n, 19391512145n, -2404879675441n, 370371188237525n,
    ]);
  });
});

describe('certified digits', () => {
  test('BBD, N = 500 000: raw 3.14159, corrections add a block of digits each', () => {
    const s = scaledSum(500_000);
    const raw = certify(s, 2n, 500_000, 0);
    expect(raw).toEqual({ digits: '3.14159', decimals: 5 });
    const byK = [1, 2, 3, 4].map((k) => certify(s, 2n, 500_000, k));
    byK.forEach((c) => expect(isPiPrefix(c.digits)).toBe(true));
    // reference/leibniz.md 1a: K = 1..4 give 16, 28, 39 and 50 correct decimals; certified is within 1 of it.
    expect(byK.map((c) => c.decimals).every((d, i) => d >= [16, 28, 39, 50][i] - 2)).toBe(true);
  });

  test('no wrong digit over 400 values of N, raw and K = 1..3, exact and with a 1e-30 error bound', () => {
    const next = rng(2024);
    const ns = [1, 2, 3, 4, 5, 10, 11, 99, 100, 101, 1000, 1001, 9999];
    for (let i = 0; i < 387; i++) ns.push(Math.floor(10 ** (4 + 11 * next())));
    for (const n of ns) {
      const s = scaledSum(n);
      for (const eps of [2n, scaledEps(1e-30)]) {
        for (const k of [0, 1, 2, 3]) {
          const c = certify(s, eps, n, k);
          if (!isPiPrefix(c.digits)) throw new Error(`wrong digits ${c.digits} for N=${n} K=${k}`);
        }
      }
      // Raw digits reach close to log10 N: π is within 1/N of S_N.
      expect(certify(s, 2n, n, 0).decimals).toBeGreaterThanOrEqual(Math.floor(Math.log10(n)) - 2);
    }
  });

  test('the arithmetic bound limits the corrected digits (N = 1e8, ε = 1e-30)', () => {
    const { raw, corrected } = certifiedDigits(scaledSum(1e8), scaledEps(1e-30), 1e8);
    expect(isPiPrefix(raw.digits) && isPiPrefix(corrected.digits)).toBe(true);
    expect(raw.decimals).toBeGreaterThanOrEqual(7);
    expect(corrected.decimals).toBeGreaterThanOrEqual(27);
    expect(corrected.decimals).toBeLessThanOrEqual(30);
  });

  test('a sum off by more than its claimed ε can be caught only by ε: a huge ε certifies nothing', () => {
    expect(certify(scaledSum(1e6), scaledEps(10), 1e6, 2)).toEqual({ digits: '', decimals: 0 });
  });

  test('refuses nonsense arguments', () => {
    expect(() => certify(0n, 0n, 0, 0)).toThrow(/terms must be a positive integer/);
    expect(() => certify(0n, 0n, 10, -1)).toThrow(/corrections must be/);
    expect(() => certify(0n, -1n, 10, 0)).toThrow(/eps/);
  });
});

describe('common prefix of an enclosure', () => {
  const at = (s: string): bigint => {
    const [i, f = ''] = s.split('.');
    return BigInt(i) * TEN_100 + BigInt(f.padEnd(100, '0'));
  };

  test('carries and runs of 9s: only digits both ends agree on', () => {
    expect(commonPrefix(at('3.1999'), at('3.2001'))).toEqual({ digits: '3', decimals: 0 });
    expect(commonPrefix(at('2.9999999'), at('3.0000001'))).toEqual({ digits: '', decimals: 0 });
    expect(commonPrefix(at('3.14159265358979'), at('3.14159265358981'))).toEqual({ digits: '3.141592653589', decimals: 12 });
    expect(commonPrefix(at('9.99'), at('10.01'))).toEqual({ digits: '', decimals: 0 });
    expect(commonPrefix(at('1.5'), at('10.5'))).toEqual({ digits: '', decimals: 0 });
    expect(commonPrefix(at('3.5'), at('3.2'))).toEqual({ digits: '', decimals: 0 });
  });

  test('random values with runs of 9s and 0s: every shown digit is a digit of the value', () => {
    const next = rng(77);
    for (let i = 0; i < 3000; i++) {
      let frac = '';
      while (frac.length < 100) {
        const r = next();
        const run = 1 + Math.floor(next() * 25);
        frac += r < 0.35 ? '9'.repeat(run) : r < 0.7 ? '0'.repeat(run) : String(Math.floor(next() * 1e9)).padStart(9, '0');
      }
      frac = frac.slice(0, 100);
      const x = at(`3.${frac}`);
      const w = () => BigInt(Math.floor(10 ** (next() * 60))) * 10n ** BigInt(Math.floor(next() * 40));
      const c = commonPrefix(x - w() - 1n, x + w() + 1n);
      if (!`3.${frac}`.startsWith(c.digits)) throw new Error(`shown ${c.digits} for 3.${frac}`);
    }
  });
});
