// The files that hold what the daemon must keep to itself or trust: HTTP basic credentials and the CA for https
// masters, and the web controls' secret. Each is read once at start, and a file that would leak the secret or
// silently fail TLS is refused in one line.
import * as fs from 'node:fs';
import { ConfigError, isPlain, type Config } from './config';
import type { Credentials } from './mesos/http';
import { StateClient } from './mesos/state-client';
import { errorLine } from './lib/error-line';

/**
 * The text of a file that holds a secret, refused in one line when group or others can read it: a secret
 * anyone on the host can read is no secret. `label` starts each error, `key` is the config key to fix.
 */
export function readPrivateFile(file: string, label: string, key: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ConfigError(`${label}: ${file} does not exist or cannot be read; fix ${key}`);
  }
  if ((stat.mode & 0o044) !== 0) {
    throw new ConfigError(`${label}: ${file} can be read by group or others (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    throw new ConfigError(`${label}: ${file} cannot be read by this user; make it owned by the service user`);
  }
}

/**
 * HTTP basic credentials for the master: JSON {"principal", "secret"}, Mesos' own {"credentials": [...]}
 * format, or the text form "principal secret". A file that group or others can read is refused.
 */
export function readCredentials(file: string): Credentials {
  const text = readPrivateFile(file, 'credentials', 'credentialsFile');
  const bad = () => new ConfigError(`credentials: ${file} must hold {"principal": "...", "secret": "..."} or "principal secret"`);
  if (text.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw bad();
    }
    const entry = isPlain(doc) && Array.isArray(doc.credentials) ? doc.credentials[0] : doc;
    if (isPlain(entry) && typeof entry.principal === 'string' && typeof entry.secret === 'string' && entry.principal) {
      return { principal: entry.principal, secret: entry.secret };
    }
    throw bad();
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 2) throw bad();
  return { principal: parts[0], secret: parts[1] };
}

/** The CA certificate(s) for https masters. Node ignores a file that is not PEM without a word, so say so here. */
export function readCaFile(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: caFile ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? errorLine(err)}); fix caFile`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`config: caFile ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA that signed the masters' certificates`);
  }
  return text;
}

/** The web controls need this many characters of secret at least: a short one is guessed offline from one MAC. */
const MIN_SECRET_CHARS = 16;

/** The web controls' secret, from a file only the service can read. */
export function readControlSecret(file: string): string {
  const secret = readPrivateFile(file, 'web.secretFile', 'web.secretFile');
  if (secret.length < MIN_SECRET_CHARS || /\s/.test(secret)) {
    throw new ConfigError(`web.secretFile: ${file} must hold one secret of at least ${MIN_SECRET_CHARS} characters without spaces; make one with: head -c 24 /dev/urandom | base64 | install -m 600 /dev/stdin ${file}`);
  }
  return secret;
}

/** How to talk to the masters: HTTP basic credentials and the CA for https, both read once from their files. */
export function masterAccess(config: Config): { credentials?: Credentials; ca?: string } {
  return {
    credentials: config.credentialsFile ? readCredentials(config.credentialsFile) : undefined,
    ca: config.caFile ? readCaFile(config.caFile) : undefined,
  };
}

/** A /state reader for the configured masters, or for the ones a command names, with its limits and access. */
export function stateClientFor(config: Config, access: { credentials?: Credentials; ca?: string } = masterAccess(config), masters: string[] = config.masters): StateClient {
  return new StateClient({ masters, timeoutMs: config.requestTimeoutMs, maxBodyBytes: config.maxStateBytes, ...access });
}
