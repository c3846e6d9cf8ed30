import * as path from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONFIG, type Config } from '../config';
import { SystemdNotifier } from '../hw/notify';
import { stopReason } from '../hw/system-state';
import { createLogger, type Logger } from '../log';
import { intOption } from './options';
import { startPi } from '../app/pi-host';
import type { CommandContext } from './context';
import { startPanel, type PanelHost } from '../app/panel-host';
import { ALL_DISPLAY_KINDS, orList } from '../hw/display-kinds';

/**
 * Keeps a long-running process alive through the unexpected: a stray rejection or exception is logged as one
 * line and the loop goes on (systemd's Restart=always is the second line of defence, not the first).
 */
export function guardProcess(log: Logger): void {
  process.on('unhandledRejection', (reason) => log.error(`unexpected: ${reason instanceof Error ? reason.message : String(reason)}`));
  process.on('uncaughtException', (err) => log.error(`unexpected: ${err.message}`));
}

/** Resolves when SIGTERM or SIGINT arrives, after the panel has stopped and left the display as it should. */
export function stopOnSignals(host: PanelHost, log: Logger, leaveOnTerm: () => Promise<'blank' | 'halted'> = async () => 'blank'): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info(`stopping on ${signal}`);
      void (signal === 'SIGTERM' ? leaveOnTerm() : Promise.resolve<'blank'>('blank'))
        .catch(() => 'blank' as const)
        .then((leave) => host.stop(leave))
        .finally(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

interface RunFlags {
  master?: string[];
  display?: string;
  size?: string;
  png?: string;
  scale?: string;
  pollInterval?: string;
  debug?: boolean;
}

/** The command line as a config layer; its values are checked with the rest, naming "command line" as their source. */
function runFlags(o: RunFlags): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (o.master) flags.masters = o.master;
  const display = { ...(o.display ? { kind: o.display } : {}), ...(o.size ? { size: o.size } : {}), ...(o.png ? { pngFile: path.resolve(o.png) } : {}) };
  if (Object.keys(display).length > 0) flags.display = display;
  if (o.pollInterval !== undefined) flags.pollIntervalMs = Number.isNaN(Number(o.pollInterval)) ? o.pollInterval : Number(o.pollInterval);
  if (o.debug) flags.log = { debug: true };
  return flags;
}

/** Where the png display writes by default when no service manager runs us: the folder the user is in. */
const LOCAL_PNG_FILE = 'mesos-panel.png';

/**
 * The default display.pngFile, /run/mesos-panel/panel.png, is the service's RuntimeDirectory: it exists only under
 * systemd (which sets INVOCATION_ID for every unit it starts). Run by hand, the picture goes where the user is.
 */
function withPngWhereReadable(config: Config): Config {
  const d = config.display;
  if (d.kind !== 'png' || d.pngFile !== DEFAULT_CONFIG.display.pngFile || process.env.INVOCATION_ID) return config;
  return { ...config, display: { ...d, pngFile: path.resolve(LOCAL_PNG_FILE) } };
}

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('the daemon: poll the master, drive the display and the button (use --config FILE)')
    .option('--master <url...>', 'master URLs, overriding masters in the config')
    .option('--display <kind>', `display.kind: ${orList(ALL_DISPLAY_KINDS)}`)
    .option('--size <WxH>', 'display.size: 128x64, 128x32, 20x4 or 16x2')
    .option('--png <file>', `display.pngFile, where display png writes (default: ./${LOCAL_PNG_FILE}, or /run/mesos-panel/panel.png under systemd)`)
    .option('--scale <k>', 'with display png: picture pixels per display pixel', '1')
    .option('--poll-interval <ms>', 'pollIntervalMs')
    .option('--debug', 'log debug lines too')
    .action(async (opts: RunFlags) => {
      const pngScale = intOption('--scale', opts.scale ?? '1', 1, 32);
      const config = withPngWhereReadable(ctx.config(runFlags(opts)));
      const log = config.log.debug ? createLogger({ debug: true }) : ctx.log;
      guardProcess(log);
      const notifier = new SystemdNotifier({ logger: log.child('systemd') });
      let lastProgress: number | null = null;
      let ready = false;
      const host = await startPanel({
        config,
        log,
        pi: await startPi({ config, log }),
        pngScale,
        onProgress: () => {
          lastProgress = performance.now();
          if (!ready) {
            ready = true;
            void notifier.ready(`showing ${config.masters.join(', ')}`);
          }
        },
      });
      notifier.startWatchdog(() => lastProgress);
      await stopOnSignals(host, log, async () => {
        void notifier.stopping();
        // At system shutdown the 3V3 rail often stays up: leave "halted" on the glass rather than a dark mystery.
        const reason = await stopReason();
        return reason.kind === 'system-shutdown' ? 'halted' : 'blank';
      });
    });
}
