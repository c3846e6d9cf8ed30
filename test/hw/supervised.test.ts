import { BackendEvents, ButtonError, type ButtonBackend } from '../../src/hw/button/backend';
import { SupervisedButton } from '../../src/hw/button/supervised';
import { memoryLogger } from '../../src/log';

/** A backend whose start can be made to fail and which can be made to die. */
class FakeBackend extends BackendEvents implements ButtonBackend {
  readonly name = 'gpiomon' as const;
  started = false;
  stopped = false;
  constructor(private readonly fail: boolean) {
    super();
  }
  async start(): Promise<void> {
    if (this.fail) throw new ButtonError('failed', 'gpiomon: chip busy');
    this.started = true;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  press(at: number): void {
    this.emitEdge({ pressed: true, at });
  }
  die(): void {
    this.emitExit(new ButtonError('failed', 'gpiomon: exited'));
  }
}

describe('SupervisedButton', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts a fresh backend after one dies, backing off while starts fail, and forwards its edges', async () => {
    const first = new FakeBackend(false);
    const made: FakeBackend[] = [];
    const plan = [true, true, false];
    const log = memoryLogger();
    const b = new SupervisedButton(first, () => {
      const next = new FakeBackend(plan[made.length] ?? false);
      made.push(next);
      return next;
    }, log, { firstRetryMs: 1000, maxRetryMs: 3000 });
    const edges: number[] = [];
    b.on('edge', (e) => edges.push(e.at));

    first.press(1);
    first.die();
    expect(log.lines).toEqual(['error: button: gpiomon: exited; trying again in 1 s']);
    first.press(2);
    expect(edges).toEqual([1]);

    await jest.advanceTimersByTimeAsync(1000);
    expect(made).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(made).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(2999);
    expect(made).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(made).toHaveLength(3);
    expect(made[2].started).toBe(true);
    expect(log.lines[log.lines.length - 1]).toBe('button: back, via gpiomon');

    made[2].press(3);
    expect(edges).toEqual([1, 3]);
    await b.stop();
    expect(made[2].stopped).toBe(true);
  });

  it('stop cancels a pending restart', async () => {
    const first = new FakeBackend(false);
    let made = 0;
    const b = new SupervisedButton(first, () => (made++, new FakeBackend(false)), memoryLogger(), { firstRetryMs: 1000 });
    first.die();
    await b.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(made).toBe(0);
  });
});
