// Checks for command-line values, so every command rejects a bad one with the same kind of one line.
import { UsageError } from '../cli-errors';
import { hidePasswords, MasterUrlError, normaliseMasterUrl } from '../mesos/master-url';
import { SIZES, type SizeName } from '../panel/frame';

export function intOption(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} is "${value}"; give a whole number from ${min} to ${max}`);
  return n;
}

export function sizeOption(flag: string, value: string): SizeName {
  if (!(SIZES as readonly string[]).includes(value)) throw new UsageError(`${flag} "${value}" is not supported; use one of ${SIZES.join(', ')}`);
  return value as SizeName;
}

/** A --master value as the clients want it (see master-url.ts for the rule); a bad one is a usage error. */
export function masterOption(flag: string, value: string): string {
  try {
    return normaliseMasterUrl(value);
  } catch (err) {
    if (err instanceof MasterUrlError) throw new UsageError(`${flag} "${hidePasswords(value)}": ${err.message}`);
    throw err;
  }
}
