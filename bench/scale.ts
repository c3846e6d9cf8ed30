// The state source at cluster scale: polling /state every 5 s against following the master's event stream, side
// by side on the same simulated clusters of 10, 100, 1,000 and 5,000 agents with ten running tasks each (the
// simulator's model behind a simulated master: the real /state and GET_STATE shapes), under steady churn (ten task
// replacements a second) plus one more running task every second, which the overview shows. The daemon runs as a
// child process; for each source and size it reports CPU seconds per minute, its largest resident memory (in the
// window, and since it started: the start-up reads of the whole cluster are its peak), the
// time from a change to the first frame showing it (p50, p99), and the bytes it read from the master per minute.
// The child runs with the service's environment (systemd/mesos-panel.service). The stream's figures include its
// refresh (/state-summary, GET_MASTER and /metrics/snapshot), measured once and counted at its rate (once a minute). A third run, `idle`, reads /state once and
// then draws the same frames from it: the daemon's own cost (drawing four frames a second, timers, the runtime),
// which both sources pay; the sources' costs are compared above it as well. A fourth, `reader`, is idle plus the
// event stream read and its records dropped: what reading the events costs, apart from using them.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ClusterModel } from '../src/sim/cluster-model';
import { type SimFramework } from '../src/sim/cluster-entities';
import { SimMaster } from '../src/sim/master-http';
import { OperatorApi } from '../src/sim/operator-api';
import { seededRng, systemClock } from '../src/sim/random';
import type { ScaleReport } from './scale-child';
import type { BenchRow } from './types';
import { DEFAULT_CONFIG } from '../src/config';

const SIZES = (process.env.SCALE_SIZES ?? '10,100,1000,5000').split(',').map(Number);
const WINDOW_MS = Number(process.env.SCALE_WINDOW_MS ?? 20_000);
const TASKS_PER_AGENT = 10;
const CHURN_EVERY_MS = 100;
const STEP_EVERY_MS = 1000;

interface Cluster {
  model: ClusterModel;
  master: SimMaster;
  operator: OperatorApi;
  fw: SimFramework;
  seq: number;
}

function launch(c: Cluster, agentId: string): void {
  const id = `t-${c.seq++}`;
  const task = { id, name: id, frameworkId: c.fw.id, executorId: '', agentId, state: 'TASK_STAGING', resources: { cpus: 0.1, mem: 32, disk: 0, gpus: 0, ports: [] }, statuses: [] };
  c.fw.tasks.set(id, task);
  c.model.setTaskState(task, 'TASK_RUNNING');
}

async function cluster(agents: number): Promise<Cluster> {
  const model = new ClusterModel({ clock: systemClock, rng: seededRng(agents) });
  const fw = model.addFramework({ name: 'load', user: 'root' });
  const operator = new OperatorApi(model, { syncMs: 50 });
  const c: Cluster = { model, master: await SimMaster.start({ model, operator }), operator, fw, seq: 0 };
  for (let i = 0; i < agents; i++) {
    const a = model.addAgent({ hostname: `agent-${i}`, cpus: 4, mem: 4096 });
    for (let t = 0; t < TASKS_PER_AGENT; t++) launch(c, a.id);
  }
  operator.sync();
  return c;
}

/**
 * The environment the service gives the daemon (its unit's Environment= lines: the malloc arena and V8 young
 * generation caps), so the memory measured is the memory the service would use.
 */
function serviceEnv(): NodeJS.ProcessEnv {
  const unit = readFileSync(path.join(__dirname, '../../systemd/mesos-panel.service'), 'utf8');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const m of unit.matchAll(/^Environment=(\w+)=(.*)$/gm)) env[m[1]] = m[2];
  return env;
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

type Mode = 'idle' | 'reader' | 'poll' | 'stream';

interface Measured extends ScaleReport {
  latencies: number[];
}

async function measure(c: Cluster, mode: Mode): Promise<Measured> {
  const child = fork(path.join(__dirname, 'scale-child.js'), [mode, c.master.url], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: serviceEnv(), execArgv: ['--expose-gc'] });
  try {
    const message = (want: (m: unknown) => boolean) =>
      new Promise<unknown>((resolve, reject) => {
        const onMessage = (m: unknown) => {
          if (typeof m === 'object' && m !== null && 'error' in m) reject(new Error(String((m as { error: unknown }).error)));
          else if (want(m)) {
            child.off('message', onMessage);
            resolve(m);
          }
        };
        child.on('message', onMessage);
        child.once('exit', (code) => reject(new Error(`${mode} child exited with ${code}`)));
      });
    await message((m) => m === 'ready');
    const agents = [...c.model.agents.keys()];
    const steps: [number, number][] = [];
    const running = () => [...c.fw.tasks.values()].filter((t) => t.state === 'TASK_RUNNING').length;
    child.send('go');
    const churn = setInterval(() => {
      const [first] = c.fw.tasks.values();
      c.model.setTaskState(first, 'TASK_FINISHED');
      c.model.completeTask(first);
      launch(c, first.agentId);
    }, CHURN_EVERY_MS);
    const step = setInterval(() => {
      launch(c, agents[c.seq % agents.length]);
      steps.push([Date.now(), running()]);
    }, STEP_EVERY_MS);
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    clearInterval(churn);
    clearInterval(step);
    const done = message((m) => typeof m === 'object' && m !== null && 'cpuMs' in m);
    child.send('stop');
    const report = (await done) as ScaleReport;
    const latencies = steps
      .map(([at, want]) => report.frames.find(([t, shown]) => t >= at && shown >= want))
      .map((f, i) => (f ? f[0] - steps[i][0] : NaN))
      .filter((x) => Number.isFinite(x))
      .sort((a, b) => a - b);
    return { ...report, latencies };
  } finally {
    child.kill();
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const perMinute = (x: number) => (x * 60_000) / WINDOW_MS;
  const refreshesPerMinute = 60 / DEFAULT_CONFIG.stateRefreshSeconds;
  const rss = (r: ScaleReport) => `${Math.round(r.rssMaxBytes / 2 ** 20)}; ${Math.round(r.rssPeakBytes / 2 ** 20)}`;
  for (const size of SIZES) {
    const c = await cluster(size);
    try {
      const results: Partial<Record<Mode, Measured>> = {};
      for (const mode of ['idle', 'reader', 'poll', 'stream'] as const) results[mode] = await measure(c, mode);
      const { idle, reader, poll, stream } = results as Record<Mode, Measured>;
      const cpu = (r: ScaleReport) => perMinute(r.cpuMs / 1000) + (r.refresh ? (r.refresh.cpuMs / 1000) * refreshesPerMinute : 0);
      const bytes = (r: ScaleReport) => perMinute(r.bytes) + (r.refresh ? r.refresh.bytes * refreshesPerMinute : 0);
      const section = `scale ${size} agents`;
      rows.push(
        { section, name: 'idle: daemon CPU', value: cpu(idle), unit: 's/min', note: '/state read once, the same frames drawn' },
        { section, name: 'idle: resident memory, window; peak', value: rss(idle), unit: 'MB', note: 'largest in the window; since start' },
        { section, name: 'reader: daemon CPU', value: cpu(reader), unit: 's/min', note: 'idle + the event stream read, records dropped' },
      );
      for (const [mode, r] of [['poll', poll], ['stream', stream]] as const) {
        rows.push(
          { section, name: `${mode}: daemon CPU`, value: cpu(r), unit: 's/min' },
          { section, name: `${mode}: resident memory, window; peak`, value: rss(r), unit: 'MB' },
          { section, name: `${mode}: change to frame p50; p99`, value: `${Math.round(pct(r.latencies, 50))}; ${Math.round(pct(r.latencies, 99))}`, unit: 'ms', note: `${r.latencies.length} changes` },
          { section, name: `${mode}: read from the master`, value: bytes(r) / (1024 * 1024), unit: 'MB/min' },
        );
      }
      rows.push(
        { section, name: 'stream: of which the refresh', value: ((stream.refresh?.cpuMs ?? 0) / 1000) * refreshesPerMinute, unit: 's/min', note: `once every ${DEFAULT_CONFIG.stateRefreshSeconds} s` },
        { section, name: 'stream: one refresh read', value: (stream.refresh?.bytes ?? 0) / 1024, unit: 'kB', note: '/state-summary, GET_MASTER, /metrics/snapshot' },
      );
      const aboveIdle = (r: ScaleReport) => Math.max(0, cpu(r) - cpu(idle));
      rows.push(
        { section, name: 'stream CPU ÷ poll CPU', value: cpu(stream) / cpu(poll), unit: '', note: 'target ≤ 0.1 at 1,000 agents' },
        { section, name: 'the same above idle', value: aboveIdle(stream) / aboveIdle(poll), unit: '', note: 'what each source adds to the daemon' },
        { section, name: "the stream's reader ÷ the stream, above idle", value: aboveIdle(reader) / aboveIdle(stream), unit: '', note: 'the share of reading the events' },
      );
    } finally {
      c.operator.close();
      await c.master.close();
    }
  }
  return rows;
}
