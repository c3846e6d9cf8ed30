import { checkHexDigits } from '../../src/pi/bbp';
import { certifyEnclosure, enclosePi, placesFor } from '../../src/pi/certify-bits';
import { DIGITS_MEMORY_MB, DigitsPlanError, GUARD_DECIMALS, maxDigits, planDigits, RATES, validateDigits, type ClusterShape, type DigitsPlan } from '../../src/pi/digits-plan';
import { eulerNumbers } from '../../src/pi/euler';
import { exactChunk, MAX_BITS } from '../../src/pi/exact-kernel';
import { machinPi } from './reference';

const ONE_CORE: ClusterShape = { cores: 1 };
const FOUR_PI4S: ClusterShape = { cores: 16, agents: 4, coreSpeed: 0.25 };
const BIG: ClusterShape = { cores: 256, agents: 64 };
const GRID = [10, 100, 1000, 10_000];

// π to past every decimal a plan below may have to resolve, from Machin's formula (independent of the series).
const PI = machinPi(10_000 + GUARD_DECIMALS + 30);

/**
 * Proves, in exact integer arithmetic and independently of the planner's floating-point estimate, that a plan
 * certifies at least D decimals: the enclosure certify-bits.ts forms is at most
 * W = |E_2K|/(4^K N^{2K+1}) + (2ε + 4)·2^-P wide with ε ≤ N/2 (one unit per group of pairs, at least a pair a
 * group), and it is read off at 10^-places, one more unit. If 10^D·(W + 10^-places) is less than the distance
 * from 10^D·π to the nearest integers (known from Machin's digits after the D-th), trunc(lo) and trunc(hi) agree
 * on D decimals.
 */
function provesDigits(plan: DigitsPlan, euler: readonly bigint[]): boolean {
  const { digits: d, terms: n, corrections: k, bits } = plan;
  const m = 40; // decimals of π after the D-th that are looked at
  const scale = 10n ** BigInt(d + m);
  const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
  const e = euler[k] < 0n ? -euler[k] : euler[k];
  const truncation = ceilDiv(e * scale, 4n ** BigInt(k) * BigInt(n) ** BigInt(2 * k + 1));
  const arithmetic = ceilDiv(BigInt(n + 4) * scale, 1n << BigInt(bits));
  const places = placesFor(bits);
  const reading = ceilDiv(scale, 10n ** BigInt(places));
  const width = truncation + arithmetic + reading;
  const after = BigInt(PI.slice(2 + d, 2 + d + m)); // 10^m · frac(10^D·π), truncated
  return places >= d && width < after && width < 10n ** BigInt(m) - after - 1n;
}

describe('the digits planner', () => {
  const plans = GRID.flatMap((d) => [ONE_CORE, FOUR_PI4S, BIG].map((c) => planDigits(d, c))).concat(planDigits(10_000, FOUR_PI4S, 1e8));
  const euler = eulerNumbers(Math.max(...plans.map((p) => p.corrections)) + 1);

  test.each(plans.map((p) => [p.digits, p.terms, p.corrections, p.bits, p]))(
    'D = %i: N = %d, K = %i, P = %i bits provably certifies D decimals, within the memory and the kernel limits',
    (_d, _n, _k, _p, plan) => {
      const p = plan as DigitsPlan;
      expect(provesDigits(p, euler)).toBe(true);
      expect(p.terms % 2).toBe(0);
      expect(p.bits).toBeLessThanOrEqual(MAX_BITS);
      expect(p.memoryMb).toBeLessThanOrEqual(DIGITS_MEMORY_MB);
      expect(p.why).toMatch(/^N = \S+, K = \d+, P = [\d,]+ bits: .*\d+ cores? × ~.* terms\/s → .* of cluster work; E_0 … E_\d+ .*; certification .*: .* in all$/);
    },
  );

  test('the proof is not vacuous: far fewer corrections or bits than planned are caught', () => {
    const plan = plans.find((p) => p.digits === 10_000)!;
    expect(provesDigits({ ...plan, corrections: plan.corrections - 10 }, euler)).toBe(false);
    expect(provesDigits({ ...plan, bits: plan.bits - 200 }, euler)).toBe(false);
    expect(provesDigits({ ...plan, terms: plan.terms / 2 }, euler)).toBe(false);
  });

  test('the plan is not padded: one correction fewer, or 3 bits fewer, breaks its own budget of 10^-(D+G)/2 each', () => {
    for (const { digits: d, terms: n, corrections: k, bits } of plans.filter((p) => p.digits >= 100)) {
      const budget = 2n * 10n ** BigInt(d + GUARD_DECIMALS);
      const e = euler[k - 1] < 0n ? -euler[k - 1] : euler[k - 1];
      expect(e * budget).toBeGreaterThan(4n ** BigInt(k - 1) * BigInt(n) ** BigInt(2 * k - 1));
      expect(BigInt(n + 4) * budget).toBeGreaterThan(1n << BigInt(bits - 3));
    }
  });

  test.each([10, 100, 1000])('D = %i run for real: the exact kernel, the Euler numbers and the certification give D decimals of π, BBP agrees', (d) => {
    const plan = planDigits(d, { cores: 4 });
    expect(plan.terms).toBe(1e6);
    const chunk = 1e5;
    let sum = 0n;
    let eps = 0n;
    for (let a = 0; a < plan.terms; a += chunk) {
      const r = exactChunk(a, a + chunk, plan.bits);
      sum += r.sum;
      eps += BigInt(r.bound);
    }
    const c = certifyEnclosure(enclosePi(sum, eps, plan.terms, plan.corrections, eulerNumbers(plan.corrections + 1), plan.bits));
    expect(c.decimals).toBeGreaterThanOrEqual(d);
    expect(PI.startsWith(c.digits)).toBe(true);
    expect(checkHexDigits(c.digits).ok).toBe(true);
  });

  test('more cores buy more terms and fewer corrections; Euler numbers already kept buy fewer terms', () => {
    const one = planDigits(10_000, ONE_CORE);
    const many = planDigits(10_000, BIG);
    expect(many.terms).toBeGreaterThan(one.terms);
    expect(many.corrections).toBeLessThan(one.corrections);
    const cached = planDigits(10_000, { ...BIG, cachedEuler: 3000 });
    expect(cached.terms).toBeLessThan(many.terms);
    expect(cached.eulerSeconds).toBe(0);
    expect(cached.why).toContain('from the state directory');
  });

  test('the estimate follows the cluster: four Pi 4s are slower than one fast core on the cluster side', () => {
    const fixed = (c: ClusterShape): DigitsPlan => planDigits(10_000, c, 1e8);
    const work = (c: ClusterShape): number => fixed(c).clusterSeconds - RATES.startupSeconds;
    expect(work(FOUR_PI4S)).toBeCloseTo(work({ cores: 16 }) * 4, 6);
    expect(work({ cores: 32 })).toBeCloseTo(work({ cores: 16 }) / 2, 6);
    expect(fixed({ cores: 16, masterSpeed: 0.5 }).eulerSeconds).toBeCloseTo(fixed({ cores: 16 }).eulerSeconds * 2, 6);
    const p = fixed(FOUR_PI4S);
    expect(p.wallSeconds).toBeCloseTo(Math.max(p.clusterSeconds, p.eulerSeconds) + p.certifySeconds, 9);
  });

  test('--terms with --digits keeps N and takes the corrections it needs, or says which N would do', () => {
    const p = planDigits(1000, ONE_CORE, 2e6);
    expect(p.terms).toBe(2e6);
    expect(planDigits(1000, ONE_CORE, 2e8).corrections).toBeLessThan(p.corrections);
    expect(() => planDigits(25_000, ONE_CORE, 1e6)).toThrow(
      /^--terms 1e6 needs more Euler corrections for 25000 decimals than the daemon's memory holds; give more terms, e\.g\. --terms \S+$/,
    );
    expect(() => planDigits(1000, ONE_CORE, 1e6 + 1)).toThrow(/^--terms is 1000001; give an even whole number from 1000000 to 1000000000000000, e\.g\. 1e8$/);
    expect(() => planDigits(1000, ONE_CORE, 1e5)).toThrow(DigitsPlanError);
  });

  test('a cluster with no cores, or a nonsense speed, is refused in one line', () => {
    expect(() => planDigits(1000, { cores: 0 })).toThrow(/^the cluster offers 0 cores; a digits job needs at least one agent core$/);
    expect(() => planDigits(1000, { cores: 4, coreSpeed: -1 })).toThrow(/^cluster coreSpeed is -1; it must be a positive number$/);
  });
});

describe('the digits a daemon can be asked for', () => {
  test('whole numbers from 1 to the limit pass, also written like 1e4', () => {
    expect(validateDigits(1)).toBe(1);
    expect(validateDigits('10000')).toBe(10_000);
    expect(validateDigits('1e4')).toBe(10_000);
    expect(validateDigits(maxDigits())).toBe(maxDigits());
  });

  test('the limit is the largest whole thousand with a plan inside the memory budget', () => {
    expect(maxDigits() % 1000).toBe(0);
    expect(planDigits(maxDigits(), BIG).memoryMb).toBeLessThanOrEqual(DIGITS_MEMORY_MB);
    expect(() => planDigits(maxDigits() + 1, BIG)).toThrow(`--digits ${maxDigits() + 1} is beyond what this daemon can certify (at most ${maxDigits()}); ask for fewer`);
  });

  test.each([
    [0, /^--digits is 0; give a whole number of decimals from 1 to \d+, e\.g\. 10000$/],
    [-5, /^--digits is -5; give a whole number/],
    ['-5', /^--digits is "-5"; give a whole number/],
    ['abc', /^--digits is "abc"; give a whole number/],
    ['', /^--digits is ""; give a whole number/],
    [2.5, /^--digits is 2\.5, not a whole number; give/],
    ['2.5', /^--digits is 2\.5, not a whole number; give/],
    [Number.NaN, /^--digits is NaN; give a whole number/],
    [null, /^--digits is null; give a whole number/],
    [200_000, /^--digits 200000 is beyond what this daemon can certify \(at most \d+\); ask for fewer$/],
    ['1e9', /^--digits 1000000000 is beyond what this daemon can certify/],
  ])('%p is refused in one line', (value, message) => {
    expect(() => validateDigits(value)).toThrow(DigitsPlanError);
    expect(() => validateDigits(value)).toThrow(message);
  });
});
