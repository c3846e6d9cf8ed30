// /health as a monitor sees it: the daemon's own panel (startPanel with the π job's file server) against the
// simulated master, over real HTTP on loopback. 200 while a master answers; 503 once none has for a while.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveConfig, type Config } from '../../src/config';
import { panelHealth, staleAfterMs } from '../../src/app/health';
import { memoryLogger } from '../../src/log';
import type { PanelModel } from '../../src/panel/model';
import { startPanel, type PanelHost } from '../../src/app/panel-host';
import { startPi, type PiHost } from '../../src/app/pi-host';
import { startSimCluster, type SimCluster } from '../../src/sim';
import { openDisplay } from '../../src/hw/i2c/open';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { checkerboard, pixels } from '../../src/sim/i2c/synthetic';

const bytes = Buffer.from('// a stand-in executor: no job runs in these tests\n');
const bundle = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('/health of the running panel', () => {
  let dir: string;
  let cluster: SimCluster;
  let pi: PiHost;
  let host: PanelHost;
  let config: Config;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-health-'));
    cluster = await startSimCluster({ agents: 2, seed: 5, background: false });
    config = resolveConfig([
      {
        source: 'test',
        values: {
          masters: [cluster.url],
          pollIntervalMs: 500,
          requestTimeoutMs: 300,
          display: { kind: 'none' },
          button: { backend: 'none' },
          http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
          stateDir: dir,
          pi: { nodePath: process.execPath },
        },
      },
    ]);
    const log = memoryLogger();
    pi = await startPi({ config, log, bundle });
    host = await startPanel({ config, log, pi });
  });

  afterAll(async () => {
    await host?.stop();
    await cluster?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${pi.files.port}/health`);
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, any> };
  };

  it('answers 200 with the master that answered, the display and the π job, then 503 when no master answers', async () => {
    await waitFor('a first answer from the master', () => host.daemon.model().source.ok);
    const up = await health();
    expect(up.status).toBe(200);
    expect(up.type).toBe('application/json; charset=utf-8');
    expect(up.body.status).toBe('ok');
    expect(up.body.master).toMatchObject({ answeredRecently: true, url: cluster.url, leader: `127.0.0.1:${cluster.port}`, downSince: null, lastError: null });
    expect(Date.now() - Date.parse(up.body.master.lastAnswerAt)).toBeLessThan(60_000);
    expect(up.body.display).toEqual({ name: 'none', level: 'normal', problem: null });
    expect(up.body.pi).toMatchObject({ state: 'idle' });
    expect(up.body.executor).toEqual({ sha256: bundle.sha256 });

    await cluster.close();
    await waitFor('503 from /health', async () => (await health()).status === 503);
    const down = await health();
    expect(down.body.status).toBe('failing');
    expect(down.body.master.answeredRecently).toBe(false);
    expect(Date.parse(down.body.master.lastAnswerAt)).toBeGreaterThanOrEqual(Date.parse(up.body.master.lastAnswerAt));
    expect(down.body.master.secondsSinceAnswer).toBeGreaterThanOrEqual(1);
    expect(down.body.master.lastError).toMatch(/cannot reach/);
    expect(down.body.master.downSince).not.toBeNull();
  });
});

describe('panelHealth', () => {
  const model = (snapshotAt: number | null, now: number): PanelModel =>
    ({ now, snapshot: null, snapshotAt, source: { master: 'http://m:5050', ok: snapshotAt !== null, downSince: null, lastError: null }, pi: null }) as unknown as PanelModel;
  const display = { name: 'ssd1306', level: 'off' as const, problem: 'I2C: no device at 0x3c; check the wiring' };

  it('is ok only while the last answer is younger than three polls with their timeouts', () => {
    const stale = staleAfterMs({ pollIntervalMs: 5000, requestTimeoutMs: 5000 });
    expect(stale).toBe(30_000);
    expect(panelHealth(model(1000, 1000 + stale), display, stale).ok).toBe(true);
    expect(panelHealth(model(1000, 1001 + stale), display, stale).ok).toBe(false);
    expect(panelHealth(model(null, 5), display, stale)).toMatchObject({ ok: false, report: { master: { lastAnswerAt: null, secondsSinceAnswer: null }, display, pi: null } });
  });
});

describe('the display in /health', () => {
  it('an unplugged I2C display reports why frames do not reach it, and null once it answers again', async () => {
    const bus = new EmulatedI2cBus();
    bus.attach(0x3c, new Ssd1306Model('128x64'));
    const display = openDisplay({ kind: 'ssd1306', size: '128x64', logger: memoryLogger(), i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 4 } });
    try {
      display.show(pixels(checkerboard(128, 64)));
      await display.idle();
      expect(display.problem?.()).toBeNull();
      bus.unplug(0x3c);
      display.show(pixels(checkerboard(128, 64, 2)));
      await waitFor('the lost device', () => display.problem?.() != null);
      expect(display.problem?.()).toMatch(/nothing answers at 0x3c on \/dev\/i2c-1/);
      bus.plug(0x3c);
      await display.idle();
      expect(display.problem?.()).toBeNull();
    } finally {
      await display.close('keep');
    }
  });
});
