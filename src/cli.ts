#!/usr/bin/env node
// The entry: parse the command line, run one command, and end with a clear exit code:
// 0 ok, 1 runtime failure, 2 bad usage or config. Errors are one line; stack traces never reach the user.
import { Command, CommanderError } from 'commander';
import { type Config } from './config';
import { loadConfig } from './config-load';
import { exitCodeOf } from './cli-errors';
import { errorMessage } from './lib/error-line';
import { createLogger } from './log';
import type { CommandContext } from './commands/context';
import { registerConfig } from './commands/config';
import { registerDemo } from './commands/demo';
import { registerDoctor } from './commands/doctor';
import { registerInstall } from './commands/install';
import { registerPi } from './commands/pi';
import { registerRender } from './commands/render';
import { registerRun } from './commands/run';
import { registerSimMaster } from './commands/sim';
import { registerStatus } from './commands/status';
import { VERSION } from './version';

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('mesos-panel')
    .description('A front panel for the master Raspberry Pi of an Apache Mesos cluster')
    .version(VERSION)
    .option('--config <file>', 'the JSON config file (default /etc/mesos-panel/config.json)')
    .showHelpAfterError('(run mesos-panel --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerStatus(program, ctx);
  registerRender(program, ctx);
  registerDemo(program, ctx);
  registerRun(program, ctx);
  registerSimMaster(program, ctx);
  registerPi(program, ctx);
  registerDoctor(program, ctx);
  registerConfig(program, ctx);
  registerInstall(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let config: Config | undefined;
  let program: Command | undefined;
  const ctx: CommandContext = {
    configFile: () => program?.opts<{ config?: string }>().config,
    config: (flags) => (config ??= loadConfig({ configFile: ctx.configFile(), flags })),
    out: (text) => process.stdout.write(`${text}\n`),
    log: createLogger(),
  };
  program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its own one-line message (or the help/version text).
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`mesos-panel: ${errorMessage(err)}\n`);
    return exitCodeOf(err);
  }
}

/** Set once a reader closed stdout or stderr: the command then ends quietly, whatever it was doing. */
let outputClosed = false;

/**
 * A reader that closed its end of the pipe (`| head`) ends the command as Ctrl-C would: a command that stops on
 * SIGINT (run, demo, sim-master, pi) goes through its own shutdown; anything else, and a command already in its
 * shutdown (its cleanup, such as a framework's TEARDOWN, must not be cut off), runs to its end with its output
 * going nowhere; quietly, exit 0.
 */
function endQuietlyOnClosedPipe(): void {
  const onError = (err: NodeJS.ErrnoException): void => {
    if (outputClosed) return;
    if (err.code !== 'EPIPE') throw err;
    outputClosed = true;
    if (process.listenerCount('SIGINT') > 0) process.emit('SIGINT', 'SIGINT');
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}

if (require.main === module) {
  endQuietlyOnClosedPipe();
  main(process.argv).then(
    (code) => {
      process.exitCode = outputClosed ? 0 : code;
    },
    (err: unknown) => {
      if (!outputClosed) process.stderr.write(`mesos-panel: ${errorMessage(err)}\n`);
      process.exitCode = outputClosed ? 0 : 1;
    },
  );
}
