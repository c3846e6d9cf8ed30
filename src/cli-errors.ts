// How the CLI ends: 0 ok, 1 runtime failure, 2 bad usage or config. Always one line, never a stack trace.
import { ConfigError } from './config';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function exitCodeOf(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigError ? 2 : 1;
}

/** The message a user sees: the error's own words, one problem per line, no stack. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
