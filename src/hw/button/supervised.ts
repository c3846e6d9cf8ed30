// A button backend that comes back: when gpiomon dies (killed, the chip reset, a USB hub glitch), the panel
// should not stay without its button until someone restarts the service. The supervisor starts a fresh backend
// of the same kind after a pause that doubles up to a few minutes, and logs only on the edges.
import type { Logger } from '../../log';
import { Backoff } from '../../lib/backoff';
import { BackendEvents, type BackendName, type ButtonBackend, type ButtonError, type RawEdge } from './backend';
import { errorLine } from '../../lib/error-line';

export interface SupervisorOptions {
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export class SupervisedButton extends BackendEvents implements ButtonBackend {
  private current: ButtonBackend;
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly forwardEdge = (edge: RawEdge): void => this.emitEdge(edge);
  private readonly onExit = (err: ButtonError | null): void => this.exited(err);

  constructor(
    first: ButtonBackend,
    private readonly create: () => ButtonBackend,
    private readonly log: Logger,
    opts: SupervisorOptions = {},
  ) {
    super();
    this.current = first;
    // No jitter: one button, nobody else to spread the retries from.
    this.backoff = new Backoff({ minMs: opts.firstRetryMs ?? 5000, maxMs: opts.maxRetryMs ?? 300_000, jitter: 'none' });
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
    const delay = this.backoff.next();
    this.log.error(`button: ${err.message}; trying again in ${Math.round(delay / 1000)} s`);
    this.schedule(delay);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.retry(), delay);
    this.timer.unref();
  }

  private async retry(): Promise<void> {
    if (this.stopped) return;
    const next = this.create();
    try {
      await next.start();
    } catch (err) {
      this.log.debug(`button: still failing: ${errorLine(err)}`);
      this.schedule(this.backoff.next());
      return;
    }
    if (this.stopped) {
      await next.stop();
      return;
    }
    this.current = next;
    this.attach(next);
    this.backoff.reset();
    this.log.info(`button: back, via ${next.name}`);
  }
}
