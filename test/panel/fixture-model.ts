// Panel models for tests, benchmarks and previews: a real Mesos 1.12 /state parsed into a snapshot, a running π
// job, and the empty and partial models that screens must survive.
import * as fs from 'fs';
import * as path from 'path';
import type { PanelModel } from '../../src/panel/model';
import type { PiView } from '../../src/pi/view';
import type { ClusterSnapshot } from '../../src/mesos/snapshot';
import { parseState } from '../../src/mesos/state-parse';
import { emptyHistory, recordAllocation, type AllocationHistory } from '../../src/panel/allocation-history';

export const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

const FIXTURES = path.resolve(__dirname, '../fixtures/mesos');

export function fixtureSnapshot(file = 'real-1.12.0/master-state-task-running.json'): ClusterSnapshot {
  return parseState(JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')));
}

export const RUNNING_PI: PiView = {
  state: 'running',
  problem: null,
  termsDone: 123_456_789_000,
  termsTotal: 1_000_000_000_000,
  rawDigits: '3.14159265',
  correctedDigits: '3.14159265358979323',
  termsPerSecond: 1.234e9,
  tasks: { running: 3, finished: 112, failed: 1 },
  elapsedSeconds: 100,
  etaSeconds: 710,
};

export function fullModel(overrides: Partial<PanelModel> = {}): PanelModel {
  return {
    now: NOW,
    snapshot: fixtureSnapshot(),
    snapshotAt: NOW - 2000,
    source: { master: 'http://127.0.0.1:5050', ok: true, downSince: null, lastError: null },
    host: { hostname: 'mesos-master-1', addresses: ['192.168.1.20', 'fd00::1:20'], uptimeSeconds: 3 * 86400 + 4 * 3600 + 5, load1: 0.42, temperatureC: 48.3 },
    pi: RUNNING_PI,
    ui: { holdProgress: null, banner: null },
    ...overrides,
  };
}

/** Nothing known yet: the first moments after boot. */
export function emptyModel(): PanelModel {
  return {
    now: NOW,
    snapshot: null,
    snapshotAt: null,
    source: { master: '', ok: false, downSince: null, lastError: null },
    host: { hostname: '', addresses: [], uptimeSeconds: NaN, load1: NaN, temperatureC: null },
    pi: null,
    ui: { holdProgress: null, banner: null },
  };
}

/** Missing nested objects and fields, as a careless source might leave them; screens must still draw. */
export function partialModel(): PanelModel {
  return {
    now: NOW,
    snapshot: { leader: null, agentList: [{ hostname: 'a1' }], frameworkList: [{ name: 'x' }], cpus: { total: 4 } },
    source: { master: 'http://m:5050', ok: false },
    host: {},
    pi: { state: 'running', tasks: {} },
    ui: {},
  } as unknown as PanelModel;
}

/** Minutes of the hour before NOW in which HOUR_HISTORY has no sample: the master was unreachable. */
export const HISTORY_GAP = { from: 20, to: 30 };

/**
 * The fixture's cluster over the hour before NOW, one sample in the middle of each minute except in HISTORY_GAP:
 * in minute m it used (m mod 5) quarters of its 4 CPUs, so every share from none to all recurs.
 */
export function hourHistory(): AllocationHistory {
  const s = fixtureSnapshot();
  let h = emptyHistory();
  for (let m = 0; m < 60; m++) {
    if (m >= HISTORY_GAP.from && m < HISTORY_GAP.to) continue;
    const used = m % 5;
    h = recordAllocation(h, NOW - 3_600_000 + m * 60_000 + 30_000, { ...s, cpus: { total: 4, used, offered: 0, free: 4 - used } });
  }
  return h;
}
