// UUIDs as the v1 APIs carry them in `bytes` fields: base64 of the 16 raw bytes (Mesos docs/scheduler-http-api.md, Mesos docs/executor-http-api.md).
import { randomBytes } from 'node:crypto';

/** stout's UUID::fromBytes: exactly 16 bytes with a known RFC 4122 version, else "Not a valid UUID". */
export function isValidUuidBytes(value: unknown): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return false;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16) return false;
  const version = bytes[6] >> 4;
  return version >= 1 && version <= 5;
}

/** A random version-4 UUID, base64 encoded: what the agent stamps on the updates it generates itself. */
export function randomUuidBytes(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return bytes.toString('base64');
}
