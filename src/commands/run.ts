import type { Command } from 'commander';
import { SystemdNotifier } from '../hw/notify';
import { stopReason } from '../hw/system-state';
import { createLogger, type Logger } from '../log';
import { startPi } from './pi';
import type { CommandContext } from './context';
import { startPanel, type PanelHost } from './panel-host';
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
  pollInterval?: string;
  debug?: boolean;
}

/** The command line as a config layer; its values are checked with the rest, naming "command line" as their source. */
function runFlags(o: RunFlags): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  if (o.master) flags.masters = o.master;
  if (o.display || o.size) flags.display = { ...(o.display ? { kind: o.display } : {}), ...(o.size ? { size: o.size } : {}) };
  if (o.pollInterval !== undefined) flags.pollIntervalMs = Number.isNaN(Number(o.pollInterval)) ? o.pollInterval : Number(o.pollInterval);
  if (o.debug) flags.log = { debug: true };
  return flags;
}

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('the daemon: poll the master, drive the display and the button (use --config FILE)')
    .option('--master <url...>', 'master URLs, overriding masters in the config')
    .option('--display <kind>', `display.kind: ${orList(ALL_DISPLAY_KINDS)}`)
    .option('--size <WxH>', 'display.size: 128x64, 128x32, 20x4 or 16x2')
    .option('--poll-interval <ms>', 'pollIntervalMs')
    .option('--debug', 'log debug lines too')
    .action(async (opts: RunFlags) => {
      const config = ctx.config(runFlags(opts));
      const log = config.log.debug ? createLogger({ debug: true }) : ctx.log;
      guardProcess(log);
      const notifier = new SystemdNotifier({ logger: log.child('systemd') });
      let lastProgress: number | null = null;
      let ready = false;
      const host = await startPanel({
        config,
        log,
        pi: (http) => startPi({ config, log, http }),
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
