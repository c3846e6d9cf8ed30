import { certifyEnclosure, enclosePi } from '../../src/pi/certify-bits';
import { checkHexDigits } from '../../src/pi/bbp';
import { eulerNumbers } from '../../src/pi/euler';
import { exactChunk, GROUP_PAIRS, MAX_BITS, MAX_EXACT_TERMS, sumInGroups } from '../../src/pi/exact-kernel';
import { machinPi, rng } from './reference';

const GUARD = 40n;

/**
 * chunk·2^(bits+40) from the terms one at a time, independently of the grouping: each term is truncated
 * by less than one unit, so the true value is within b − a units of it.
 */
function atGuardBits(a: number, b: number, bits: number): bigint {
  const one = 4n << (BigInt(bits) + GUARD);
  let s = 0n;
  for (let k = a; k < b; k++) s += (k % 2 ? -one : one) / BigInt(2 * k + 1);
  return s;
}

describe('exact chunk kernel', () => {
  test.each([
    [0, 2, 64],
    [0, 1000, 200],
    [10_000, 12_000, 3000],
    [1e9, 1e9 + 3000, 1000],
    [1e12, 1e12 + 2 * GROUP_PAIRS + 2, 500],
    [0, 2, 1],
    [0, 4, MAX_BITS],
    [MAX_EXACT_TERMS - 2, MAX_EXACT_TERMS, 200],
    [MAX_EXACT_TERMS - 4, MAX_EXACT_TERMS, MAX_BITS],
    [MAX_EXACT_TERMS - 6 * GROUP_PAIRS - 2, MAX_EXACT_TERMS, 300],
  ])('chunk [%i, %i) at %i bits lies in [sum, sum + bound)', (a, b, bits) => {
    const { sum, bound } = exactChunk(a, b, bits);
    const s = atGuardBits(a, b, bits);
    const n = BigInt(b - a);
    // sum ≤ true and true < sum + bound, with true somewhere in (s − n, s + n) at 40 more bits.
    expect(sum << GUARD).toBeLessThan(s + n);
    expect(s - n).toBeLessThan((sum + BigInt(bound)) << GUARD);
    expect(bound).toBe(Math.ceil((b - a) / 2 / GROUP_PAIRS));
  });

  test.each([1, 3, 7, GROUP_PAIRS + 1, 1500])('%i pairs a group: within the group count of the sum, and GROUP_PAIRS is the kernel\'s', (groupPairs) => {
    const [a, pairs, bits] = [5e8, 1500, 700];
    const sum = sumInGroups(a, pairs, bits, groupPairs);
    const s = atGuardBits(a, a + 2 * pairs, bits);
    const n = BigInt(2 * pairs);
    expect(sum << GUARD).toBeLessThan(s + n);
    expect(s - n).toBeLessThan((sum + BigInt(Math.ceil(pairs / groupPairs))) << GUARD);
    expect(sumInGroups(a, pairs, bits, GROUP_PAIRS)).toBe(exactChunk(a, a + 2 * pairs, bits).sum);
  });

  test('1000 certified decimals from chunks summed in any order, each one π (Machin) and BBP agrees', () => {
    const bits = 3400;
    const terms = 10_000;
    const chunks = Array.from({ length: 10 }, (_, i) => exactChunk(i * 1000, (i + 1) * 1000, bits));
    const next = rng(5);
    const totals = new Set<bigint>();
    for (let round = 0; round < 5; round++) {
      const order = [...chunks].sort(() => next() - 0.5);
      totals.add(order.reduce((s, c) => s + c.sum, 0n));
    }
    expect(totals.size).toBe(1);
    const sum = [...totals][0];
    const eps = BigInt(chunks.reduce((s, c) => s + c.bound, 0));
    const c = certifyEnclosure(enclosePi(sum, eps, terms, 240, eulerNumbers(241), bits));
    expect(c.decimals).toBeGreaterThanOrEqual(1000);
    expect(machinPi(c.decimals + 5).startsWith(c.digits)).toBe(true);
    expect(checkHexDigits(c.digits).ok).toBe(true);
  });

  test('refuses chunks and precisions it cannot sum', () => {
    expect(() => exactChunk(1, 4, 100)).toThrow(/even integers/);
    expect(() => exactChunk(4, 4, 100)).toThrow(/even integers/);
    expect(() => exactChunk(0, 4, 0)).toThrow(/bits must be/);
    expect(() => exactChunk(0, 4, 1e7)).toThrow(/bits must be/);
  });
});
