import { precise } from '../../src/pi/kernel';
import { Ledger } from '../../src/pi/ledger';
import { encodeTaskResult } from '../../src/pi/task-data';
import { piView } from '../../src/pi/view';
import { PI_120 } from './reference';

const OPTS = { minChunkTerms: 1_000_000, targetTaskSeconds: 10, maxGrowth: 10, maxFailuresPerAgent: 3 };

describe('piView', () => {
  test('idle, and idle with a problem', () => {
    expect(piView(null, 0, { problem: null, idleTerms: 1e8 })).toMatchObject({ state: 'idle', termsTotal: 1e8, rawDigits: '' });
    expect(piView(null, 0, { problem: 'cannot subscribe: 401' })).toMatchObject({ state: 'error', problem: 'cannot subscribe: 401' });
  });

  test('a running job shows the certified digits of its finished prefix, then the done job its own', () => {
    const led = Ledger.create('v1', 2_000_000, 'precise', 0, OPTS);
    const a = led.nextChunk('x', 0)!;
    const b = led.nextChunk('x', 0)!;
    const finish = (l: typeof a, t: number) =>
      led.onUpdate({ taskId: l.taskId, state: 'TASK_FINISHED', data: encodeTaskResult({ ...l, kernel: 'precise', ...precise(l.start, l.end), terms: 1e6, ms: 4 }) }, t);
    finish(b, 1000);
    let v = piView(led, 1000, { problem: null });
    expect(v).toMatchObject({ state: 'running', termsDone: 1e6, termsTotal: 2e6, rawDigits: '', tasks: { running: 1, finished: 1, failed: 0 } });
    finish(a, 2000);
    v = piView(led, 2000, { problem: null });
    expect(v.state).toBe('done');
    expect(v.etaSeconds).toBe(0);
    expect(v.elapsedSeconds).toBe(2);
    expect(PI_120.startsWith(v.rawDigits) && PI_120.startsWith(v.correctedDigits)).toBe(true);
    expect(v.rawDigits.length).toBeGreaterThanOrEqual('3.14159'.length);
    // K = 2 at N = 2e6 reaches the double-double limit, ~28 decimals.
    expect(v.correctedDigits.length - 2).toBeGreaterThanOrEqual(26);
    expect(piView(led, 2000, { problem: null, corrections: 0 }).correctedDigits).toBe(v.rawDigits);
  });
});
