// /metrics from a running panel against the simulated cluster with a real π job: the exposition parses
// strictly, and its figures are those of `status --json` and of the job's own ledger.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { startPi, type PiHost } from '../../src/app/pi-host';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/config';
import { NoneBackend } from '../../src/hw/button/backend';
import { openDisplay } from '../../src/hw/i2c/open';
import { memoryLogger } from '../../src/log';
import { geometryOf } from '../../src/panel/frame';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { buildExecutorBundle } from '../pi/executor-harness';
import { RecordingDisplay, waitFor } from './harness';
import { parseExposition, sample, type Exposition } from './prom-text';

let cluster: SimCluster;
let host: PanelHost;
let piHost: PiHost | undefined;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-metrics-'));
  const bytes = fs.readFileSync(buildExecutorBundle(path.join(dir, 'build')));
  const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  cluster = await startSimCluster({ agents: 2, seed: 5, background: false });
  const config = resolveConfig([
    {
      source: 'test',
      values: {
        masters: [cluster.url],
        // The poll figures are what this test reads, so the panel polls rather than follows the event stream.
        stateSource: 'poll',
        pollIntervalMs: 500,
        stateDir: path.join(dir, 'state'),
        http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
        pi: { ...DEFAULT_CONFIG.pi, terms: 4e7, autoStart: true, taskCpus: 1, nodePath: process.execPath, user: os.userInfo().username },
      },
    },
  ]);
  fs.mkdirSync(config.stateDir);
  const log = memoryLogger();
  host = await startPanel({
    config,
    log,
    display: new RecordingDisplay(geometryOf('128x64')),
    button: new NoneBackend(),
    pi: async (http) => (piHost = await startPi({ config, log, http, bundle })),
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await cluster?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function scrape(): Promise<Exposition> {
  const res = await fetch(`http://127.0.0.1:${host.http.port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

async function statusJson(): Promise<Record<string, any>> {
  let out = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  try {
    expect(await main(['node', 'mesos-panel', 'status', '--master', cluster.url, '--json'])).toBe(0);
  } finally {
    o.mockRestore();
  }
  return JSON.parse(out);
}

/** The cluster as /metrics has it, in status --json's shape. */
function clusterOf(e: Exposition): Record<string, unknown> {
  const resource = (name: string) => Object.fromEntries(['total', 'used', 'offered', 'free'].map((kind) => [kind, sample(e, 'mesos_panel_cluster_resource', { resource: name, kind })]));
  const leader = e.samples.find((s) => s.name === 'mesos_panel_cluster_leader_info')!;
  return {
    leader: leader.labels.leader,
    version: leader.labels.version,
    agents: Object.fromEntries(['active', 'inactive', 'unreachable'].map((state) => [state, sample(e, 'mesos_panel_cluster_agents', { state })])),
    cpus: resource('cpus'),
    mem: resource('mem'),
    disk: resource('disk'),
    gpus: resource('gpus'),
    frameworks: { active: sample(e, 'mesos_panel_cluster_frameworks'), registered: sample(e, 'mesos_panel_cluster_frameworks_registered') },
    tasks: Object.fromEntries(e.samples.filter((s) => s.name === 'mesos_panel_cluster_tasks').map((s) => [s.labels.state, s.value])),
  };
}

test('the π job in /metrics is the ledger: terms, task outcomes, certified digits', async () => {
  await waitFor('the π job to finish', () => host.daemon.model().pi?.state === 'done', 60_000);
  const e = await scrape();
  const view = host.daemon.model().pi!;
  const counters = piHost!.service.job!.counters;
  expect(sample(e, 'mesos_panel_pi_job_state', { state: 'done' })).toBe(1);
  expect(sample(e, 'mesos_panel_pi_terms_done')).toBe(4e7);
  expect(sample(e, 'mesos_panel_pi_terms_planned')).toBe(4e7);
  expect(sample(e, 'mesos_panel_pi_certified_digits', { estimate: 'raw' })).toBe(view.rawDigits.length - 2);
  expect(sample(e, 'mesos_panel_pi_certified_digits', { estimate: 'corrected' })).toBe(view.correctedDigits.length - 2);
  expect(sample(e, 'mesos_panel_pi_certified_digits', { estimate: 'corrected' })).toBeGreaterThan(10);
  for (const outcome of ['launched', 'finished', 'failed', 'lost', 'retried'] as const) {
    expect(sample(e, 'mesos_panel_pi_tasks', { outcome })).toBe(counters[outcome]);
  }
  expect(counters.finished).toBeGreaterThan(0);
  expect(e.types.get('mesos_panel_pi_tasks')).toBe('counter');
}, 70_000);

test('the cluster in /metrics equals status --json, and the panel reports its polls and the event loop', async () => {
  let last: [unknown, unknown] = [null, null];
  await waitFor(
    '/metrics and status --json to agree',
    async () => {
      const [e, s] = [await scrape(), await statusJson()];
      last = [clusterOf(e), s];
      return JSON.stringify(last[0]) === JSON.stringify(last[1]);
    },
    20_000,
  ).catch(() => expect(last[0]).toEqual(last[1]));
  const e = await scrape();
  expect(sample(e, 'mesos_panel_master_up')).toBe(1);
  expect(sample(e, 'mesos_panel_snapshot_age_seconds')).toBeLessThan(5);
  expect(sample(e, 'mesos_panel_poll_duration_seconds_count')).toBeGreaterThan(0);
  expect(e.types.get('mesos_panel_poll_duration_seconds')).toBe('histogram');
  expect(sample(e, 'mesos_panel_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  expect(sample(e, 'mesos_panel_button_presses')).toBe(0);
  host.daemon.act({ type: 'next' });
  expect(sample(await scrape(), 'mesos_panel_button_presses')).toBe(1);
  expect(sample(e, 'mesos_panel_web_clients')).toBe(0);
});

test('a display on I2C reports its bytes, errors and re-inits: an unplug counts, a replug is one re-init', async () => {
  const bus = new EmulatedI2cBus();
  bus.attach(0x3c, new Ssd1306Model('128x64'));
  const log = memoryLogger();
  const display = openDisplay({ kind: 'ssd1306', size: '128x64', logger: log, i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 4 } });
  const config = resolveConfig([{ source: 'test', values: { masters: [cluster.url], stateSource: 'poll', stateDir: path.join(dir, 'state-i2c'), http: { bind: '127.0.0.1', port: 0 } } }]);
  const panel = await startPanel({ config, log, display, button: new NoneBackend() });
  try {
    const scrapeIt = async () => parseExposition(await (await fetch(`http://127.0.0.1:${panel.http.port}/metrics`)).text());
    await display.idle();
    let e = await scrapeIt();
    expect(sample(e, 'mesos_panel_i2c_bytes_written')).toBe(display.sent.bytes);
    expect(sample(e, 'mesos_panel_i2c_bytes_written')).toBeGreaterThan(1024);
    expect(sample(e, 'mesos_panel_display_errors')).toBe(0);
    expect(sample(e, 'mesos_panel_display_reinits')).toBe(0);
    expect(e.types.get('mesos_panel_display_errors')).toBe('counter');

    bus.unplug(0x3c);
    panel.daemon.act({ type: 'next' });
    await waitFor('three failed writes', () => bus.log.filter((t) => t.error).length >= 3);
    e = await scrapeIt();
    expect(sample(e, 'mesos_panel_display_errors')).toBeGreaterThanOrEqual(3);
    expect(sample(e, 'mesos_panel_display_reinits')).toBe(0);

    bus.plug(0x3c);
    await waitFor('the display to answer again', () => display.faults.reinits === 1);
    await display.idle();
    e = await scrapeIt();
    expect(sample(e, 'mesos_panel_display_errors')).toBe(bus.log.filter((t) => t.error).length);
    expect(sample(e, 'mesos_panel_display_reinits')).toBe(1);
  } finally {
    await panel.stop();
  }
});
