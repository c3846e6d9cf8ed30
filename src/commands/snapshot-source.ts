// Where a one-shot command (status, render) gets its snapshot: from --master, --state-file or else the
// configured masters, as run, pi and doctor use them.
import * as fs from 'node:fs';
import type { Config } from '../config';
import { masterAccess, stateClientFor } from '../master-access';
import { UsageError } from '../cli-errors';
import { parseJsonBody } from '../mesos/http';
import type { ClusterSnapshot } from '../mesos/snapshot';
import { parseState, StateFormatError } from '../mesos/state-parse';
import { masterOption } from './options';
import { errorLine } from '../lib/error-line';

export interface SnapshotSourceOptions {
  master?: string;
  stateFile?: string;
}

/** The masters a one-shot command asks: --master, or the configured ones; null when it reads a file. */
export function mastersFor(opts: SnapshotSourceOptions, config: Config): string[] | null {
  if (opts.master !== undefined && opts.stateFile !== undefined) throw new UsageError('give --master URL or --state-file FILE, not both');
  if (opts.stateFile !== undefined) return null;
  return opts.master !== undefined ? [masterOption('--master', opts.master)] : config.masters;
}

/** A saved /master/state document. A file that cannot be opened is a usage problem (exit 2), whatever the reason. */
function readStateFile(file: string, maxBytes: number): ClusterSnapshot {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`--state-file ${file} does not exist or cannot be read`);
  }
  if (stat.isDirectory()) throw new UsageError(`--state-file ${file} is a folder; give the saved /master/state JSON file`);
  if (stat.size > maxBytes) {
    throw new UsageError(`--state-file ${file} is ${stat.size} bytes, over the ${maxBytes}-byte cap (maxStateBytes)`);
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new UsageError(`--state-file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? errorLine(err)})`);
  }
  const json = parseJsonBody(bytes, file);
  try {
    return parseState(json, file);
  } catch (err) {
    // /master/slaves has the agents but none of the frameworks and tasks the panel counts.
    const doc = json as { slaves?: unknown; frameworks?: unknown };
    if (err instanceof StateFormatError && Array.isArray(doc?.slaves) && doc.frameworks === undefined) {
      throw new StateFormatError(err.path, `${err.detail}; this looks like /master/slaves, save /master/state instead (curl http://MASTER:5050/master/state)`, file);
    }
    throw err;
  }
}

export async function loadSnapshot(opts: SnapshotSourceOptions, config: Config): Promise<{ snapshot: ClusterSnapshot; from: string }> {
  const masters = mastersFor(opts, config);
  if (!masters) return { snapshot: readStateFile(opts.stateFile as string, config.maxStateBytes), from: opts.stateFile as string };
  const client = stateClientFor(config, masterAccess(config), masters);
  const result = await client.fetchState();
  return { snapshot: result.snapshot, from: result.master };
}
