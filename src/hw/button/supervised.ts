// A button backend that comes back: when gpiomon dies (killed, the chip reset, a USB hub glitch), the panel
// should not stay without its button until someone restarts the service. The supervisor starts a fresh backend
// of the same kind after a pause that doubles up to a few minutes, and logs only on the edges.
import type { Logger } from '../../log';
import { BackendEvents, type BackendName, type ButtonBackend, type ButtonError, type RawEdge } from './backend';

export interface SupervisorOptions {
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export class SupervisedButton extends BackendEvents implements ButtonBackend {
  private current: ButtonBackend;
  private retryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly forwardEdge = (edge: RawEdge): void => this.emitEdge(edge);
  private readonly onExit = (err: ButtonError | null): void => this.exited(err);

  constructor(
    first: ButtonBackend,
    private readonly create: () => ButtonBackend,
    private readonly log: Logger,
    private readonly opts: SupervisorOptions = {},
  ) {
    super();
    this.current = first;
    this.retryMs = opts.firstRetryMs ?? 5000;
    this.attach(first);
  }

  get name(): BackendName {
    return this.current.name;
  }

  async start(): Promise<void> {
    // The first backend is handed over already started.
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.current.off('edge', this.forwardEdge);
    this.current.off('exit', this.onExit);
    await this.current.stop();
    this.emitExit(null);
  }

  private attach(b: ButtonBackend): void {
    b.on('edge', this.forwardEdge);
    b.on('exit', this.onExit);
  }

  private exited(err: ButtonError | null): void {
    if (this.stopped || !err) return;
    this.current.off('edge', this.forwardEdge);
    this.current.off('exit', this.onExit);
    this.log.error(`button: ${err.message}; trying again in ${Math.round(this.retryMs / 1000)} s`);
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.retry(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 300_000);
  }

  private async retry(): Promise<void> {
    if (this.stopped) return;
    const next = this.create();
    try {
      await next.start();
    } catch (err) {
      this.log.debug(`button: still failing: ${(err as ButtonError).message}`);
      this.schedule();
      return;
    }
    if (this.stopped) {
      await next.stop();
      return;
    }
    this.current = next;
    this.attach(next);
    this.retryMs = this.opts.firstRetryMs ?? 5000;
    this.log.info(`button: back, via ${next.name}`);
  }
}
