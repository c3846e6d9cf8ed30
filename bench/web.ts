// The web face: what the mirror sends per frame change, what 0, 1 and 32 connected mirrors cost the daemon
// during a π job (CPU, resident memory, event-loop delay), and how long a change in the cluster takes to reach
// a browser with a 1 s poll. The daemon runs in a child process (bench/web-child.ts) so that the mirrors'
// readers, here, are not counted in its CPU time.
import { fork, type ChildProcess } from 'node:child_process';
import { get, type ClientRequest } from 'node:http';
import * as path from 'node:path';
import { geometryOf } from '../src/panel/frame';
import type { PanelModel } from '../src/panel/model';
import { renderScreen } from '../src/panel/render';
import { startSimCluster } from '../src/sim';
import { MirrorState } from '../src/web/mirror';
import { sseEvent } from '../src/web/sse';
import type { BenchRow } from './types';

const SECTION = 'web';
const WINDOW_SECONDS = 15;

/** Bytes on the wire per π-screen update at 128x64: a job advancing one tick at a time for a minute. */
function bytesPerUpdate(): { mean: number; max: number; full: number } {
  const geometry = geometryOf('128x64');
  const mirror = new MirrorState();
  const sizes: number[] = [];
  const total = 1e11;
  let full = 0;
  for (let i = 0; i <= 240; i++) {
    const done = Math.round(total * (i / 2000) + 1e8);
    const model: PanelModel = {
      now: Date.UTC(2024, 4, 1, 12, 0, i),
      snapshot: null,
      snapshotAt: Date.UTC(2024, 4, 1, 12, 0, i),
      source: { master: 'http://127.0.0.1:5050', ok: true, downSince: null, lastError: null },
      host: { hostname: 'pi', addresses: ['10.0.0.2'], uptimeSeconds: 1000 + i, load1: 0.5, temperatureC: 45 },
      pi: {
        state: 'running',
        problem: null,
        termsDone: done,
        termsTotal: total,
        rawDigits: '3.14159265'.slice(0, 6 + Math.floor(i / 60)),
        correctedDigits: '3.14159265358979323'.slice(0, 10 + Math.floor(i / 30)),
        termsPerSecond: 1.2e9 + (i % 7) * 1e7,
        tasks: { running: 3, finished: 10 + i, failed: 0 },
        elapsedSeconds: i,
        etaSeconds: 2000 - i,
      },
      ui: { holdProgress: null, banner: null },
    };
    const m = mirror.show(renderScreen('pi', model, geometry));
    if (!m) continue;
    if (i === 0) full = Buffer.byteLength(sseEvent('frame', m));
    else sizes.push(Buffer.byteLength(sseEvent('frame', m)));
  }
  return { mean: sizes.reduce((a, b) => a + b, 0) / sizes.length, max: Math.max(...sizes), full };
}

interface ChildReport {
  port?: number;
  cpuPercent?: number;
  rss?: number;
  loopP99Ms?: number;
  clients?: number;
  error?: string;
}

function startChild(master: string, mode: 'pi' | 'overview'): Promise<{ child: ChildProcess; port: number; ask: (m: object) => Promise<ChildReport> }> {
  const child = fork(path.join(__dirname, 'web-child.js'), [master, mode], { execArgv: ['--expose-gc'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const next = () => new Promise<ChildReport>((resolve, reject) => {
    child.once('message', (m: ChildReport) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    child.once('exit', (code) => reject(new Error(`web child exited with ${code}`)));
  });
  return next().then((first) => ({
    child,
    port: first.port as number,
    ask: (m: object) => {
      const answer = next();
      child.send(m);
      return answer;
    },
  }));
}

/** A mirror that reads everything and counts frame events, as a browser tab would. */
function mirrorClient(port: number, onFrame: () => void = () => undefined): ClientRequest {
  return get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (chunk.includes('event: frame')) onFrame();
    });
    res.on('error', () => undefined);
  }).on('error', () => undefined);
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

export async function run(): Promise<BenchRow[]> {
  const bytes = bytesPerUpdate();
  const rows: BenchRow[] = [
    { section: SECTION, name: 'bytes per π-screen update at 128x64, mean (changed rows, 1 bit/px, base64 in SSE)', value: bytes.mean, unit: 'B', note: `max ${bytes.max}; target ≤ 1200` },
    { section: SECTION, name: 'bytes of the whole frame a new browser gets first', value: bytes.full, unit: 'B', note: 'the raw 1-bit frame is 1024 B, 1368 in base64' },
  ];
  const cluster = await startSimCluster({ agents: 4, seed: 9 });
  try {
    const daemon = await startChild(cluster.url, 'pi');
    try {
      await new Promise((r) => setTimeout(r, 5000));
      const results: Record<number, ChildReport> = {};
      for (const n of [0, 1, 32]) {
        const clients = Array.from({ length: n }, () => mirrorClient(daemon.port));
        await new Promise((r) => setTimeout(r, 500));
        results[n] = await daemon.ask({ measure: WINDOW_SECONDS });
        clients.forEach((c) => c.destroy());
        await new Promise((r) => setTimeout(r, 500));
      }
      const mb = (b: number | undefined) => (b ?? 0) / (1024 * 1024);
      for (const n of [0, 1, 32]) {
        const r = results[n];
        rows.push({ section: SECTION, name: `daemon CPU during a π job, ${n} mirrors connected`, value: r.cpuPercent ?? 0, unit: '% core', note: `${r.clients} streams open` });
        rows.push({ section: SECTION, name: `daemon resident memory, ${n} mirrors`, value: mb(r.rss), unit: 'MB' });
        rows.push({ section: SECTION, name: `event-loop delay p99, ${n} mirrors`, value: r.loopP99Ms ?? 0, unit: 'ms', note: 'frames written to the emulated SSD1306' });
      }
      rows.push({ section: SECTION, name: '32 mirrors add, CPU', value: (results[32].cpuPercent ?? 0) - (results[0].cpuPercent ?? 0), unit: '% core', note: 'target ≤ 2' });
      rows.push({ section: SECTION, name: '32 mirrors add, resident memory', value: mb(results[32].rss) - mb(results[0].rss), unit: 'MB', note: 'target ≤ 10' });
    } finally {
      await daemon.ask({ stop: true }).catch(() => undefined);
    }

    const latency: number[] = [];
    const watcher = await startChild(cluster.url, 'overview');
    try {
      let waiting: (() => void) | null = null;
      const client = mirrorClient(watcher.port, () => waiting?.());
      await new Promise((r) => setTimeout(r, 2500));
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1000));
        const arrived = new Promise<void>((resolve) => (waiting = resolve));
        const t0 = performance.now();
        await cluster.addAgent();
        await arrived;
        waiting = null;
        latency.push(performance.now() - t0);
      }
      client.destroy();
    } finally {
      await watcher.ask({ stop: true }).catch(() => undefined);
    }
    rows.push({ section: SECTION, name: 'a new agent to the mirror, p50 (1 s poll)', value: percentile(latency, 50), unit: 'ms', note: `${latency.length} changes` });
    rows.push({ section: SECTION, name: 'a new agent to the mirror, p99 (1 s poll)', value: percentile(latency, 99), unit: 'ms', note: 'target ≤ 1000' });
    return rows;
  } finally {
    await cluster.close();
  }
}
