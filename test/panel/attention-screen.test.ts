// The attention screen at every size, and in the daemon: a notice interrupts the cycle, wakes a dimmed display,
// and the button pages through the notices and back to the cycle; in quiet hours it is only listed.
import { DEFAULT_CONFIG } from '../../src/config';
import { Daemon } from '../../src/app/daemon';
import { memoryLogger } from '../../src/log';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import type { Notice } from '../../src/panel/attention';
import { fonts } from '../../src/panel/font';
import { type Frame, geometryOf } from '../../src/panel/frame';
import type { SourceStatus } from '../../src/mesos/source-status';
import { renderScreen } from '../../src/panel/render';
import { findText } from './bitmap-text';
import { NOW, fixtureSnapshot, fullModel } from './fixture-model';
import { RecordingDisplay } from '../recording-display';

const MIN = 60_000;
const notices: Notice[] = [
  { kind: 'agent', subject: 'a', text: 'agent pi-node-3 unreachable', at: NOW - 2 * MIN - 5000, repeats: 1 },
  { kind: 'leader', subject: 'leader', text: 'new leader 10.0.0.3:5050', at: NOW - 3600_000, repeats: 0 },
];
const model = fullModel({ attention: notices });
const lines = (f: Frame) => (f.kind === 'chars' ? f.grid.lines : []);

describe('attention screen', () => {
  test('20x4 and 16x2: which of how many, how long ago, what happened', () => {
    expect(lines(renderScreen('attention', model, geometryOf('20x4')))).toEqual(['!1/2           2m05s', 'agent pi-node-3     ', 'unreachable (+1)    ', '                    ']);
    expect(lines(renderScreen('attention', model, geometryOf('20x4'), { page: 1 }))[1]).toBe('new leader          ');
    expect(lines(renderScreen('attention', model, geometryOf('16x2')))).toEqual(['!1/2       2m05s', 'agent pi-node-3…']);
    expect(lines(renderScreen('attention', fullModel(), geometryOf('16x2')))[1]).toBe('nothing to repo…');
  });

  test('128x64 and 128x32 draw the text and the age', () => {
    const { small, medium } = fonts();
    const big = renderScreen('attention', model, geometryOf('128x64'));
    if (big.kind !== 'pixels') throw new Error('pixels expected');
    expect(findText(big.bitmap, 'ATTENTION', medium)).not.toBeNull();
    expect(findText(big.bitmap, '2m 05s ago', small)).not.toBeNull();
    const low = renderScreen('attention', model, geometryOf('128x32'));
    if (low.kind !== 'pixels') throw new Error('pixels expected');
    expect(findText(low.bitmap, 'agent pi-node-3', small)).not.toBeNull();
  });
});


describe('attention in the daemon', () => {
  let daemon: Daemon | undefined;
  afterEach(() => daemon?.stop());

  function start(quietHours: string | null) {
    let now = NOW;
    const base = fixtureSnapshot();
    let snapshot: ClusterSnapshot = base;
    const status: SourceStatus = { master: 'http://m:5050', ok: true, downSince: null, lastError: null };
    const display = new RecordingDisplay(geometryOf('20x4'));
    const log = memoryLogger();
    daemon = new Daemon({
      log,
      display,
      state: { start: () => undefined, stop: () => undefined, current: () => ({ snapshot, snapshotAt: now, status }) },
      host: async () => ({ hostname: 'pi', addresses: ['10.0.0.2'], uptimeSeconds: 10, load1: 0.1, temperatureC: null }),
      screens: { enabled: ['overview'], autoCycleSeconds: 0 },
      burnIn: { ...DEFAULT_CONFIG.burnIn, dimAfterMinutes: 1, blankAfterMinutes: 2 },
      attention: { ...DEFAULT_CONFIG.attention, quietHours },
      version: 'test',
      now: () => now,
      tickMs: 10,
    });
    daemon.start();
    const tick = async (ms: number) => {
      now += ms;
      await new Promise((r) => setTimeout(r, 40));
    };
    const loseAgent = () => {
      snapshot = { ...base, agentList: base.agentList.slice(1), agents: { ...base.agents, active: base.agents.active - 1, unreachable: 1 } };
    };
    const disconnectFramework = () => {
      snapshot = { ...base, frameworkList: base.frameworkList.map((f) => ({ ...f, active: false })) };
    };
    return { display, log, tick, loseAgent, disconnectFramework, daemon };
  }

  test('a notice wakes a blanked LCD, interrupts the cycle, and the button pages it away', async () => {
    const { display, log, tick, disconnectFramework, daemon: d } = start(null);
    await tick(3 * MIN);
    expect(display.level).toBe('off');
    // Nothing else on the panel changes with a framework's connection: the notice alone wakes the glass.
    disconnectFramework();
    await tick(1000);
    expect(display.level).toBe('normal');
    expect(display.text()).toMatch(/^!1\/1 .*\|framework .*\|disconnected/);
    expect(log.lines.some((l) => /attention: framework .* disconnected/.test(l))).toBe(true);
    d.act({ type: 'next' });
    await tick(100);
    expect(display.text()).not.toMatch(/^!1\/1/);
    expect(d.model().attention).toHaveLength(1);
  });

  // (The agent count changing wakes the glass by itself, as it always has; quiet hours only keep the screen.)
  test('in quiet hours a notice is only listed', async () => {
    const local = new Date(NOW);
    const h = (n: number) => String((local.getHours() + n + 24) % 24).padStart(2, '0');
    const { display, tick, loseAgent, daemon: d } = start(`${h(-1)}:00-${h(2)}:00`);
    await tick(3 * MIN);
    loseAgent();
    await tick(1000);
    expect(display.text()).not.toMatch(/^!1\/1/);
    expect(d.model().attention?.[0].text).toMatch(/unreachable/);
  });
});
