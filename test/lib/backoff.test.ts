import { Backoff } from '../../src/lib/backoff';

/** A random source that replays the given values in order. */
function replay(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('Backoff', () => {
  test('without jitter the delay doubles from min and stops at max', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'none' });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
  });

  test('full jitter draws between min and the doubled ceiling', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'full', random: replay(0, 0.5, 0.999999, 0.5, 0.5) });
    // ceilings 100, 200, 400, 800, 1000
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 150, 400, 450, 550]);
  });

  test('full jitter is the default and never goes below min or above max', () => {
    const b = new Backoff({ minMs: 50, maxMs: 60_000 });
    for (let i = 0; i < 200; i++) {
      const d = b.next();
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThanOrEqual(60_000);
    }
  });

  test('decorrelated jitter grows from the previous delay and is capped', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'decorrelated', random: replay(1 - 1e-12) });
    // previous × 3 each time (random ≈ 1): 300, 900, then capped at 1000
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([300, 900, 1000, 1000]);
    const low = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'decorrelated', random: replay(0) });
    expect([low.next(), low.next()]).toEqual([100, 100]);
  });

  test('reset starts again from min', () => {
    const b = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'none' });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(100);
    const d = new Backoff({ minMs: 100, maxMs: 1000, jitter: 'decorrelated', random: replay(1 - 1e-12) });
    d.next();
    d.next();
    d.reset();
    expect(d.next()).toBe(300);
  });

  test('rejects a minimum that would busy-loop and a maximum below the minimum', () => {
    expect(() => new Backoff({ minMs: 0, maxMs: 10 })).toThrow('backoff minMs must be a positive number of ms, got 0');
    expect(() => new Backoff({ minMs: 100, maxMs: 10 })).toThrow('backoff maxMs must be at least minMs (100), got 10');
    expect(() => new Backoff({ minMs: NaN, maxMs: 10 })).toThrow(RangeError);
  });

  test('many failures do not overflow the ceiling', () => {
    const b = new Backoff({ minMs: 1, maxMs: 5000, jitter: 'none' });
    for (let i = 0; i < 2000; i++) b.next();
    expect(b.next()).toBe(5000);
  });
});
