// The README's pictures of the overview with its chart of the last hour, which a one-shot `render` cannot draw: it
// reads one /state, and a chart needs an hour of them. Here a simulated cluster lives through an hour of simulated
// time, its clock moved by hand; its /state is read over loopback every 5 s, as the daemon polls, by the real
// client and parser, and each answer goes into the history the daemon keeps. For six minutes the master answers
// 503, as one does while no leader is elected: the chart shows that as a gap. The overview is drawn from the last
// answer. Run by scripts/render-readme.sh after `npm run build`: node dist/scripts/render-hour.js OUT_DIR
import * as fs from 'node:fs';
import * as path from 'node:path';
import { frameToPng } from '../src/hw/png';
import { StateClient } from '../src/mesos/state-client';
import type { ClusterSnapshot } from '../src/mesos/snapshot';
import { emptyHistory, recordAllocation } from '../src/panel/allocation-history';
import { geometryOf, type SizeName } from '../src/panel/frame';
import type { PanelModel } from '../src/panel/model';
import { renderScreen } from '../src/panel/render';
import { LCD_HOUR_TURN_MS } from '../src/panel/screens/overview';
import { startSimCluster } from '../src/sim';
import { manualClock } from '../src/sim/random';

const PICTURES: { size: SizeName; scale: number }[] = [
  { size: '128x64', scale: 3 },
  { size: '20x4', scale: 2 },
  { size: '128x128', scale: 2 },
];
const POLL_MS = 5_000;
const HOUR_MS = 3_600_000;
/** Minutes into the hour during which the master has no leader. */
const NO_LEADER = { from: 38, to: 44 };

async function main(outDir: string): Promise<void> {
  const clock = manualClock();
  // A slow wave (40 minutes) around half the CPUs, so the hour shows the load rise and fall rather than a blur of
  // the default two-minute waves.
  const sim = await startSimCluster({ agents: 4, seed: 7, clock, tickMs: 0, backgroundLoad: { periodMs: 40 * 60_000, meanShare: 0.5 } });
  try {
    const client = new StateClient({ masters: [sim.url], timeoutMs: 5_000, maxBodyBytes: 32 * 1024 * 1024 });
    let history = emptyHistory();
    let last: ClusterSnapshot | null = null;
    const start = clock();
    for (let t = 0; t <= HOUR_MS; t += POLL_MS) {
      if (t > 0) clock.advance(POLL_MS);
      sim.tick();
      const minute = t / 60_000;
      if (minute >= NO_LEADER.from && minute < NO_LEADER.to) {
        sim.faults.unavailable(1);
        await client.fetchState().catch(() => null);
        continue;
      }
      last = (await client.fetchState()).snapshot;
      history = recordAllocation(history, clock(), last);
    }
    // A 20x4's bottom row takes turns between disk and the chart; the pictures are taken in a chart turn.
    const now = Math.floor(clock() / LCD_HOUR_TURN_MS) % 2 === 1 ? clock() : clock() + LCD_HOUR_TURN_MS;
    const model: PanelModel = {
      now,
      snapshot: last,
      snapshotAt: now,
      source: { master: sim.url, ok: true, downSince: null, lastError: null },
      host: { hostname: 'mesos-master-1', addresses: [], uptimeSeconds: (now - start) / 1000, load1: 0, temperatureC: null },
      pi: null,
      ui: { holdProgress: null, banner: null },
      history,
    };
    fs.mkdirSync(outDir, { recursive: true });
    for (const { size, scale } of PICTURES) {
      fs.writeFileSync(path.join(outDir, `overview-hour-${size}.png`), frameToPng(renderScreen('overview', model, geometryOf(size)), scale));
    }
  } finally {
    await sim.close();
  }
}

main(process.argv[2] ?? 'docs/screens').catch((err: Error) => {
  process.stderr.write(`render-hour: ${err.message}\n`);
  process.exitCode = 1;
});
