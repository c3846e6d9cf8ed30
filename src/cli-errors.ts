// How the CLI ends: 0 ok, 1 runtime failure, 2 bad usage or config. Always one line, never a stack trace.
import { ConfigError } from './config';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
}
