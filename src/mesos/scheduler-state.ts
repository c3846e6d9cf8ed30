// What the scheduler client reports to its user: the state of its connection to the master, and every failed
// call or subscription as one SchedulerError, classified once at the HTTP edge.
import { type Deadline, HttpError, networkError } from './http';

export type SchedulerErrorKind = 'temporary' | 'subscription-lost' | 'fatal' | 'not-subscribed';

/** A failed call or subscription, classified once at the HTTP edge. The message is one line. */
export class SchedulerError extends Error {
  override readonly name = 'SchedulerError';
  constructor(
    readonly kind: SchedulerErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export type ConnectionPhase = 'stopped' | 'connecting' | 'subscribed' | 'waiting';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** The scheduler endpoint of the current or last subscription. */
  master?: string;
  frameworkId?: string;
  /** Why the last subscription or attempt ended, in words. */
  lastError?: string;
  /** Failed attempts since the last SUBSCRIBED. */
  failures: number;
}

/** Any failure of a call or a subscription, as a SchedulerError: temporary where a retry may succeed. */
export function asSchedulerError(err: unknown, url: string, deadline: Deadline): SchedulerError {
  if (err instanceof SchedulerError) return err;
  const e = err instanceof HttpError ? err : networkError(err, url, deadline);
  return new SchedulerError(e.temporary ? 'temporary' : 'fatal', e.message, e.status);
}
