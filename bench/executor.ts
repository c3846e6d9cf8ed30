// Executor start-up and the long-lived-vs-per-task choice measured side by side:
// the bundled executor is spawned with plain node against a minimal agent on loopback that speaks the
// v1 executor API, launches small chunks and acknowledges every update. Then the kept kernel worker: the
// speed of the first large chunks in one executor, each against the third, which shows what a fresh
// worker loses before V8 has the kernel optimised on entry (the reason workers are kept across tasks).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeRecord } from '../src/mesos/recordio';
import { executorBundle } from '../src/pi/executor-bundle';
import type { BenchRow } from './types';

const SECTION = 'executor';
const TASKS = 8;
const CHUNK = JSON.stringify({ start: 0, end: 200_000, kernel: 'fast' });
/** Long enough (about 0.7 s) that V8 runs the whole call in whichever tier it entered. */
const LARGE = 2e8;

interface Agent {
  endpoint: string;
  /** Resolves at the next SUBSCRIBE. */
  subscribed(): Promise<void>;
  /** Launches one task and resolves at its TASK_FINISHED, with the result's data. */
  run(taskId: string, chunk?: string): Promise<string>;
  close(): Promise<void>;
}

async function agent(): Promise<Agent> {
  let stream: ServerResponse | undefined;
  let onSubscribe: (() => void) | undefined;
  const finished = new Map<string, (data: string) => void>();
  const send = (event: object) => stream?.write(encodeRecord(JSON.stringify(event)));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const call = JSON.parse(Buffer.concat(chunks).toString());
      if (call.type === 'SUBSCRIBE') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        stream = res;
        send({ type: 'SUBSCRIBED', subscribed: { agent_info: { hostname: '127.0.0.1', id: { value: 'S0' } } } });
        onSubscribe?.();
        return;
      }
      res.writeHead(202).end();
      const status = call.update?.status;
      if (!status) return;
      send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } });
      if (status.state === 'TASK_FINISHED') finished.get(status.task_id.value)?.(Buffer.from(status.data, 'base64').toString());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    subscribed: () => new Promise<void>((r) => (onSubscribe = r)),
    run: (taskId, chunk = CHUNK) =>
      new Promise<string>((r) => {
        finished.set(taskId, r);
        send({ type: 'LAUNCH', launch: { task: { task_id: { value: taskId }, data: Buffer.from(chunk).toString('base64') } } });
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function start(script: string, a: Agent, idleMs: number): Promise<number | null> {
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    MESOS_AGENT_ENDPOINT: a.endpoint,
    MESOS_FRAMEWORK_ID: 'bench-0000',
    MESOS_EXECUTOR_ID: 'bench-executor',
    MESOS_CHECKPOINT: '0',
    MESOS_PANEL_EXECUTOR_IDLE_MS: String(idleMs),
  };
  const child = spawn(process.execPath, [script], { env, stdio: 'ignore' });
  return new Promise((r) => child.on('close', r));
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-executor-'));
  const script = join(dir, 'executor.js');
  const bundle = executorBundle();
  writeFileSync(script, bundle.bytes);
  const a = await agent();
  try {
    const startups: number[] = [];
    const perTaskStart = performance.now();
    for (let i = 0; i < TASKS; i++) {
      const t0 = performance.now();
      const subscribed = a.subscribed();
      const exited = start(script, a, 0);
      await subscribed;
      startups.push(performance.now() - t0);
      await a.run(`per-task-${i}`);
      await exited;
    }
    const perTaskMs = performance.now() - perTaskStart;

    const longStart = performance.now();
    const subscribed = a.subscribed();
    const exited = start(script, a, 0);
    await subscribed;
    for (let i = 0; i < TASKS; i++) await a.run(`long-lived-${i}`);
    await exited;
    const longMs = performance.now() - longStart;

    // Three large chunks one after another in one executor, so on one kept worker: terms per kernel ms.
    const warmSubscribed = a.subscribed();
    const warmExited = start(script, a, 0);
    await warmSubscribed;
    const speeds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const range = { start: 2e9 + i * LARGE, end: 2e9 + (i + 1) * LARGE };
      const result = JSON.parse(await a.run(`large-${i}`, JSON.stringify({ ...range, kernel: 'precise' }))) as { ms: number };
      speeds.push(LARGE / result.ms);
    }
    await warmExited;

    startups.sort((x, y) => x - y);
    const median = startups[Math.floor(startups.length / 2)];
    const note = `${TASKS} chunks of 2e5 terms (fast), run one after another on loopback`;
    return [
      { section: SECTION, name: 'bundle size', value: bundle.bytes.length, unit: 'bytes' },
      { section: SECTION, name: 'start-up, spawn to SUBSCRIBE (median)', value: Math.round(median), unit: 'ms', note: `${TASKS} spawns of the bundle with plain node` },
      { section: SECTION, name: 'one executor per task', value: Math.round(perTaskMs / TASKS), unit: 'ms/task', note },
      { section: SECTION, name: 'one long-lived executor', value: Math.round(longMs / TASKS), unit: 'ms/task', note },
      ...[0, 1].map((i) => ({
        section: SECTION,
        name: `chunk ${i + 1} ÷ chunk 3 speed on one kept worker`,
        value: Number((speeds[i] / speeds[2]).toFixed(3)),
        unit: 'ratio',
        note: `precise chunks of ${LARGE.toExponential(0)} terms, terms per kernel ms; 1 means the fresh worker's kernel was at full speed (chunk 3: ${Math.round(speeds[2] / 1e3)} M terms/s)`,
      })),
      { section: SECTION, name: 'per-task ÷ long-lived time', value: Number((perTaskMs / longMs).toFixed(2)), unit: 'ratio', note: 'above 1: the long-lived executor is faster' },
    ];
  } finally {
    await a.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
