import { currentEntry, cycleEntries, initialCycle, mainScreen, nextScreen, tickCycle } from '../../src/panel/cycle';
import { geometryOf } from '../../src/panel/frame';
import { emptyModel, fixtureSnapshot, fullModel, NOW } from './fixture-model';

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
