// The daemon's actions: what a press does (next screen, start and reset the π job, wake the glass), how it stops
// (blank for a service stop, "halted" left on the glass at shutdown) and which signal stops it how.
import { DEFAULT_CONFIG } from '../../src/config';
import { Daemon, type PiController } from '../../src/app/daemon';
import { stopOnSignals } from '../../src/commands/run';
import { memoryLogger } from '../../src/log';
import type { SourceStatus } from '../../src/mesos/source-status';
import { geometryOf } from '../../src/panel/frame';
import { NOW, RUNNING_PI, fixtureSnapshot } from '../panel/fixture-model';
import { RecordingDisplay } from '../recording-display';

const MIN = 60_000;


/** A π job that records what the daemon asks of it. */
class RecordingPi implements PiController {
  readonly calls: string[] = [];
  failStop = false;
  view() {
    return RUNNING_PI;
  }
  start(): void {
    this.calls.push('start');
  }
  reset(): void {
    this.calls.push('reset');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
    if (this.failStop) throw new Error('the master went away');
  }
}

describe('the daemon acts and stops', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
  });

  function start(pi?: PiController) {
    let now = NOW;
    const status: SourceStatus = { master: 'http://m:5050', ok: true, downSince: null, lastError: null };
    const stateCalls: string[] = [];
    const display = new RecordingDisplay(geometryOf('20x4'));
    const log = memoryLogger();
    const snapshot = fixtureSnapshot();
    const d = new Daemon({
      log,
      display,
      pi,
      state: {
        start: () => void stateCalls.push('start'),
        stop: () => void stateCalls.push('stop'),
        current: () => ({ snapshot, snapshotAt: now, status }),
      },
      host: async () => ({ hostname: 'panel-host-7', addresses: ['10.0.0.2'], uptimeSeconds: 10, load1: 0.1, temperatureC: null }),
      screens: { enabled: ['overview', 'host'], autoCycleSeconds: 0 },
      burnIn: { ...DEFAULT_CONFIG.burnIn, dimAfterMinutes: 1, blankAfterMinutes: 2 },
      version: 'test',
      now: () => now,
      tickMs: 10,
    });
    daemon = d;
    d.start();
    const tick = async (ms: number) => {
      now += ms;
      await new Promise((r) => setTimeout(r, 40));
    };
    return { d, display, log, tick, stateCalls };
  }

  test('a short press shows the next screen', async () => {
    const { d, display, tick } = start();
    await tick(100);
    expect(display.text()).not.toMatch(/panel-host-7/);
    d.act({ type: 'next' });
    await tick(100);
    expect(display.text()).toMatch(/panel-host-7/);
  });

  test('a long press starts the π job and a confirmed one resets it; without a job they do nothing', async () => {
    const pi = new RecordingPi();
    const { d, log } = start(pi);
    d.act({ type: 'start' });
    d.act({ type: 'reset' });
    expect(pi.calls).toEqual(['start', 'reset']);
    expect(log.lines.filter((l) => /requested by the button/.test(l))).toHaveLength(2);
    await d.stop();
    const bare = start();
    expect(() => bare.d.act({ type: 'start' })).not.toThrow();
    expect(() => bare.d.act({ type: 'reset' })).not.toThrow();
  });

  test('a press wakes a display whose backlight went off', async () => {
    const { d, display, tick } = start();
    await tick(3 * MIN);
    expect(display.level).toBe('off');
    d.act({ type: 'wake' });
    await tick(100);
    expect(display.level).toBe('normal');
  });

  test("stop('halted') stops every part and leaves \"halted\" lit on the glass; a second stop does nothing", async () => {
    const pi = new RecordingPi();
    const { d, display, tick, stateCalls } = start(pi);
    await tick(3 * MIN);
    expect(display.level).toBe('off');
    await d.stop('halted');
    expect(display.text()).toMatch(/halted/);
    expect(display.level).toBe('normal');
    expect(display.closedWith).toBe('keep');
    expect(pi.calls).toEqual(['stop']);
    expect(stateCalls).toEqual(['start', 'stop']);
    await d.stop('blank');
    expect(pi.calls).toEqual(['stop']);
    expect(display.closedWith).toBe('keep');
  });

  test('a plain stop blanks the display, even when a part fails to stop', async () => {
    const pi = new RecordingPi();
    pi.failStop = true;
    const { d, display, log, tick } = start(pi);
    await tick(100);
    await d.stop();
    expect(display.text()).not.toMatch(/halted/);
    expect(display.closedWith).toBe('blank');
    expect(log.lines.some((l) => /stop: π job: the master went away/.test(l))).toBe(true);
  });
});

describe('signals stop the running panel', () => {
  const added: Array<[NodeJS.Signals, (...args: unknown[]) => void]> = [];
  let before: Record<string, Array<(...args: unknown[]) => void>> = {};
  beforeEach(() => {
    before = { SIGTERM: process.listeners('SIGTERM') as never, SIGINT: process.listeners('SIGINT') as never };
  });
  afterEach(() => {
    // stopOnSignals listens for both; the one that did not fire is still attached.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const l of process.listeners(signal)) if (!before[signal].includes(l as never)) added.push([signal, l as never]);
    }
    for (const [signal, l] of added.splice(0)) process.removeListener(signal, l);
  });

  /** Deliver a signal to the listeners stopOnSignals attached, and to no other listener of this process. */
  function fire(signal: NodeJS.Signals): void {
    for (const l of process.listeners(signal)) if (!before[signal].includes(l as never)) (l as (s: NodeJS.Signals) => void)(signal);
  }

  function host() {
    const stops: Array<string | undefined> = [];
    return { stops, host: { daemon: {} as Daemon, display: new RecordingDisplay(geometryOf('20x4')), stop: async (leave?: 'blank' | 'halted') => void stops.push(leave) } };
  }

  test('SIGTERM leaves what the shutdown asks for, once; SIGINT always blanks', async () => {
    const a = host();
    const log = memoryLogger();
    const done = stopOnSignals(a.host, log, async () => 'halted');
    fire('SIGTERM');
    fire('SIGINT');
    await done;
    expect(a.stops).toEqual(['halted']);
    expect(log.lines.some((l) => /stopping on SIGTERM/.test(l))).toBe(true);

    const b = host();
    const second = stopOnSignals(b.host, memoryLogger(), async () => 'halted');
    fire('SIGINT');
    await second;
    expect(b.stops).toEqual(['blank']);
  });

  test('SIGTERM blanks when the shutdown cannot be told', async () => {
    const a = host();
    const done = stopOnSignals(a.host, memoryLogger(), async () => {
      throw new Error('no systemctl');
    });
    fire('SIGTERM');
    await done;
    expect(a.stops).toEqual(['blank']);
  });
});
