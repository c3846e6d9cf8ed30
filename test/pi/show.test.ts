// The π job as the dashboard shows it, read from a real ledger: each agent's share, the convergence of the
// error bound, and the raw sum's decimals (checked against Borwein, Borwein and Dilcher's S_500000).
import { runKernel } from '../../src/pi/kernel';
import { Ledger, type Launch } from '../../src/pi/ledger';
import { agentShares, convergence, rawSumDigits } from '../../src/pi/show';
import { encodeTaskResult } from '../../src/pi/task-data';

const FIXED = (terms: number) => ({ minChunkTerms: terms, targetTaskSeconds: 1, maxGrowth: 1, maxFailuresPerAgent: 3 });

function finish(led: Ledger, l: Launch, now: number, exact = true): void {
  const r = exact ? runKernel('precise', l.start, l.end) : { hi: 1e-9, lo: 0, errBound: 1e-31 };
  const out = led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: encodeTaskResult({ start: l.start, end: l.end, kernel: 'precise', ...r, terms: l.end - l.start, ms: 50 }) }, now);
  expect(out.kind).toBe('finished');
}

test("each agent's terms done, speed, failures and running chunk", () => {
  const led = Ledger.create('job1', 2_000_000, 'precise', 0, FIXED(500_000));
  const a = led.nextChunk('a1', 0)!;
  const b = led.nextChunk('a2', 0)!;
  const c = led.nextChunk('a2', 0)!;
  finish(led, a, 100);
  led.onUpdate({ taskId: b.taskId, state: 'TASK_LOST', message: 'agent gone' }, 200);
  const shares = agentShares(led);
  expect(shares.map((s) => s.agentId)).toEqual(['a1', 'a2']);
  expect(shares[0]).toMatchObject({ termsDone: 500_000, failures: 0, running: [] });
  expect(shares[0].termsPerSecond).toBeGreaterThan(0);
  expect(shares[1]).toMatchObject({ termsDone: 0, failures: 1, termsPerSecond: 0, running: [{ start: c.start, end: c.end, launchedAt: 0 }] });
  // The lost chunk runs again on the first agent: its share moves with it.
  const again = led.nextChunk('a1', 300)!;
  expect(again.start).toBe(b.start);
  expect(agentShares(led)[0].running).toEqual([{ start: b.start, end: b.end, launchedAt: 300 }]);
});

test('the raw sum of the finished prefix, written out: S_500000 is wrong at isolated places', () => {
  const led = Ledger.create('job1', 2_000_000, 'precise', 0, FIXED(500_000));
  expect(rawSumDigits(led, 20)).toBe('');
  const first = led.nextChunk('a1', 0)!;
  const second = led.nextChunk('a1', 0)!;
  finish(led, second, 10);
  expect(rawSumDigits(led, 20)).toBe('');
  finish(led, first, 20);
  // Only the prefix [0, 500000) counts until the chunk after it is done.
  const led2 = Ledger.create('job2', 2_000_000, 'precise', 0, FIXED(500_000));
  finish(led2, led2.nextChunk('a1', 0)!, 10);
  // S_500000 from Borwein, Borwein and Dilcher (1989): 3.14159065358979324046264338326950288419729139937510…
  expect(rawSumDigits(led2, 28)).toBe('3.1415906535897932404626433832');
  expect(rawSumDigits(led2, 0)).toBe('3');
  expect(rawSumDigits(led, 6)).toBe('3.141591');
});

test('the error bound at each chunk end of the prefix, thinned to the points asked for', () => {
  const led = Ledger.create('job1', 2_000_000, 'precise', 0, FIXED(500_000));
  finish(led, led.nextChunk('a1', 0)!, 10);
  const [p] = convergence(led, 2, 10);
  expect(p.terms).toBe(500_000);
  expect(p.raw).toBeCloseTo(1 / 500_000, 15);
  // |E_4| / (4^2 · N^5) = 5 / (16 · 3.125e28) = 1e-29, plus twice the kernel's error bound.
  expect(p.corrected).toBeGreaterThan(1e-29);
  expect(p.corrected).toBeLessThan(1e-29 + 1e-28);

  const many = Ledger.create('job3', 1_000_000, 'precise', 0, FIXED(2_000));
  for (let i = 0; i < 500; i++) finish(many, many.nextChunk('a1', i)!, i + 1, false);
  const pts = convergence(many, 1, 12);
  expect(pts).toHaveLength(12);
  expect(pts[0].terms).toBe(2_000);
  expect(pts[11].terms).toBe(1_000_000);
  for (let i = 1; i < pts.length; i++) {
    expect(pts[i].terms).toBeGreaterThan(pts[i - 1].terms);
    expect(pts[i].raw).toBeLessThan(pts[i - 1].raw);
  }
});
