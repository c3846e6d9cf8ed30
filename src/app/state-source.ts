// Where the running panel gets its snapshot: a source that keeps it current.
import type { Config } from '../config';
import type { Logger } from '../log';
import { masterAccess } from '../master-access';
import { OperatorSource } from '../mesos/operator-source';
import { StateClient } from '../mesos/state-client';
import { StatePoller } from '../mesos/state-poller';
import type { StateSource } from './daemon';

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
