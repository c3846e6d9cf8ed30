// Where the running panel gets its snapshot: a source that keeps it current.
import type { Config } from '../config';
import type { Logger } from '../log';
import { masterAccess, stateClientFor } from '../master-access';
import { OperatorSource } from '../mesos/operator-source';
import { StatePoller } from '../mesos/state-poller';
import { timedPolls } from '../web/metrics';
import type { StateSource } from './daemon';

export interface LiveSourceHooks {
  /** Each poll's duration in seconds (polling only: a stream has no polls to time). */
  observePoll?: (seconds: number) => void;
  /** A poll brought a new snapshot, so the panel can draw it now rather than at its next tick. */
  onChange?: () => void;
}

/**
 * The running panel's state source, as config.stateSource says: the master's operator event stream (`auto` falls
 * back to polling where the master cannot serve it) or polling /state.
 */
export function liveStateSource(config: Config, logger: Logger, hooks: LiveSourceHooks = {}): StateSource {
  const access = masterAccess(config);
  if (config.stateSource === 'poll') {
    const client = stateClientFor(config, access);
    const source = hooks.observePoll ? timedPolls(client, hooks.observePoll) : client;
    const poller = new StatePoller({ source, logger, onChange: hooks.onChange }, { intervalMs: config.pollIntervalMs });
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
