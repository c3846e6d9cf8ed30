import { CONFIRM_BANNER, PressMachine, type PressAction, type PressContext } from '../../src/hw/button/press';
import type { UiState } from '../../src/panel/model';

// jest's fake timers drive both the clock and the timers, so a whole press sequence runs in virtual time.
function harness(ctx: Partial<PressContext> = {}) {
  const context: PressContext = { job: 'idle', blanked: false, ...ctx };
  const actions: PressAction['type'][] = [];
  const uis: UiState[] = [];
  const machine = new PressMachine({
    context: () => context,
    onAction: (a) => actions.push(a.type),
    onUi: (u) => uis.push(u),
    clock: { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as never) },
  });
  const down = () => machine.edge({ pressed: true, at: Date.now() });
  const up = () => machine.edge({ pressed: false, at: Date.now() });
  const wait = (ms: number) => jest.advanceTimersByTime(ms);
  const press = (ms: number) => {
    down();
    wait(ms);
    up();
    wait(100);
  };
  return { context, actions, uis, machine, down, up, wait, press };
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

describe('press state machine', () => {
  test('a short press shows the next screen, once', () => {
    const h = harness();
    h.press(200);
    expect(h.actions).toEqual(['next']);
    expect(h.machine.ui()).toEqual({ holdProgress: null, banner: null });
  });

  test('contact bounce on press and release still makes one short press', () => {
    const h = harness();
    for (const pressed of [true, false, true, false, true]) {
      h.machine.edge({ pressed, at: Date.now() });
      h.wait(4);
    }
    h.wait(300);
    for (const pressed of [false, true, false]) {
      h.machine.edge({ pressed, at: Date.now() });
      h.wait(3);
    }
    h.wait(100);
    expect(h.actions).toEqual(['next']);
  });

  test('a glitch shorter than the debounce time is ignored', () => {
    const h = harness();
    h.down();
    h.wait(10);
    h.up();
    h.wait(500);
    expect(h.actions).toEqual([]);
    expect(h.uis).toEqual([]);
  });

  test('a press between short and long does nothing', () => {
    const h = harness();
    h.press(1200);
    expect(h.actions).toEqual([]);
  });

  test('a long press on an idle job starts it while still held, and the release adds nothing', () => {
    const h = harness();
    h.down();
    h.wait(1490);
    expect(h.actions).toEqual([]);
    h.wait(20);
    expect(h.actions).toEqual(['start']);
    h.wait(3000);
    h.up();
    h.wait(100);
    expect(h.actions).toEqual(['start']);
  });

  test('the hold bar fills from 0 to 1 while held and disappears on release', () => {
    const h = harness({ job: 'running' });
    h.down();
    h.wait(30);
    // Measured from the press itself, not from when the debounce confirmed it.
    expect(h.machine.ui().holdProgress).toBeCloseTo(30 / 1500, 5);
    h.wait(720);
    expect(h.machine.ui().holdProgress).toBeCloseTo(0.5, 5);
    const progress = h.uis.map((u) => u.holdProgress as number);
    expect(progress.length).toBeGreaterThan(5);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    h.wait(800);
    expect(h.machine.ui().holdProgress).toBe(1);
    h.up();
    h.wait(50);
    expect(h.machine.ui().holdProgress).toBeNull();
    expect(h.uis[h.uis.length - 1].holdProgress).toBeNull();
  });

  test('a running job asks for confirmation, and a second long press inside the window resets it', () => {
    const h = harness({ job: 'running' });
    h.press(1600);
    expect(h.actions).toEqual(['confirm']);
    expect(h.machine.ui().banner).toBe(CONFIRM_BANNER);
    h.wait(1000);
    h.press(1600);
    expect(h.actions).toEqual(['confirm', 'reset']);
    expect(h.machine.ui().banner).toBeNull();
  });

  test('a finished job needs the same confirmation', () => {
    const h = harness({ job: 'done' });
    h.press(1600);
    h.press(1600);
    expect(h.actions).toEqual(['confirm', 'reset']);
  });

  test('the confirmation expires after 5 s; a long press after that asks again', () => {
    const h = harness({ job: 'running' });
    h.press(1600);
    h.wait(4700);
    expect(h.machine.ui().banner).toBe(CONFIRM_BANNER);
    h.wait(300);
    expect(h.machine.ui().banner).toBeNull();
    expect(h.uis[h.uis.length - 1].banner).toBeNull();
    h.press(1600);
    expect(h.actions).toEqual(['confirm', 'confirm']);
  });

  test('a second hold begun inside the window counts even if it completes after the deadline', () => {
    const h = harness({ job: 'running' });
    h.press(1600);
    h.wait(4500);
    h.press(1600);
    expect(h.actions).toEqual(['confirm', 'reset']);
  });

  test('a short press cancels the confirmation and moves on', () => {
    const h = harness({ job: 'running' });
    h.press(1600);
    h.press(200);
    expect(h.machine.ui().banner).toBeNull();
    h.press(1600);
    expect(h.actions).toEqual(['confirm', 'next', 'confirm']);
  });

  test('a hesitant press during the confirmation keeps it until its deadline', () => {
    const h = harness({ job: 'running' });
    h.press(1600);
    h.press(1200); // the banner went up at 1.5 s and lasts to 6.5 s; now it is 3 s
    expect(h.machine.ui().banner).toBe(CONFIRM_BANNER);
    h.wait(3400);
    expect(h.machine.ui().banner).toBe(CONFIRM_BANNER);
    h.wait(200);
    expect(h.machine.ui().banner).toBeNull();
    expect(h.actions).toEqual(['confirm']);
  });

  test('a press on a blanked display only wakes it, however long it is held', () => {
    const h = harness({ blanked: true });
    h.down();
    h.wait(100);
    expect(h.actions).toEqual(['wake']);
    h.context.blanked = false;
    h.wait(3000);
    h.up();
    h.wait(100);
    expect(h.actions).toEqual(['wake']);
    expect(h.uis).toEqual([]);
    h.press(200);
    expect(h.actions).toEqual(['wake', 'next']);
  });

  test('the job state is read when the long press fires', () => {
    const h = harness({ job: 'idle' });
    h.down();
    h.wait(1000);
    h.context.job = 'running';
    h.wait(600);
    h.up();
    expect(h.actions).toEqual(['confirm']);
  });

  test('stop() cancels pending timers', () => {
    const h = harness({ job: 'running' });
    h.down();
    h.wait(500);
    h.machine.stop();
    h.wait(5000);
    expect(h.actions).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('a whole press from a stand-in for the button (the web controls)', () => {
  test('short is next; long starts an idle job, and on a running one opens the confirmation that a second one within it turns into a reset', () => {
    const h = harness();
    expect(h.machine.pressWhole('short')).toBe('next');
    expect(h.machine.pressWhole('long')).toBe('start');
    h.context.job = 'running';
    expect(h.machine.pressWhole('long')).toBe('confirm');
    expect(h.machine.ui().banner).toBe(CONFIRM_BANNER);
    h.wait(4000);
    expect(h.machine.pressWhole('long')).toBe('reset');
    expect(h.machine.ui().banner).toBeNull();
    expect(h.actions).toEqual(['next', 'start', 'confirm', 'reset']);
  });

  test('the confirmation expires as on the button, and a short press cancels it', () => {
    const h = harness({ job: 'done' });
    expect(h.machine.pressWhole('long')).toBe('confirm');
    h.wait(5001);
    expect(h.machine.ui().banner).toBeNull();
    expect(h.machine.pressWhole('long')).toBe('confirm');
    expect(h.machine.pressWhole('short')).toBe('next');
    expect(h.machine.pressWhole('long')).toBe('confirm');
    expect(h.actions).toEqual(['confirm', 'confirm', 'next', 'confirm']);
  });

  test('a blanked glass is only woken, and a press held on the real button wins', () => {
    const h = harness({ blanked: true });
    expect(h.machine.pressWhole('long')).toBe('wake');
    h.context.blanked = false;
    h.down();
    h.wait(100);
    expect(h.machine.pressWhole('short')).toBeNull();
    h.up();
    h.wait(100);
    expect(h.actions).toEqual(['wake', 'next']);
  });
});
