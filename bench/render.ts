// Render time per frame for every screen at 128x64 and 20x4: the median over many frames, after a warm-up that
// loads the fonts. Target: at most 2 ms per frame, since a Pi is several times slower than CI.
import * as fs from 'fs';
import * as path from 'path';
import type { BenchRow } from './types';
import { geometryOf, type SizeName } from '../src/panel/frame';
import type { PanelModel } from '../src/panel/model';
import { parseState } from '../src/mesos/state-parse';
import { renderScreen, SCREEN_NAMES } from '../src/panel/render';

const FRAMES = 300;

function model(): PanelModel {
  // The 6-agent dcos-ui capture, so the list screens have real names and numbers to lay out.
  const candidates = [path.resolve(__dirname, '../test/fixtures/mesos'), path.resolve(__dirname, '../../test/fixtures/mesos')];
  const dir = candidates.find((d) => fs.existsSync(d)) ?? candidates[0];
  const file = path.join(dir, 'master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json');
  const now = Date.now();
  return {
    now,
    snapshot: parseState(JSON.parse(fs.readFileSync(file, 'utf8'))),
    snapshotAt: now,
    source: { master: 'http://127.0.0.1:5050', ok: true, downSince: null, lastError: null },
    host: { hostname: 'pi-master', addresses: ['192.168.1.20'], uptimeSeconds: 12345, load1: 0.4, temperatureC: 48.3 },
    pi: {
      state: 'running', problem: null, termsDone: 4e11, termsTotal: 1e12, rawDigits: '3.1415926535', correctedDigits: '3.14159265358979323',
      termsPerSecond: 1.2e9, tasks: { running: 3, finished: 40, failed: 0 }, elapsedSeconds: 300, etaSeconds: 500,
    },
    ui: { holdProgress: null, banner: null },
  };
}

export async function run(): Promise<BenchRow[]> {
  const m = model();
  const rows: BenchRow[] = [];
  for (const size of ['128x64', '20x4'] as SizeName[]) {
    const g = geometryOf(size);
    for (const screen of SCREEN_NAMES) {
      const opts = { message: 'halted', version: '0.1.0' };
      for (let i = 0; i < 20; i++) renderScreen(screen, m, g, opts);
      const times: number[] = [];
      for (let i = 0; i < FRAMES; i++) {
        const t0 = process.hrtime.bigint();
        renderScreen(screen, m, g, opts);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      rows.push({ section: 'render', name: `${screen} ${size}`, value: Number(median.toFixed(4)), unit: 'ms/frame', note: `median of ${FRAMES}, target ≤ 2 ms; p99 ${times[Math.floor(times.length * 0.99)].toFixed(3)} ms` });
    }
  }
  return rows;
}
