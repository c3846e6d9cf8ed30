// Child process of bench/daemon.ts: the daemon's loop (state poller, renderer, an I2C display on the emulated
// bus) against the master named in argv[2], until 100 polls have been answered; then it reports its memory.
import { DEFAULT_CONFIG } from '../src/config';
import { Daemon } from '../src/app/daemon';
import { openDisplay } from '../src/hw/i2c/open';
import { createLogger } from '../src/log';
import { StateClient } from '../src/mesos/state-client';
import { StatePoller } from '../src/mesos/state-poller';
import { EmulatedI2cBus } from '../src/sim/i2c/bus';
import { Ssd1306Model } from '../src/sim/i2c/ssd1306';

const POLLS = 100;

async function main(): Promise<void> {
  const master = process.argv[2];

  const log = createLogger({ journal: false, sink: { write: () => undefined } });
  const bus = new EmulatedI2cBus();
  bus.attach(0x3c, new Ssd1306Model('128x64'));
  const display = openDisplay({ kind: 'ssd1306', logger: log, i2c: bus.promisified() });
  const client = new StateClient({ masters: [master], timeoutMs: 5000, maxBodyBytes: DEFAULT_CONFIG.maxStateBytes });
  let polls = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const source = {
    lastTried: master,
    fetchState: async () => {
      const r = await client.fetchState();
      if (++polls >= POLLS) done();
      return r;
    },
  };
  const poller = new StatePoller({ source, logger: log }, { intervalMs: 20 });
  const daemon = new Daemon({
    log,
    display,
    state: poller,
    host: async () => ({ hostname: 'bench', addresses: ['10.0.0.2'], uptimeSeconds: 1, load1: 0, temperatureC: null }),
    screens: { enabled: ['overview', 'agents', 'frameworks', 'host'], autoCycleSeconds: 1 },
    burnIn: DEFAULT_CONFIG.burnIn,
    version: 'bench',
    tickMs: 50,
  });
  daemon.start();
  await finished;
  global.gc?.();
  const rss = process.memoryUsage().rss;
  await daemon.stop();
  process.send?.({ polls, rss, gc: typeof global.gc === 'function' });
}

main().catch((err: Error) => {
  process.send?.({ error: err.message });
});
