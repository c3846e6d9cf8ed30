import type { Config } from '../config';
import type { Logger } from '../log';

/** What every command gets from the entry point: the resolved config (lazily, so --help needs none), output and a logger. */
export interface CommandContext {
  /** The resolved config; `flags` (shaped like the config) are the command line's layer, read on the first call. */
  config(flags?: Record<string, unknown>): Config;
  out(text: string): void;
  log: Logger;
  /** Where --config pointed, if anywhere. */
  configFile(): string | undefined;
}
