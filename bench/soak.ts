// Soak, to show that nothing grows without bound: one hour of simulated cluster time, compressed, with agents joining and leaving
// and π jobs started, finished and reset, while the daemon loop draws to an emulated SSD1306. The daemon is
// its own process (scripts/chaos/daemon-child.ts under `node --expose-gc`), so its resident memory is the
// daemon's alone, measured after a forced gc once warm and again at the end, with the event-loop delay p99
// over the measured stretch.
//
// How the hour is compressed: the simulated cluster and the daemon read one shared clock that runs SPEED
// times faster than the wall clock from a common origin (compressedClock): the cluster's load, agent
// timeouts and offer filters, the daemon's screen cycling, burn-in policy and the π ledger's times. Timers
// inside Node (heartbeats, the /state poll, the save throttle, the executor processes computing) run in
// real time; the schedule below is written in simulated minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { executorBundle } from '../src/pi/executor-bundle';
import { ExecutorServer } from '../src/pi/executor-server';
import { startSimCluster } from '../src/sim';
import { DaemonProcess, describeExit, sleep } from '../scripts/chaos/daemon-process';
import type { CompressedClock, Memory } from '../scripts/chaos/protocol';
import { compressedClock } from '../scripts/chaos/protocol';
import { childOptions } from '../scripts/chaos/run-schedule';
import type { BenchRow } from './types';

const SECTION = 'soak';
const SIM_MINUTES = 60;
/** Wall seconds for the simulated hour; SOAK_SECONDS overrides. SOAK_NODE_ARGS adds node flags for the daemon
 * (e.g. --max-semi-space-size=2), to compare heap settings side by side. */
/**
 * The daemon runs as systemd/mesos-panel.service runs it: glibc's malloc arenas capped at 2 and V8's young
 * generation at 2 MB. Measured side by side (60 s soaks): 14.3 MB growth with Node's defaults, 8.4 MB with the
 * arena cap alone, 5.1 MB with both, and 15 MB less resident memory at start. SOAK_DEFAULTS=1 runs Node's defaults.
 */
const UNIT_SETTINGS = process.env.SOAK_DEFAULTS ? { env: {}, args: [] } : { env: { MALLOC_ARENA_MAX: '2' }, args: ['--max-semi-space-size=2'] };
const WALL_SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const WARM_MINUTES = 5;
const MINUTE = 60_000;
const JOB = { terms: 20_000_000, chunkTerms: 2_000_000, kernel: 'precise' as const };

interface Tally {
  jobsStarted: number;
  jobsFinished: number;
  jobsReset: number;
  agentsJoined: number;
  agentsLeft: number;
}

const mb = (bytes: number): number => bytes / (1024 * 1024);

export async function run(): Promise<BenchRow[]> {
  const speed = (SIM_MINUTES * 60) / WALL_SECONDS;
  const origin: CompressedClock = { wallStart: Date.now(), simStart: Date.UTC(2026, 0, 1), speed };
  const clock = compressedClock(origin);
  const simMinutes = () => (clock() - origin.simStart) / MINUTE;
  const cluster = await startSimCluster({
    agents: 3,
    background: true,
    clock,
    tickMs: 100,
    allocationIntervalMs: 200,
    updateRetryMs: 1000,
    heartbeatIntervalSeconds: 2,
    // Mesos' 75 s, in simulated time.
    unreachableAfterMs: 75_000,
  });
  const bundle = executorBundle();
  const files = await ExecutorServer.start({ bundle, bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' });
  const stateDir = mkdtempSync(join(tmpdir(), 'soak-state-'));
  const options = { ...childOptions(JOB, { url: files.url, sha256: bundle.sha256 }, [cluster.url], stateDir), autoStart: false, clock: origin, tickMs: 250, state: { refreshMs: 60_000, pollMs: 1000 }, reportMs: 200 };
  const daemon = new DaemonProcess({ path: join(__dirname, '../scripts/chaos/daemon-child.js'), nodeArgs: ['--expose-gc', ...UNIT_SETTINGS.args, ...(process.env.SOAK_NODE_ARGS ?? '').split(' ').filter(Boolean)], env: UNIT_SETTINGS.env }, options);
  const tally: Tally = { jobsStarted: 0, jobsFinished: 0, jobsReset: 0, agentsJoined: 0, agentsLeft: 0 };
  let before: Memory | undefined;
  let after: Memory | undefined;
  /** Every ten simulated minutes, for the trend. */
  const samples: Memory[] = [];
  const t0 = performance.now();
  try {
    await daemon.until('the daemon to subscribe', (p) => p.subscribed, 30_000);
    let period = 0;
    let jobEndedAt = 0;
    /** The job id shown before the current start, so a report of the previous job is not taken for it. */
    let previous: string | null | undefined;
    while (simMinutes() < SIM_MINUTES) {
      if (!daemon.alive) throw new Error(`the daemon died (${describeExit(daemon.exited!)})`);
      const now = simMinutes();
      const p = daemon.last!;
      const current = previous !== undefined && p.jobId !== previous;
      if (current && p.done) {
        previous = undefined;
        tally.jobsFinished++;
        jobEndedAt = now;
      } else if (current && tally.jobsStarted % 3 === 0 && p.finished >= 5) {
        // Every third job is reset halfway through, as a long press would.
        daemon.send({ cmd: 'reset' });
        previous = undefined;
        tally.jobsReset++;
        jobEndedAt = now;
      } else if (previous === undefined && now - jobEndedAt >= 2) {
        // The next job two simulated minutes after the last one ended.
        previous = p.jobId;
        daemon.send({ cmd: 'start' });
        tally.jobsStarted++;
      }
      // Every four simulated minutes an agent leaves or one joins, keeping two to five.
      if (Math.floor(now / 4) > period) {
        period = Math.floor(now / 4);
        const agents = cluster.model.registeredAgents();
        if (agents.length > 2 && (period % 2 === 0 || agents.length >= 5)) {
          await cluster.faults.loseAgent(agents[0].id);
          tally.agentsLeft++;
        } else {
          await cluster.addAgent();
          tally.agentsJoined++;
        }
      }
      if (!before && now >= WARM_MINUTES) {
        daemon.send({ cmd: 'gc' });
        before = await daemon.memory();
      }
      if (now >= samples.length * 10) {
        const m = await daemon.memory();
        samples.push(m);
      }
      await sleep(100);
    }
    after = await daemon.memory();
    if (!daemon.alive) throw new Error(`the daemon died (${describeExit(daemon.exited!)})`);
  } finally {
    await daemon.stop();
    await files.close();
    await cluster.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  if (!before) throw new Error('the soak ended before its warm-up');
  const wall = (performance.now() - t0) / 1000;
  const growth = mb(after.rss - before.rss);
  const gcNote = after.gc ? 'after a forced gc (--expose-gc)' : 'no forced gc: node ran without --expose-gc';
  return [
    { section: SECTION, name: 'simulated time', value: SIM_MINUTES, unit: 'min', note: `${speed}x: ${wall.toFixed(0)} s of wall time on one compressed clock` },
    { section: SECTION, name: 'daemon rss at start', value: mb(before.rss), unit: 'MB', note: `after ${WARM_MINUTES} simulated min of warm-up, ${gcNote}` },
    { section: SECTION, name: 'daemon rss at end', value: mb(after.rss), unit: 'MB', note: gcNote },
    { section: SECTION, name: 'daemon rss growth', value: growth, unit: 'MB', note: `target under 5 MB: ${growth < 5 ? 'met' : 'MISSED'}` },
    { section: SECTION, name: 'daemon heap growth', value: mb(after.heapUsed - before.heapUsed), unit: 'MB', note: `heapUsed ${mb(before.heapUsed).toFixed(1)} → ${mb(after.heapUsed).toFixed(1)} MB` },
    { section: SECTION, name: 'daemon rss trend', value: samples.length, unit: 'samples', note: `rss/heapUsed/heapTotal MB every 10 simulated min: ${samples.map((m) => `${mb(m.rss).toFixed(0)}/${mb(m.heapUsed).toFixed(1)}/${mb(m.heapTotal).toFixed(0)}`).join(', ')}` },
    { section: SECTION, name: 'event-loop delay p99', value: after.p99Ms, unit: 'ms', note: `max ${after.maxMs.toFixed(1)} ms, over the last ${SIM_MINUTES - WARM_MINUTES} simulated min` },
    { section: SECTION, name: 'π jobs', value: tally.jobsStarted, unit: 'started', note: `${tally.jobsFinished} finished, ${tally.jobsReset} reset midway, ${JOB.terms} terms each` },
    { section: SECTION, name: 'agents', value: tally.agentsJoined + tally.agentsLeft, unit: 'changes', note: `${tally.agentsJoined} joined, ${tally.agentsLeft} left` },
    { section: SECTION, name: 'I2C transactions to the display', value: daemon.last?.i2cOk ?? 0, unit: 'tx', note: `${daemon.unexpected.length} unexpected errors in the daemon log` },
  ];
}
