import { ButtonError } from '../../src/hw/button/backend';
import type { PressClock } from '../../src/hw/button/press';

// Helpers shared by the button tests.

/** A clock that only moves when told, for driving the press machine from real child-process output. */
export class ManualClock implements PressClock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Move time forward, running due timers in order at their own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.timers.delete(id);
      this.t = Math.max(this.t, timer.at);
      timer.fn();
    }
    this.t = end;
  }
}

/** Await a backend start that must fail, and check the failure is a one-line ButtonError. */
export async function startError(p: Promise<void>): Promise<ButtonError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ButtonError);
  expect((err as Error).message).not.toMatch(/\n/);
  return err as ButtonError;
}
