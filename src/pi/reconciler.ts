// Explicit reconciliation after every SUBSCRIBED (Mesos docs/reconciliation.md): ask for every task we believe
// is running, then ask again, with a truncated exponential backoff, for those the master has not answered
// since; a master that is still waiting for agents to re-register says nothing for them. One round at a time.
export interface ReconcileTask {
  taskId: string;
  agentId: string;
}

export class Reconciler {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (tasks: ReconcileTask[]) => void,
    private readonly launched: () => ReconcileTask[],
    private readonly opts: { firstMs?: number; maxMs?: number } = {},
  ) {}

  /** Starts a round (ending any previous one) with every task believed to be running. */
  begin(): void {
    this.stop();
    const tasks = this.launched();
    this.pending = new Set(tasks.map((t) => t.taskId));
    if (tasks.length === 0) return;
    this.send(tasks);
    this.schedule(this.opts.firstMs ?? 2000);
  }

  /** An update arrived for the task; it needs no more asking. */
  heard(taskId: string): void {
    this.pending.delete(taskId);
  }

  get waiting(): number {
    return this.pending.size;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      // Only tasks still running by our books: one re-queued meanwhile needs no answer.
      const tasks = this.launched().filter((t) => this.pending.has(t.taskId));
      this.pending = new Set(tasks.map((t) => t.taskId));
      if (tasks.length === 0) return;
      this.send(tasks);
      this.schedule(Math.min(delayMs * 2, this.opts.maxMs ?? 60_000));
    }, delayMs);
    this.timer.unref();
  }
}
