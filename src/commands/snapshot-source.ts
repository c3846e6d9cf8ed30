// Where a command gets its snapshot: a one-shot command (status, render) from a live master or a saved /state
// file, the running panel from a source that keeps it current.
import * as fs from 'node:fs';
import type { Config } from '../config';
import { masterAccess } from '../master-access';
import { UsageError } from '../cli-errors';
import type { Logger } from '../log';
import { parseJsonBody } from '../mesos/http';
import { OperatorSource } from '../mesos/operator-source';
import type { ClusterSnapshot } from '../mesos/snapshot';
import { StateClient } from '../mesos/state-client';
import { StatePoller } from '../mesos/state-poller';
import type { StateSource } from '../daemon';
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

/**
 * The running panel's state source, as config.stateSource says: the master's operator event stream (`auto` falls
 * back to polling where the master cannot serve it) or polling /state.
 */
export function liveStateSource(config: Config, logger: Logger): StateSource {
  const access = masterAccess(config);
  if (config.stateSource === 'poll') {
    const source = new StateClient({ masters: config.masters, timeoutMs: config.requestTimeoutMs, maxBodyBytes: config.maxStateBytes, ...access });
    const poller = new StatePoller({ source, logger }, { intervalMs: config.pollIntervalMs });
    return {
      start: () => poller.start(),
      stop: () => poller.stop(),
      current: () => {
        const view = poller.current();
        return { ...view, status: { ...view.status, via: 'poll' } };
      },
    };
  }
  return new OperatorSource({
    masters: config.masters,
    mode: config.stateSource,
    timeoutMs: config.requestTimeoutMs,
    maxStateBytes: config.maxStateBytes,
    refreshMs: config.stateRefreshSeconds * 1000,
    pollIntervalMs: config.pollIntervalMs,
    logger,
    ...access,
  });
}
