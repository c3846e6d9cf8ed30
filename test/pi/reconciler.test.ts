import { Reconciler, type ReconcileTask } from '../../src/pi/reconciler';

describe('explicit reconciliation (mesos.md b.8)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks for every running task, then again with a doubling wait only for those not heard of', () => {
    const sent: string[][] = [];
    let running: ReconcileTask[] = ['a', 'b', 'c'].map((t) => ({ taskId: t, agentId: 'S1' }));
    const r = new Reconciler((tasks) => sent.push(tasks.map((t) => t.taskId)), () => running, { firstMs: 100, maxMs: 300 });
    r.begin();
    expect(sent).toEqual([['a', 'b', 'c']]);
    r.heard('a');
    jest.advanceTimersByTime(100);
    expect(sent).toEqual([['a', 'b', 'c'], ['b', 'c']]);
    // c was re-queued meanwhile: it is no longer ours to ask about.
    running = running.filter((t) => t.taskId !== 'c');
    jest.advanceTimersByTime(199);
    expect(sent).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(sent[2]).toEqual(['b']);
    jest.advanceTimersByTime(300); // capped at maxMs
    expect(sent[3]).toEqual(['b']);
    r.heard('b');
    jest.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(4);
    expect(r.waiting).toBe(0);
  });

  it('sends nothing with no running task, and a new round replaces the old one', () => {
    const sent: string[][] = [];
    let running: ReconcileTask[] = [];
    const r = new Reconciler((tasks) => sent.push(tasks.map((t) => t.taskId)), () => running, { firstMs: 100 });
    r.begin();
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
    running = [{ taskId: 'x', agentId: 'S2' }];
    r.begin();
    r.begin();
    expect(sent).toEqual([['x'], ['x']]);
    jest.advanceTimersByTime(100);
    expect(sent).toHaveLength(3);
    r.stop();
    jest.advanceTimersByTime(10_000);
    expect(sent).toHaveLength(3);
  });
});
