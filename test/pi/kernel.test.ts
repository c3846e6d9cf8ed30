import { fast, precise, runKernel } from '../../src/pi/kernel';
import { doubleToDecimal } from '../../src/pi/exact';
import { eulerNumbers } from '../../src/pi/euler';
import { doubleToHex } from '../../src/pi/ledger-store';
import { closedChunk, directChunk, D60, rng } from './reference';

const E = eulerNumbers(13);
const errOf = (r: { hi: number; lo: number }, ref: InstanceType<typeof D60>) =>
  doubleToDecimal(r.hi).plus(doubleToDecimal(r.lo)).minus(ref).abs();

describe('chunk kernels', () => {
  test('the two references agree (direct 60-digit sum vs closed form)', () => {
    const d = directChunk(1e6, 1e6 + 2e4);
    const c = closedChunk(1e6, 1e6 + 2e4, E);
    expect(d.minus(c).abs().lt('1e-50')).toBe(true);
  });

  const chunks: [number, number][] = [
    [0, 1e5],
    [1e6, 1.1e6],
    [1e9, 1e9 + 1e6],
    [1e12, 1e12 + 2e5],
    [999_999_999_000_000, 1e15],
  ];
  test.each(chunks)('[%d,%d): precise has ~31 digits, fast ~15, both within errBound', (a, b) => {
    const ref = a === 0 ? directChunk(a, b) : closedChunk(a, b, E);
    const p = precise(a, b);
    const f = fast(a, b);
    const ep = errOf(p, ref);
    const ef = errOf(f, ref);
    expect(ep.lte(doubleToDecimal(p.errBound))).toBe(true);
    expect(ef.lte(doubleToDecimal(f.errBound))).toBe(true);
    expect(ep.div(ref).lt('1e-28')).toBe(true);
    expect(ef.div(ref).lt('5e-16')).toBe(true);
    // The bounds are useful, not just true: far chunks have running sums growing with the chunk,
    // so the relative bound grows like n·u², but in absolute terms they stay far below 1e-30.
    expect(p.errBound / p.hi).toBeLessThan(1e-25);
    expect(p.errBound).toBeLessThan(2e-30);
    expect(f.errBound / f.hi).toBeLessThan(3e-16);
  });

  test('errBound bounds the error on 40 random chunks from 1e4 to 1e15', () => {
    const next = rng(31);
    for (let i = 0; i < 40; i++) {
      const a = 2 * Math.floor(10 ** (4 + 11 * next()) / 2);
      const b = a + 2 * Math.floor(1 + next() * 5000);
      const ref = closedChunk(a, b, E);
      for (const r of [precise(a, b), fast(a, b)]) expect(errOf(r, ref).lte(doubleToDecimal(r.errBound))).toBe(true);
    }
  });

  test('a chunk sum equals the sum of its halves to within the bounds', () => {
    const whole = precise(2e6, 4e6);
    const a = precise(2e6, 3e6);
    const b = precise(3e6, 4e6);
    const diff = doubleToDecimal(whole.hi).plus(doubleToDecimal(whole.lo))
      .minus(doubleToDecimal(a.hi)).minus(doubleToDecimal(a.lo)).minus(doubleToDecimal(b.hi)).minus(doubleToDecimal(b.lo)).abs();
    expect(diff.lte(whole.errBound + a.errBound + b.errBound)).toBe(true);
  });

  test('deterministic: the same chunk twice gives bit-identical output', () => {
    for (const k of ['precise', 'fast'] as const) {
      const x = runKernel(k, 123_456, 654_322);
      const y = runKernel(k, 123_456, 654_322);
      expect(Object.is(x.hi, y.hi) && Object.is(x.lo, y.lo) && Object.is(x.errBound, y.errBound)).toBe(true);
    }
  });

  test('pins known values so a change in rounding shows up', () => {
    // hi of [0,2): 4·(1 − 1/3) = 8/3.
    expect(precise(0, 2).hi).toBe(8 / 3);
    expect(fast(0, 2).hi).toBe(8 / 3);
    const p = precise(0, 2);
    expect(doubleToDecimal(p.hi).plus(doubleToDecimal(p.lo)).minus(new D60(8).div(3)).abs().lt('1e-32')).toBe(true);
  });

  // Bits of precise from the single-loop kernel it replaced (commit d78563c), before it summed in blocks
  // of 4096 pairs: chunks that end on, just past and across block boundaries must not change by a bit.
  test.each([
    [1e6, 1e6 + 2 * 4096, '3e41730183a3c265', 'bae0c73d675a9a4e', '3885c64c35ba0c63'],
    [1e6, 1e6 + 2 * 4096 + 2, '3e4174166eda0b1c', '3aeb669826b97154', '3885c900f2415042'],
    [1e6, 1e6 + 2 * 4096 * 3 + 6, '3e59c2ee9d5027ca', 'baf4887e600eacee', '38b7f84fbfa81011'],
    [1e9, 1e9 + 1e6, '3d719319bc2091db', '3a17d7446c26bd2e', '3824f19a9baa4278'],
    [999_999_999_000_000, 1e15, '3af357c299fba24d', '3792a977e58f0eca', '35a70f01f8208f93'],
  ])('precise [%d,%d) is bit-identical to the single-loop kernel', (a, b, hi, lo, errBound) => {
    const r = precise(a, b);
    expect([doubleToHex(r.hi), doubleToHex(r.lo), doubleToHex(r.errBound)]).toEqual([hi, lo, errBound]);
  });

  test.each([
    [1e6, 1e6 + 2 * 4096, '3e41730183a3c265', 'bae14c0000000000', '3b01733ab120087b'],
    [1e6, 1e6 + 2 * 4096 + 2, '3e4174166eda0b1c', '3aeae00000000000', '3b01744f9fe1bb27'],
    [1e6, 1e6 + 2 * 4096 * 3 + 6, '3e59c2ee9d5027ca', 'baf4880000000000', '3b19c3430796ded1'],
    [1e9, 1e9 + 1e6, '3d719319bc2091db', '3a16d74800000000', '3a3193535312f6d0'],
    [999_999_999_000_000, 1e15, '3af357c299fba24d', '3792a90800000000', '37b3580202bfbcd3'],
  ])('fast [%d,%d) is bit-identical to the single-loop kernel', (a, b, hi, lo, errBound) => {
    const r = fast(a, b);
    expect([doubleToHex(r.hi), doubleToHex(r.lo), doubleToHex(r.errBound)]).toEqual([hi, lo, errBound]);
  });

  test.each([[1, 4], [0, 3], [4, 4], [6, 2], [-2, 2], [0, 1e15 + 2], [0.5, 2]])('rejects chunk [%d,%d)', (a, b) => {
    expect(() => precise(a, b)).toThrow(/chunk .* is invalid/);
    expect(() => fast(a, b)).toThrow(/chunk .* is invalid/);
  });
});
