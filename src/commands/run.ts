import type { Command } from 'commander';
import { SystemdNotifier } from '../hw/notify';
import { stopReason } from '../hw/system-state';
import type { Logger } from '../log';
import { startPi } from './pi';
import type { CommandContext } from './context';
import { startPanel, type PanelHost } from './panel-host';

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

export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('the daemon: poll the master, drive the display and the button (use --config FILE)')
    .action(async () => {
      const config = ctx.config();
      const log = ctx.log;
      guardProcess(log);
      const notifier = new SystemdNotifier({ logger: log.child('systemd') });
      let lastProgress: number | null = null;
      let ready = false;
      const host = await startPanel({
        config,
        log,
        pi: await startPi({ config, log }),
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
