import { PI_120 } from './reference';
import { done, expectedSum, useRig } from './pi-harness';

describe('the π framework on a simulated cluster with the real executor', () => {
  const scope = useRig();

  it('computes 1e8 terms to the sum of the same chunks summed here, with only digits of π certified', async () => {
    const cluster = await scope.cluster();
    const service = await scope.service([cluster.url]);
    service.start();
    await done(service);
    const ledger = service.job!;
    expect(ledger.total().sum).toBe(expectedSum(ledger));
    expect(ledger.data.chunks).toHaveLength(25);
    expect(ledger.counters).toMatchObject({ finished: 25, failed: 0, lost: 0, mismatches: 0 });
    const view = service.view(Date.now());
    expect(view).toMatchObject({ state: 'done', problem: null, termsDone: 1e8, termsTotal: 1e8 });
    // N = 1e8, precise, K = 2: reference/leibniz.md 1c reports 28 certified decimals.
    expect(view.correctedDigits.length).toBeGreaterThanOrEqual(2 + 25);
    expect(PI_120.startsWith(view.correctedDigits)).toBe(true);
    expect(PI_120.startsWith(view.rawDigits)).toBe(true);
    expect(view.rawDigits).toBe('3.1415926');
  });
});
