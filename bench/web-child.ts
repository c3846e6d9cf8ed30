// Child process of bench/web.ts: the panel as `run` starts it (startPanel, the π framework on its HTTP server,
// an SSD1306 on the emulated I2C bus) against the master in argv[2]. argv[3] is "pi" (a π job runs, every
// screen cycles) or "overview" (no job, the overview alone: a frame changes only when the cluster does).
// It reports its port, then on each "measure" message its CPU time, event-loop delay and memory over a window.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startPanel } from '../src/app/panel-host';
import { startPi } from '../src/app/pi-host';
import { DEFAULT_CONFIG, resolveConfig } from '../src/config';
import { NoneBackend } from '../src/hw/button/backend';
import { openDisplay } from '../src/hw/i2c/open';
import { createLogger } from '../src/log';
import { EmulatedI2cBus } from '../src/sim/i2c/bus';
import { Ssd1306Model } from '../src/sim/i2c/ssd1306';

async function main(): Promise<void> {
  const [master, mode] = process.argv.slice(2);
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesos-panel-bench-web-'));
  const log = createLogger({ journal: false, sink: { write: () => undefined } });
  const pi = mode === 'pi';
  const config = resolveConfig([
    {
      source: 'bench',
      values: {
        masters: [master],
        pollIntervalMs: 1000,
        stateDir,
        http: { bind: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1' },
        screens: pi ? { enabled: ['pi'], autoCycleSeconds: 0 } : { enabled: ['overview'], autoCycleSeconds: 0 },
        pi: { ...DEFAULT_CONFIG.pi, terms: 1e13, autoStart: pi, taskCpus: 1, nodePath: process.execPath, user: os.userInfo().username },
      },
    },
  ]);
  const bus = new EmulatedI2cBus();
  bus.attach(0x3c, new Ssd1306Model('128x64'));
  const host = await startPanel({
    config,
    log,
    display: openDisplay({ kind: 'ssd1306', logger: log, i2c: bus.promisified() }),
    button: new NoneBackend(),
    pi: pi ? (http) => startPi({ config, log, http }) : undefined,
  });
  process.on('message', (m: { measure?: number; stop?: boolean }) => {
    if (m.stop) {
      void host.stop().then(() => {
        fs.rmSync(stateDir, { recursive: true, force: true });
        process.exit(0);
      });
      return;
    }
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    setTimeout(() => {
      const used = process.cpuUsage(cpu);
      const wall = performance.now() - started;
      loop.disable();
      global.gc?.();
      process.send?.({ cpuPercent: ((used.user + used.system) / 1000 / wall) * 100, rss: process.memoryUsage().rss, loopP99Ms: loop.percentile(99) / 1e6, clients: host.web.streams.size });
    }, (m.measure ?? 10) * 1000);
  });
  process.send?.({ port: host.http.port });
}

main().catch((err: Error) => process.send?.({ error: err.message }));
