// Child process of bench/scale.ts: the daemon's loop (state source, renderer, a display that only records when
// frames change) against the master in argv, with its state source polling /state, following the event stream, or
// `idle`: reading /state once and never again, which measures what the daemon costs whatever its source; `reader`
// is idle plus the operator stream read and its records dropped, which measures the stream's reader alone.
// It counts the bytes its connections to the master bring in (headers and chunk framing included), and on the
// parent's word reports its CPU time, its largest resident memory (in the window, and since it started), and when
// each frame showed how many running tasks.
// With SCALE_PROFILE=<dir>, it also writes a V8 CPU profile of the window there (open it in Chrome's DevTools); the
// profiler's own cost then inflates the CPU figures.
import { channel } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { DEFAULT_CONFIG } from '../src/config';
import { Daemon, type StateSource } from '../src/app/daemon';
import type { Display } from '../src/hw/display';
import { createLogger } from '../src/log';
import { OperatorSource } from '../src/mesos/operator-source';
import { StateClient } from '../src/mesos/state-client';
import { StatePoller } from '../src/mesos/state-poller';
import { StreamClient } from '../src/mesos/stream-client';
import { geometryOf } from '../src/panel/frame';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import * as path from 'node:path';

export interface ScaleReport {
  cpuMs: number;
  /** Largest resident memory in the window (the kernel's high-water mark, reset as it begins). */
  rssMaxBytes: number;
  /** The kernel's high-water mark of resident memory since the child started, start-up reads included. */
  rssPeakBytes: number;
  bytes: number;
  /** (ms since epoch, running tasks shown) for each frame drawn in the window. */
  frames: [number, number][];
  /** One refresh of the stream source (all its reads), measured alone (stream mode only). */
  refresh?: { cpuMs: number; bytes: number };
  error?: string;
}

const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

/**
 * Counts what every TCP connection to the master brings in, whichever client opened it (fetch for /state, node:http
 * for the stream): node:net announces each new client socket on this diagnostics channel.
 */
class BytesRead {
  private readonly open = new Set<Socket>();
  private closed = 0;

  constructor() {
    channel('net.client.socket').subscribe((message) => {
      const socket = (message as { socket: Socket }).socket;
      this.open.add(socket);
      socket.once('close', () => {
        this.open.delete(socket);
        this.closed += socket.bytesRead;
      });
    });
  }

  get total(): number {
    let sum = this.closed;
    for (const s of this.open) sum += s.bytesRead;
    return sum;
  }
}

/**
 * The kernel's high-water mark of this process's resident memory (VmHWM in /proc/self/status, proc(5)): exact, where a
 * timer sampling the RSS would miss peaks between its samples and wake the process several times a second, a cost
 * the window would count as the daemon's.
 */
function residentPeak(): number {
  const kb = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kb === undefined) throw new Error('no VmHWM in /proc/self/status; the scale bench measures memory on Linux only');
  return Number(kb) * 1024;
}

/** Starts the high-water mark again from the current resident memory (proc(5), /proc/[pid]/clear_refs, value 5). */
function resetResidentPeak(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

const QUIET_MS = 10_000;
const SETTLE_MAX_MS = 30_000;

/** When the last full collection (mark-compact) ended, as the runtime reports its collections. */
class FullCollections {
  private last = performance.now();
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.last = e.startTime + e.duration;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /**
   * Resolves once no full collection has run for quietMs, or after maxMs whatever the collector does. It waits a step
   * before it first looks, since the runtime reports a collection just made a little later.
   */
  async settled(quietMs: number, maxMs: number): Promise<void> {
    const start = performance.now();
    do await new Promise((r) => setTimeout(r, 500));
    while (performance.now() - this.last < quietMs && performance.now() - start < maxMs);
    // Observing costs a callback per collection, which the window would count as the daemon's.
    this.observer.disconnect();
  }
}

async function main(): Promise<void> {
  const [mode, master] = process.argv.slice(2);
  const read = new BytesRead();
  const log = createLogger({ journal: false, sink: { write: () => undefined } });
  const maxStateBytes = 512 * 1024 * 1024;
  const operator =
    mode === 'stream'
      ? new OperatorSource({ masters: [master], mode: 'stream', timeoutMs: 60_000, maxStateBytes, refreshMs: DEFAULT_CONFIG.stateRefreshSeconds * 1000, pollIntervalMs: DEFAULT_CONFIG.pollIntervalMs, logger: log })
      : null;
  const intervalMs = mode === 'poll' ? DEFAULT_CONFIG.pollIntervalMs : 24 * 3600_000;
  let records = 0;
  if (mode === 'reader') {
    // The same request and caps as OperatorSource's, every record dropped as it comes.
    const reader = new StreamClient({
      name: 'operator stream',
      endpoints: () => [new URL('/api/v1', master).toString()],
      request: { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ type: 'SUBSCRIBE' }) },
      logger: log,
      onRecord: () => void records++,
      maxRecordBytes: 1024 * 1024,
      maxFirstRecordBytes: maxStateBytes,
    });
    reader.start();
  }
  const source: StateSource =
    operator ?? new StatePoller({ source: new StateClient({ masters: [master], timeoutMs: 60_000, maxBodyBytes: maxStateBytes }), logger: log }, { intervalMs });
  let frames: [number, number][] | null = null;
  let daemon: Daemon | undefined = undefined;
  const display: Display = {
    name: 'recording',
    geometry: geometryOf('128x64'),
    show: () => frames?.push([Date.now(), daemon?.model().snapshot?.tasks.TASK_RUNNING ?? 0]),
    setLevel: () => undefined,
    close: async () => undefined,
  };
  daemon = new Daemon({
    log,
    display,
    state: source,
    host: async () => ({ hostname: 'bench', addresses: ['10.0.0.2'], uptimeSeconds: 1, load1: 0, temperatureC: null }),
    screens: { enabled: ['overview'], autoCycleSeconds: 0 },
    burnIn: { ...DEFAULT_CONFIG.burnIn, shiftEverySeconds: 0 },
    // The service watches for what deserves a look at every tick (the default config), so the bench does too.
    attention: DEFAULT_CONFIG.attention,
    version: 'bench',
  });
  daemon.start();
  // Ready once the source serves (subscribed, for the stream) and its start-up reads have settled and their garbage
  // is collected (the parent runs the child with --expose-gc): the window measures the steady state, not SUBSCRIBED's
  // whole cluster or the first /state, nor the one-off collection of what they left. Nor the collections V8's memory
  // reducer makes after a heap has grown (up to three full ones, seconds apart, src/heap/memory-reducer.cc): the
  // window waits until none has run for QUIET_MS, or at most SETTLE_MAX_MS (polling's reads keep the collector busy).
  const quiet = new FullCollections();
  const ready = setInterval(() => {
    const m = daemon?.model();
    if (m?.snapshot && m.source.ok && (mode !== 'reader' || records > 0)) {
      clearInterval(ready);
      setTimeout(() => {
        collect();
        void quiet.settled(QUIET_MS, SETTLE_MAX_MS).then(() => process.send?.('ready'));
      }, 3000);
    }
  }, 100);
  let cpu0 = process.cpuUsage();
  let bytes0 = 0;
  let peakBefore = 0;
  const profileDir = process.env.SCALE_PROFILE;
  const profiler = profileDir ? new Session() : null;
  profiler?.connect();
  const post = (method: string) => new Promise<unknown>((resolve, reject) => profiler?.post(method, (err: Error | null, r?: object) => (err ? reject(err) : resolve(r))));
  process.on('message', async (m) => {
    if (m === 'go') {
      if (profiler) await post('Profiler.enable').then(() => post('Profiler.start'));
      frames = [];
      bytes0 = read.total;
      peakBefore = residentPeak();
      resetResidentPeak();
      cpu0 = process.cpuUsage();
      return;
    }
    if (m !== 'stop') return;
    const used = process.cpuUsage(cpu0);
    if (profiler && profileDir) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(path.join(profileDir, `${mode}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    }
    const inWindow = residentPeak();
    const report: ScaleReport = { cpuMs: (used.user + used.system) / 1000, rssMaxBytes: inWindow, rssPeakBytes: Math.max(peakBefore, inWindow), bytes: read.total - bytes0, frames: frames ?? [] };
    if (operator) {
      const c = process.cpuUsage();
      const b = read.total;
      await operator.refreshNow();
      // The collection of the document it read, which polling pays in its window.
      collect();
      const r = process.cpuUsage(c);
      report.refresh = { cpuMs: (r.user + r.system) / 1000, bytes: read.total - b };
    }
    await daemon?.stop();
    process.send?.(report, () => process.exit(0));
  });
}

// Only as a child: `npm run bench` imports every file in bench/, this one included.
if (process.send) {
  main().catch((err: Error) => {
    process.send?.({ error: err.message });
  });
}
