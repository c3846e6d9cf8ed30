// The daemon draws a frame only when what it is drawn from changed (render.ts frameInputs). At every tick the glass
// must still show what drawing the model anew shows, on every screen, while the sources, the host, the π job, the
// clock and the burn-in shift change under it; and a panel on which nothing changes draws once, not four times a second.
import { DEFAULT_CONFIG } from '../../src/config';
import { Daemon, type PiController } from '../../src/app/daemon';
import { memoryLogger } from '../../src/log';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import type { SourceStatus } from '../../src/mesos/source-status';
import { powerPolicy, powerState } from '../../src/panel/burnin';
import { geometryOf, sameFrame, type Geometry } from '../../src/panel/frame';
import type { HostInfo } from '../../src/panel/model';
import * as render from '../../src/panel/render';
import type { PiView } from '../../src/pi/view';
import { NOW, RUNNING_PI, fixtureSnapshot } from '../panel/fixture-model';
import { RecordingDisplay } from '../recording-display';

const BURN_IN = { ...DEFAULT_CONFIG.burnIn, shiftEverySeconds: 20 };

/** Everything the daemon reads, changed by the test between ticks. */
class World {
  now = NOW;
  snapshot: ClusterSnapshot | null = fixtureSnapshot();
  snapshotAt: number | null = NOW;
  status: SourceStatus = { master: 'http://m1:5050', ok: true, downSince: null, lastError: null, via: 'stream' };
  host: HostInfo = { hostname: 'panel', addresses: ['10.0.0.2'], uptimeSeconds: 100, load1: 0.5, temperatureC: 40 };
  piStart = NOW;
  piState: PiView['state'] = 'running';

  readonly pi: PiController = {
    view: (now) => ({ ...RUNNING_PI, state: this.piState, elapsedSeconds: (now - this.piStart) / 1000, termsDone: RUNNING_PI.termsDone + (now - this.piStart) * 1000 }),
    start: () => undefined,
    reset: () => undefined,
    stop: async () => undefined,
  };
}

/** The changes made in turn, one every few ticks, whatever the screen. */
const CHANGES: ((w: World) => void)[] = [
  (w) => (w.snapshot = { ...fixtureSnapshot(), tasks: { TASK_RUNNING: 7 }, cpus: { total: 8, used: 3, offered: 1, free: 4 } }),
  (w) => (w.snapshotAt = w.now),
  (w) => (w.status = { ...w.status, via: 'poll' }),
  (w) => (w.status = { ...w.status, master: 'http://m2:5050' }),
  (w) => (w.piState = 'done'),
  (w) => (w.piStart -= 3_600_000),
  (w) => (w.snapshot = w.snapshot && { ...w.snapshot, leader: 'master@10.0.0.9:5050', agents: { active: 3, inactive: 1, unreachable: 0 } }),
];

const SCENES: { screen: render.ScreenName; enabled: ('overview' | 'agents' | 'frameworks' | 'pi' | 'host')[]; down?: boolean }[] = [
  { screen: 'overview', enabled: ['overview'] },
  { screen: 'agents', enabled: ['agents'] },
  { screen: 'frameworks', enabled: ['frameworks'] },
  { screen: 'pi', enabled: ['pi'] },
  { screen: 'host', enabled: ['host'] },
  { screen: 'unreachable', enabled: ['overview'], down: true },
];

describe('the daemon draws only when the frame could change', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    jest.restoreAllMocks();
  });

  async function start(w: World, geometry: Geometry, enabled: (typeof SCENES)[number]['enabled']) {
    const display = new RecordingDisplay(geometry);
    // Host figures are read every 5 ms of real time; ticks are the test's, on its own clock.
    const d = new Daemon({
      log: memoryLogger(),
      display,
      pi: w.pi,
      state: { start: () => undefined, stop: () => undefined, current: () => ({ snapshot: w.snapshot, snapshotAt: w.snapshotAt, status: w.status }) },
      host: async () => w.host,
      screens: { enabled, autoCycleSeconds: 0 },
      burnIn: BURN_IN,
      version: 'test',
      now: () => w.now,
      tickMs: 3_600_000,
      hostEveryMs: 5,
    });
    daemon = d;
    d.start();
    await new Promise((r) => setTimeout(r, 20));
    return { d, display };
  }

  it.each(['128x64', '128x128', '20x4', '16x2'] as const)('shows at every tick what drawing anew shows, on every screen (%s)', async (size) => {
    const geometry = geometryOf(size);
    const policy = powerPolicy(BURN_IN, geometry.kind === 'chars' ? 'lcd' : 'oled');
    for (const scene of SCENES) {
      const w = new World();
      if (scene.down) {
        w.snapshot = null;
        w.status = { ...w.status, ok: false, downSince: NOW - 5500, lastError: 'connection refused' };
      }
      const { d, display } = await start(w, geometry, scene.enabled);
      for (let t = 0; t < 420; t++) {
        w.now += 250;
        if (t % 40 === 20) CHANGES[((t - 20) / 40) % CHANGES.length](w);
        if (t === 310) {
          // The host's figures arrive on their own timer.
          w.host = { ...w.host, uptimeSeconds: 4000, addresses: ['10.0.0.3'] };
          await new Promise((r) => setTimeout(r, 20));
        }
        if (scene.down && t === 330) w.status = { ...w.status, lastError: 'timed out', master: 'http://m3:5050' };
        d.redraw();
        const offset = powerState(policy, { now: w.now, lastPress: null, lastChange: null }).offset;
        const expected = render.renderScreen(scene.screen, d.model(), geometry, { page: 0, offset, version: 'test' });
        if (!sameFrame(display.last, expected)) {
          throw new Error(`${scene.screen} on ${size}: the glass is stale at tick ${t}`);
        }
      }
      await d.stop();
      daemon = undefined;
    }
  });

  it('draws once while nothing changes, and again when something does', async () => {
    const w = new World();
    const drawn = jest.spyOn(render, 'renderScreen');
    // The host screen shows no time: nothing it shows changes until the test changes it.
    const { d, display } = await start(w, geometryOf('128x64'), ['host']);
    // The first tick drew before the host's figures came in; this one draws them.
    d.redraw();
    const count = drawn.mock.calls.length;
    for (let t = 0; t < 40; t++) {
      w.now += 250;
      d.redraw();
    }
    expect(drawn.mock.calls.length).toBe(count);
    const before = display.last;
    w.status = { ...w.status, via: 'poll' };
    w.now += 250;
    d.redraw();
    expect(drawn.mock.calls.length).toBe(count + 1);
    expect(display.last).not.toEqual(before);
  });
});
