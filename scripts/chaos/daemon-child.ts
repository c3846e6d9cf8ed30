// The daemon as a real process for chaos runs and the soak: the π service with a stateDir, the daemon loop
// drawing to an SSD1306 on an emulated I2C bus, the operator event stream of the simulated masters (stateSource
// "stream", its /state refresh made short so that a run sees several), and the button
// through the gpiomon backend whose gpiomon is a real child process. It is the `run` command's wiring with
// the hardware swapped for its emulators, so that a controller can break each piece from outside:
// commands arrive as JSON lines on stdin, progress leaves as JSON lines on stdout, the log goes to stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { guardProcess } from '../../src/commands/run';
import { DEFAULT_CONFIG } from '../../src/config';
import { Daemon } from '../../src/app/daemon';
import { openButton } from '../../src/hw/button/select';
import { openDisplay } from '../../src/hw/i2c/open';
import { createLogger } from '../../src/log';
import { OperatorSource } from '../../src/mesos/operator-source';
import { PiService } from '../../src/pi/service';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { compressedClock, type ChildCommand, type ChildOptions, type ChildReport } from './protocol';

const OLED = 0x3c;
const GPIOMON_STAND_IN = "process.stdin.on('end', () => process.exit(0)).resume()";

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2]) as ChildOptions;
  const log = createLogger({ journal: false, sink: { write: (line) => process.stderr.write(line) } });
  // As `run` does: a stray exception is logged as "unexpected: …" and the daemon goes on. The controller
  // counts those lines as failures, so a bug cannot hide behind the guard.
  guardProcess(log);
  const now = o.clock ? compressedClock(o.clock) : Date.now;

  const bus = new EmulatedI2cBus();
  bus.attach(OLED, new Ssd1306Model('128x64'));
  const display = openDisplay({ kind: 'ssd1306', i2c: bus.promisified(), logger: log.child('display'), backoff: { initialMs: 20, maxMs: 200 } });

  let gpiomon: ChildProcess | undefined;
  const button = await openButton({
    kind: 'gpiomon',
    pin: 17,
    logger: log,
    gpiomon: {
      options: { chip: 'gpiochip0', settleMs: 50 },
      deps: {
        run: async () => ({ code: 0, stdout: 'gpiomon (libgpiod) v1.6.3\n', stderr: '' }),
        // A long-lived process standing in for gpiomon v1: silent until an edge, like the real one. The schedule
        // SIGKILLs this daemon, and under systemd its control group then takes gpiomon along (KillMode=mixed);
        // here the stand-in ends when its stdin closes, which happens when this process dies however it dies.
        spawn: () => (gpiomon = spawn(process.execPath, ['-e', GPIOMON_STAND_IN], { stdio: ['pipe', 'pipe', 'pipe'] })),
      },
    },
  });

  const service = new PiService({ ...o.service, logger: log.child('pi'), now });
  // As pi-host.ts wires the long press with pi.digits set, less the plan: the controller gives the spec.
  const start = (): void => (o.digits ? service.startDigits(o.digits) : service.start());
  const state = new OperatorSource({
    masters: o.service.masters,
    mode: 'stream',
    timeoutMs: 2000,
    maxStateBytes: DEFAULT_CONFIG.maxStateBytes,
    refreshMs: o.state.refreshMs,
    pollIntervalMs: o.state.pollMs,
    logger: log.child('state'),
    now,
    // As the scheduler client's here: a reconnect in a fraction of a second, so faults come and go within a job.
    backoffMinMs: o.service.client?.backoffMinMs,
    backoffMaxMs: o.service.client?.backoffMaxMs,
  });
  const daemon = new Daemon({
    log,
    display,
    state,
    host: async () => ({ hostname: 'chaos', addresses: ['127.0.0.1'], uptimeSeconds: Math.round(process.uptime()), load1: 0, temperatureC: null }),
    pi: { view: (t) => service.view(t), start, reset: () => service.reset(), stop: () => service.stop() },
    button,
    screens: { enabled: ['overview', 'pi'], autoCycleSeconds: 2 },
    burnIn: DEFAULT_CONFIG.burnIn,
    version: 'chaos',
    now,
    tickMs: o.tickMs,
  });
  await service.open();
  // A saved job not yet certified is owed: whatever starts next must go on with it, not begin another.
  const loaded = service.job;
  const owed = loaded && loaded.final?.kind !== 'certified' ? loaded.jobId : null;
  daemon.start();
  if (o.autoStart) start();

  const delay = monitorEventLoopDelay({ resolution: 10 });
  const counts = { tx: 0, txFailed: 0 };
  const report = (): ChildReport => {
    // The bus keeps a trace of every transaction; a long run must not keep it.
    for (const t of bus.log) t.error ? counts.txFailed++ : counts.tx++;
    bus.log.length = 0;
    const l = service.job;
    return {
      type: 'progress',
      jobId: l?.jobId ?? null,
      owed,
      finished: l?.counters.finished ?? 0,
      running: l?.runningCount() ?? 0,
      done: l?.isDone() ?? false,
      final: l?.final?.kind ?? null,
      subscribed: service.connection.phase === 'subscribed',
      i2cOk: counts.tx,
      i2cFailed: counts.txFailed,
      buttonAlive: gpiomon !== undefined && gpiomon.exitCode === null && gpiomon.signalCode === null,
    };
  };
  const send = (r: ChildReport) => process.stdout.write(`${JSON.stringify(r)}\n`);
  const timer = setInterval(() => send(report()), o.reportMs);

  const handle = async (c: ChildCommand): Promise<void> => {
    switch (c.cmd) {
      case 'nack':
        return bus.nackFor(c.ms);
      case 'unplug':
        return bus.unplug(OLED);
      case 'plug':
        return bus.plug(OLED);
      case 'button-exit':
        gpiomon?.kill('SIGKILL');
        return;
      case 'start':
        return daemon.act({ type: 'start' });
      case 'reset':
        return daemon.act({ type: 'reset' });
      case 'gc':
        (globalThis as { gc?: () => void }).gc?.();
        delay.reset();
        delay.enable();
        return;
      case 'memory': {
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        send({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, gc: typeof (globalThis as { gc?: unknown }).gc === 'function', p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 });
        return;
      }
      case 'snapshot': {
        const v = state.current();
        send({ type: 'snapshot', snapshot: v.snapshot, status: v.status });
        return;
      }
      case 'stop':
        clearInterval(timer);
        await daemon.stop();
        send(report());
        process.exit(0);
    }
  };
  createInterface({ input: process.stdin }).on('line', (line) => {
    handle(JSON.parse(line) as ChildCommand).catch((err: Error) => log.error(`unexpected: command ${line}: ${err.message}`));
  });
}

main().catch((err: Error) => {
  process.stderr.write(`daemon child: ${err.message}\n`);
  process.exit(3);
});
