// Where a one-shot command (status, render) gets its snapshot: a live master or a saved /state file.
import * as fs from 'node:fs';
import type { Config } from '../config';
import { masterAccess } from '../master-access';
import { UsageError } from '../cli-errors';
import { parseJsonBody } from '../mesos/http';
import type { ClusterSnapshot } from '../mesos/snapshot';
import { StateClient } from '../mesos/state-client';
import { parseState } from '../mesos/state-parse';

export interface SnapshotSourceOptions {
  master?: string;
  stateFile?: string;
}

export async function loadSnapshot(opts: SnapshotSourceOptions, config: Config): Promise<{ snapshot: ClusterSnapshot; from: string }> {
  if (Boolean(opts.master) === Boolean(opts.stateFile)) {
    throw new UsageError('give exactly one of --master URL or --state-file FILE');
  }
  if (opts.stateFile) {
    const file = opts.stateFile;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      throw new UsageError(`--state-file ${file} does not exist or cannot be read`);
    }
    if (size > config.maxStateBytes) {
      throw new UsageError(`--state-file ${file} is ${size} bytes, over the ${config.maxStateBytes}-byte cap (maxStateBytes)`);
    }
    const json = parseJsonBody(fs.readFileSync(file), file);
    return { snapshot: parseState(json, file), from: file };
  }
  let client: StateClient;
  try {
    client = new StateClient({
      masters: [opts.master as string],
      timeoutMs: config.requestTimeoutMs,
      maxBodyBytes: config.maxStateBytes,
      ...masterAccess(config),
    });
  } catch (err) {
    throw new UsageError(`--master: ${(err as Error).message}`);
  }
  const result = await client.fetchState();
  return { snapshot: result.snapshot, from: result.master };
}
