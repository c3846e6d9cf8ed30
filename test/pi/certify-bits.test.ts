import { checkHexDigits, piHexFraction } from '../../src/pi/bbp';
import { certifyEnclosure, enclosePi, placesFor } from '../../src/pi/certify-bits';
import { eulerNumbers } from '../../src/pi/euler';
import { machinPi, PI_120 } from './reference';

/** S_N·2^bits rounded down term by term, independently of the kernels: within N units of the exact value. */
function sumAtBits(terms: number, bits: number): { sum: bigint; eps: bigint } {
  const four = 4n << BigInt(bits);
  let sum = 0n;
  for (let k = terms - 1; k >= 0; k--) {
    const t = four / BigInt(2 * k + 1);
    sum += k % 2 ? -t : t;
  }
  return { sum, eps: BigInt(terms) };
}

describe('the Machin reference', () => {
  test('agrees with the published 120 decimals', () => {
    expect(machinPi(118)).toBe(PI_120.slice(0, 120));
  });
});

describe('certified digits at thousands of bits', () => {
  const reference = machinPi(2200);

  test.each([
    [10, 0, 64],
    [1000, 0, 64],
    [1001, 1, 128],
    [1000, 20, 400],
    [10_000, 60, 1600],
    [20_000, 150, 4800],
    [3000, 250, 7400],
  ])('N = %i, K = %i, P = %i bits: every certified digit is π, and the count is what the truncation allows', (n, k, bits) => {
    const { sum, eps } = sumAtBits(n, bits);
    const e = eulerNumbers(k + 1);
    const c = certifyEnclosure(enclosePi(sum, eps, n, k, e, bits));
    expect(reference.startsWith(c.digits)).toBe(true);
    // −log10 of the first omitted correction |E_2K|/(4^K N^{2K+1}), or of the arithmetic's ε: within 3 of it (the estimate of log10|E_2K| is its length).
    const truncation = (2 * k + 1) * Math.log10(n) + k * Math.log10(4) - (e[k] < 0n ? -e[k] : e[k]).toString().length + 1;
    const arithmetic = placesFor(bits) - Math.log10(n);
    expect(c.decimals).toBeGreaterThanOrEqual(Math.floor(Math.min(truncation, arithmetic)) - 3);
    expect(checkHexDigits(c.digits).ok).toBe(true);
  });

  test('a sum off by more than its ε certifies fewer digits, never wrong ones', () => {
    const { sum } = sumAtBits(20_000, 4800);
    const e = eulerNumbers(151);
    for (const off of [1n << 3000n, -(1n << 3000n), 1n << 4000n]) {
      const c = certifyEnclosure(enclosePi(sum + off, off < 0n ? -off : off, 20_000, 150, e, 4800));
      expect(reference.startsWith(c.digits)).toBe(true);
    }
  });

  test('refuses arguments it cannot certify from', () => {
    expect(() => enclosePi(0n, 0n, 0, 0, [1n], 64)).toThrow(/terms/);
    expect(() => enclosePi(0n, 0n, 10, 3, [1n, -1n], 64)).toThrow(/need 4 Euler numbers/);
    expect(() => enclosePi(0n, -1n, 10, 0, [1n], 64)).toThrow(/eps/);
    expect(() => enclosePi(0n, 0n, 10, 0, [1n], 0)).toThrow(/bits/);
  });
});

describe('the BBP check', () => {
  test('hexadecimal digits of π at known positions (3.243F6A8885A308D3…)', () => {
    expect(Math.floor(piHexFraction(0).value * 2 ** 32).toString(16)).toBe('243f6a88');
    expect(Math.floor(piHexFraction(8).value * 2 ** 32).toString(16)).toBe('85a308d3');
  });

  test('accepts the true digits and catches one wrong digit near the end', () => {
    const digits = machinPi(2000);
    expect(checkHexDigits(digits)).toMatchObject({ ok: true });
    for (const at of [1990, 1996, 2001]) {
      const wrong = digits.slice(0, at) + String((Number(digits[at]) + 5) % 10) + digits.slice(at + 1);
      expect(checkHexDigits(wrong).ok).toBe(false);
    }
  });
});
