import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { planInstall, planUninstall, runInstall } from '../install';
import type { CommandContext } from './context';

/** The package root: where dist/src/cli.js and systemd/ live, whether running from src/ or dist/src/. */
export function packageRoot(): string {
  for (const dir of [path.resolve(__dirname, '../..'), path.resolve(__dirname, '../../..')]) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'systemd'))) return dir;
  }
  return path.resolve(__dirname, '../..');
}

export function registerInstall(program: Command, ctx: CommandContext): void {
  program
    .command('install')
    .description('as root: create the mesos-panel user, install the config (keeping an existing one) and the service, and start it')
    .option('--dry-run', 'print each step instead of doing it')
    .action(async (opts: { dryRun?: boolean }) => {
      const root = packageRoot();
      const steps = planInstall({
        nodePath: process.execPath,
        installDir: root,
        unitTemplate: fs.readFileSync(path.join(root, 'systemd/mesos-panel.service'), 'utf8'),
      });
      await runInstall(steps, { dryRun: Boolean(opts.dryRun), out: ctx.out });
    });
  program
    .command('uninstall')
    .description('as root: stop and remove the service; the config and the π state are kept unless --purge')
    .option('--purge', 'also remove the config and the π state')
    .option('--dry-run', 'print each step instead of doing it')
    .action(async (opts: { purge?: boolean; dryRun?: boolean }) => {
      await runInstall(planUninstall({ purge: Boolean(opts.purge) }), { dryRun: Boolean(opts.dryRun), command: 'uninstall', out: ctx.out });
    });
}
