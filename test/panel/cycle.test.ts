import { currentEntry, cycleEntries, entriesKey, initialCycle, mainScreen, nextScreen, tickCycle } from '../../src/panel/cycle';
import { geometryOf } from '../../src/panel/frame';
import { emptyModel, fixtureSnapshot, fullModel, NOW, partialModel, RUNNING_PI } from './fixture-model';
import type { PanelModel } from '../../src/panel/model';

const g = geometryOf('20x4');
const many = () => fullModel({ snapshot: fixtureSnapshot('master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json') });
const names = (m = fullModel()) => cycleEntries(m, g).map((e) => `${e.screen}${e.page ? `#${e.page}` : ''}`);

describe('screen cycle', () => {
  it('visits overview, agent pages, framework pages, pi and host', () => {
    expect(names()).toEqual(['overview', 'agents', 'frameworks', 'pi', 'host']);
    expect(names(many())).toEqual(['overview', 'agents', 'agents#1', 'frameworks', 'frameworks#1', 'pi', 'host']);
  });

  it('replaces overview with boot before the first snapshot and with unreachable while the master is down', () => {
    expect(mainScreen(emptyModel())).toBe('boot');
    expect(names(emptyModel())).toEqual(['boot', 'host']);
    const down = fullModel({ source: { master: 'm', ok: false, downSince: NOW - 1, lastError: 'ECONNREFUSED' } });
    expect(names(down)[0]).toBe('unreachable');
  });

  it('entriesKey: models with the same key have the same entries, at any geometry, so a loop may keep them', () => {
    const s = many().snapshot!;
    const notice = { kind: 'leader' as const, subject: 'leader', text: 'new leader', at: NOW, repeats: 0 };
    const models: PanelModel[] = [
      fullModel(),
      many(),
      emptyModel(),
      partialModel(),
      fullModel({ pi: null }),
      fullModel({ pi: { ...RUNNING_PI, state: 'idle' } }),
      fullModel({ attention: [notice] }),
      fullModel({ attention: [notice, { ...notice, at: NOW - 1 }] }),
      fullModel({ snapshot: { ...s, agentList: s.agentList.slice(0, 3) } }),
      fullModel({ snapshot: { ...s, agentList: [...s.agentList, ...s.agentList, ...s.agentList] } }),
      fullModel({ snapshot: { ...s, frameworkList: [] } }),
      fullModel({ snapshot: { ...s, cpus: { total: 1, used: 1, offered: 0, free: 0 }, leader: 'elsewhere' } }),
      fullModel({ source: { master: 'm', ok: false, downSince: NOW - 1, lastError: 'ECONNREFUSED' } }),
      fullModel({ snapshot: null, source: { master: 'm', ok: false, downSince: null, lastError: 'HTTP 503' } }),
      fullModel({ now: NOW + 3_600_000, host: { hostname: 'x', addresses: [], uptimeSeconds: 1, load1: 0, temperatureC: null } }),
    ];
    for (const geometry of ['20x4', '16x2', '128x64', '128x32', '128x128'] as const) {
      const at = geometryOf(geometry);
      for (const a of models) {
        for (const b of models) {
          if (entriesKey(a) === entriesKey(b)) expect(cycleEntries(a, at)).toEqual(cycleEntries(b, at));
        }
      }
    }
  });

  it('advances on each press and wraps around', () => {
    const entries = cycleEntries(many(), g);
    let s = initialCycle(0);
    const seen: string[] = [];
    for (let i = 0; i < entries.length + 1; i++) {
      const e = currentEntry(s, entries);
      seen.push(`${e.screen}#${e.page}`);
      s = nextScreen(s, entries, i);
    }
    expect(seen).toEqual(['overview#0', 'agents#0', 'agents#1', 'frameworks#0', 'frameworks#1', 'pi#0', 'host#0', 'overview#0']);
  });

  it('stays on its slot when the list changes, and moves on to the next slot when its own vanishes', () => {
    let s = initialCycle(0);
    s = nextScreen(nextScreen(s, cycleEntries(many(), g), 1), cycleEntries(many(), g), 2); // agents page 1
    expect(currentEntry(s, cycleEntries(many(), g))).toMatchObject({ screen: 'agents', page: 1 });
    // The cluster shrinks to one page: still on agents, last page.
    expect(currentEntry(s, cycleEntries(fullModel(), g))).toMatchObject({ screen: 'agents', page: 0 });
    // No snapshot at all: agents gone, show what follows it, and the next press goes on from there.
    const bare = cycleEntries(emptyModel(), g);
    expect(currentEntry(s, bare).screen).toBe('host');
    expect(currentEntry(nextScreen(s, bare, 3), bare).screen).toBe('host');
    // The main slot follows the source: overview becomes unreachable in place.
    const down = fullModel({ source: { master: 'm', ok: false, downSince: 1, lastError: 'x' } });
    expect(currentEntry(initialCycle(0), cycleEntries(down, g)).screen).toBe('unreachable');
  });

  it('auto-advances after the interval since the last change, and not without one', () => {
    const entries = cycleEntries(fullModel(), g);
    const s = initialCycle(1000);
    expect(tickCycle(s, entries, 10_999, { autoAdvanceMs: 10_000 })).toBe(s);
    const t = tickCycle(s, entries, 11_000, { autoAdvanceMs: 10_000 });
    expect(currentEntry(t, entries).screen).toBe('agents');
    expect(t.since).toBe(11_000);
    expect(tickCycle(s, entries, 1e9, {})).toBe(s);
    // A press resets the timer.
    const pressed = nextScreen(s, entries, 9000);
    expect(tickCycle(pressed, entries, 11_000, { autoAdvanceMs: 10_000 })).toBe(pressed);
  });
});
