// The agent's status update manager (src/slave/task_status_update_manager.cpp): updates of one task go to the
// scheduler one at a time; the next is forwarded only when the scheduler ACKNOWLEDGEs the current one, and an
// unacknowledged one is resent with exponential backoff (10 s doubling up to 10 min: STATUS_UPDATE_RETRY_INTERVAL_MIN/MAX in Mesos src/slave/constants.hpp).

export interface TaskStatusJson {
  task_id: { value: string };
  state: string;
  uuid?: string;
  [key: string]: unknown;
}

interface TaskStream {
  frameworkId: string;
  pending: TaskStatusJson[];
  /** State of the newest update taken: the agent's view of the task, sent along as StatusUpdate.latest_state. */
  latest: string;
  seen: Set<string>;
  timer?: NodeJS.Timeout;
  backoffMs: number;
}

export interface StatusUpdateManagerOptions {
  /** First retry delay; Mesos: 10 s. */
  retryMs: number;
  /** Retry delay cap; Mesos: 10 min. */
  maxRetryMs: number;
  /** Sends the head to the master, with the task's latest state (Slave::forward sets latest_state). */
  forward: (frameworkId: string, status: TaskStatusJson, latestState: string) => void;
  /** The terminal update of a task was acknowledged: the master may forget the task. */
  onTerminalAcked: (frameworkId: string, taskId: string) => void;
  isTerminal: (state: string) => boolean;
}

export class StatusUpdateManager {
  private readonly streams = new Map<string, TaskStream>();

  constructor(private readonly opts: StatusUpdateManagerOptions) {}

  /** Queues an update ("checkpointed" at once); false for a duplicate uuid, which changes nothing. */
  update(frameworkId: string, status: TaskStatusJson): boolean {
    const key = `${frameworkId}/${status.task_id.value}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { frameworkId, pending: [], latest: status.state, seen: new Set(), backoffMs: this.opts.retryMs };
      this.streams.set(key, stream);
    }
    if (status.uuid && stream.seen.has(status.uuid)) return false;
    if (status.uuid) stream.seen.add(status.uuid);
    stream.latest = status.state;
    stream.pending.push(status);
    if (stream.pending.length === 1) this.forwardHead(stream);
    return true;
  }

  /** The scheduler acknowledged (task, uuid); unknown or stale acks are ignored, as the agent does. */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const stream = this.streams.get(`${frameworkId}/${taskId}`);
    const head = stream?.pending[0];
    if (!stream || !head || head.uuid !== uuid) return false;
    clearTimeout(stream.timer);
    stream.pending.shift();
    stream.backoffMs = this.opts.retryMs;
    if (stream.pending.length > 0) this.forwardHead(stream);
    else if (this.opts.isTerminal(head.state)) {
      this.streams.delete(`${frameworkId}/${taskId}`);
      this.opts.onTerminalAcked(frameworkId, taskId);
    }
    return true;
  }

  /** Forwards every head again now, e.g. after the framework re-subscribed. */
  resendAll(frameworkId: string): void {
    for (const stream of this.streams.values()) if (stream.frameworkId === frameworkId && stream.pending.length > 0) this.forwardHead(stream);
  }

  dropFramework(frameworkId: string): void {
    for (const [key, stream] of this.streams) {
      if (stream.frameworkId !== frameworkId) continue;
      clearTimeout(stream.timer);
      this.streams.delete(key);
    }
  }

  clear(): void {
    for (const stream of this.streams.values()) clearTimeout(stream.timer);
    this.streams.clear();
  }

  private forwardHead(stream: TaskStream): void {
    clearTimeout(stream.timer);
    this.opts.forward(stream.frameworkId, stream.pending[0], stream.latest);
    stream.timer = setTimeout(() => {
      stream.backoffMs = Math.min(stream.backoffMs * 2, this.opts.maxRetryMs);
      if (stream.pending.length > 0) this.forwardHead(stream);
    }, stream.backoffMs);
    stream.timer.unref();
  }
}
