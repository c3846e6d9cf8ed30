// frameInputs lists what a frame is drawn from, so that the daemon can skip drawing when none of it changed. A list
// that misses something the screen shows is a frozen panel: whenever two models draw different frames, their lists
// must differ, on every screen and display, for every kind of change, the time above all.
import type { Notice } from '../../src/panel/attention';
import { sameFrame, geometryOf } from '../../src/panel/frame';
import type { PanelModel } from '../../src/panel/model';
import { frameInputs, renderScreen, sameInputs, SCREEN_NAMES, type RenderOpts, type ScreenName } from '../../src/panel/render';
import { recordAllocation } from '../../src/panel/allocation-history';
import { NOW, RUNNING_PI, emptyModel, fixtureSnapshot, fullModel, hourHistory, partialModel } from './fixture-model';

const GEOMETRIES = (['128x64', '128x32', '128x128', '20x4', '16x2'] as const).map((g) => geometryOf(g));
const SEC = 1000;

const notices: Notice[] = [
  { kind: 'leader', subject: 'leader', text: 'new leader master-2', at: NOW - 61 * SEC, repeats: 0 },
  { kind: 'agent', subject: 'a1', text: 'agent node-3 removed', at: NOW - 3 * 3600 * SEC - 500, repeats: 2 },
];

/** The fixture's cluster with n agents listed, so that the list screens have pages. */
function cluster(n: number, cpusUsed = 1.5) {
  const s = fixtureSnapshot();
  const agent = s.agentList[0];
  return {
    ...s,
    cpus: { ...s.cpus, used: cpusUsed },
    agentList: Array.from({ length: n }, (_, i) => ({ ...agent, id: `a${i}`, hostname: `node-${i}` })),
  };
}

const base = (): PanelModel => fullModel({ snapshot: cluster(12), history: hourHistory(), attention: notices });
const down = (): PanelModel => ({ ...base(), snapshot: null, source: { master: 'http://m:5050', ok: false, downSince: NOW - 90_500, lastError: 'connection refused' } });

/** Every kind of change a model goes through; each one alone. */
const CHANGES: [string, (m: PanelModel) => PanelModel][] = [
  ['a new snapshot', (m) => ({ ...m, snapshot: cluster(13, 2.5) })],
  ['a snapshot with the same figures', (m) => ({ ...m, snapshot: m.snapshot && { ...m.snapshot } })],
  ['the host figures', (m) => ({ ...m, host: { ...m.host, uptimeSeconds: m.host.uptimeSeconds + 3600, addresses: ['10.9.9.9'] } })],
  ['a new notice', (m) => ({ ...m, attention: [{ kind: 'framework', subject: 'f', text: 'framework x disconnected', at: m.now, repeats: 0 }, ...(m.attention ?? [])] })],
  ['a notice folding a repeat', (m) => ({ ...m, attention: (m.attention ?? []).map((n) => ({ ...n, repeats: n.repeats + 1 })) })],
  ['a sample in the history', (m) => ({ ...m, history: m.history && m.snapshot ? recordAllocation(m.history, m.now, { ...m.snapshot, cpus: { total: 4, used: 2, offered: 0, free: 2 } }) : m.history })],
  ['the master', (m) => ({ ...m, source: { ...m.source, master: 'http://other-master:5051' } })],
  ['the source failing', (m) => ({ ...m, source: { ...m.source, ok: false, downSince: m.now - 5000, lastError: 'timed out' } })],
  ['the last error', (m) => ({ ...m, source: { ...m.source, lastError: 'HTTP 503 from the master' } })],
  ['the outage start', (m) => ({ ...m, source: { ...m.source, downSince: (m.source.downSince ?? m.now) - 7000 } })],
  ['how figures arrive', (m) => ({ ...m, source: { ...m.source, via: m.source.via === 'stream' ? 'poll' : 'stream' } })],
  ['the π view', (m) => ({ ...m, pi: m.pi && { ...m.pi, elapsedSeconds: m.pi.elapsedSeconds + 1, termsDone: m.pi.termsDone * 2 } })],
  ['the π job starting', (m) => ({ ...m, pi: { ...RUNNING_PI, state: 'idle' } })],
  ['the hold bar', (m) => ({ ...m, ui: { ...m.ui, holdProgress: 0.5 } })],
  ['the banner', (m) => ({ ...m, ui: { ...m.ui, banner: 'hold again to reset' } })],
];

/** Steps of the clock, from under a tick to past an hour. */
const STEPS = [1, 250, 499, 1000, 4999, 5000, 59_999, 60_000, 61_001, 3_600_000, 86_400_000];

function check(name: ScreenName, m: PanelModel, next: PanelModel, opts: RenderOpts, geometry: (typeof GEOMETRIES)[number], why: string): void {
  const before = renderScreen(name, m, geometry, opts);
  const after = renderScreen(name, next, geometry, opts);
  if (sameFrame(before, after)) return;
  const same = sameInputs(frameInputs(name, m, geometry, opts), frameInputs(name, next, geometry, opts));
  if (same) throw new Error(`${name} (page ${opts.page}) on ${geometry.kind === 'chars' ? `${geometry.cols}x${geometry.rows}` : `${geometry.width}x${geometry.height}`} changed with ${why}, its inputs did not`);
}

describe('frameInputs: what a frame is drawn from', () => {
  const models: [string, () => PanelModel][] = [
    ['a full model', base],
    ['a master down', down],
    ['an empty model', emptyModel],
    ['a partial model', partialModel],
  ];

  it.each(SCREEN_NAMES.map((n) => [n]))('%s: any change that changes the frame changes its inputs', (name) => {
    for (const geometry of GEOMETRIES) {
      for (const [label, model] of models) {
        for (const page of [0, 1]) {
          const opts: RenderOpts = { page, offset: { x: 1, y: -1 }, version: '1.2.3', message: 'halted' };
          // One model for both sides: a model made twice has two snapshots, which differ as inputs.
          const m = model();
          const alsoM = (o: RenderOpts, why: string) => {
            const before = renderScreen(name, m, geometry, opts);
            const after = renderScreen(name, m, geometry, o);
            if (!sameFrame(before, after) && sameInputs(frameInputs(name, m, geometry, opts), frameInputs(name, m, geometry, o))) {
              throw new Error(`${name} (page ${page}) changed with ${why} (${label}), its inputs did not`);
            }
          };
          for (const [why, change] of CHANGES) check(name, m, change(m), opts, geometry, `${why} (${label})`);
          for (const ms of STEPS) check(name, m, { ...m, now: m.now + ms }, opts, geometry, `${ms} ms passing (${label})`);
          alsoM({ ...opts, page: page + 1 }, 'the next page');
          alsoM({ ...opts, offset: { x: -2, y: 1 } }, 'a burn-in shift');
          alsoM({ ...opts, offset: { x: 1, y: 0 } }, 'a vertical burn-in shift');
          alsoM({ ...opts, offset: { x: -1, y: -1 } }, 'a horizontal burn-in shift');
          alsoM({ ...opts, message: 'rebooting' }, 'another message');
          alsoM({ ...opts, version: '9.9.9' }, 'another version');
        }
      }
    }
  });

  it('follows the clock tick by tick wherever a screen shows time: ages, the hour chart and its turns on an LCD', () => {
    // Ten minutes in quarter seconds, as the daemon ticks, across minute and chart boundaries.
    for (const geometry of GEOMETRIES) {
      for (const [name, model] of [['overview', base], ['attention', base], ['unreachable', down]] as const) {
        let m = model();
        let frame = renderScreen(name, m, geometry);
        let inputs = frameInputs(name, m, geometry);
        for (let t = 0; t < 2400; t++) {
          m = { ...m, now: m.now + 250 };
          const [before, from] = [frame, inputs];
          [frame, inputs] = [renderScreen(name, m, geometry), frameInputs(name, m, geometry)];
          if (!sameFrame(before, frame) && sameInputs(from, inputs)) throw new Error(`${name} changed with the clock at ${m.now - NOW} ms, its inputs did not`);
        }
      }
    }
  });

  it('stays the same while nothing the frame shows changes, so that a still panel draws nothing', () => {
    const m = base();
    const same = { ...m, source: { ...m.source }, ui: { ...m.ui }, pi: m.pi && { ...m.pi } };
    for (const geometry of GEOMETRIES) {
      for (const name of ['overview', 'agents', 'frameworks', 'host', 'pi', 'boot'] as const) {
        expect(sameInputs(frameInputs(name, m, geometry, { page: 0 }), frameInputs(name, same, geometry, { page: 0 }))).toBe(true);
      }
    }
    // The overview's chart moves on only when a slice of the hour is complete: over a minute of ticks, its inputs
    // change at a few of them (the boundaries of the charts of every width it may have), not at every one.
    let changes = 0;
    for (let t = 1; t <= 240; t++) {
      const at = (k: number) => frameInputs('overview', { ...m, now: NOW + 250 * k }, GEOMETRIES[0]);
      if (!sameInputs(at(t - 1), at(t))) changes++;
    }
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(60);
  });
});
