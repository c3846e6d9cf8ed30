// The dashboard's event stream: at most one `dash` event a second, and only when something changed. A new
// browser gets everything (the hour of history, the convergence points); the others get what is new: the
// history samples since the last event, the convergence points only when the finished prefix grew. Everything it
// keeps is bounded: the last event sent, and the names of the agents on the board.
import type { PanelModel } from '../panel/model';
import type { Ledger } from '../pi/ledger';
import type { AllocationSample } from '../panel/allocation-history';
import { convergenceRows, dashView, historyRows, type DashJob } from './dashboard';
import { sseEvent } from './sse';

export interface DashboardSources {
  model(): PanelModel;
  /** The π job's ledger, or null when there is none (yet). */
  ledger(): Ledger | null;
  /** Euler corrections of the certified digits (pi.corrections). */
  corrections: number;
  /** Agents the π framework was told are gone; none without a framework. */
  gone(): ReadonlySet<string>;
}

export const DASH_CHANNEL = 'dashboard';

export class DashboardFeed {
  private readonly timer: NodeJS.Timeout;
  private readonly hosts = new Map<string, string>();
  private lastView = '';
  private lastConv = '';
  private lastAt = -Infinity;

  /** `send` writes one framed event to every dashboard stream; `listeners` counts them. */
  constructor(
    private readonly s: DashboardSources,
    private readonly send: (event: string) => void,
    private readonly listeners: () => number,
    everyMs = 1000,
  ) {
    this.timer = setInterval(() => this.tick(), everyMs);
    this.timer.unref();
  }

  /** The event that brings a new browser up to date. */
  full(): string {
    const model = this.s.model();
    const job = this.job();
    const h = model.history;
    const view = dashView(model, job, this.hosts);
    const conv = convergenceRows(job);
    // The first browser sets what the next tick compares with; later ones may get a change twice, which the
    // page takes in its stride, while those already watching must not miss one.
    if (this.listeners() === 0) this.sent(JSON.stringify(view), JSON.stringify(conv), h?.samples);
    return sseEvent('dash', { reset: h?.shape.bucketMs ?? 10_000, ...view, hist: historyRows(h, -Infinity), conv });
  }

  /** Sends what changed since the last event, if anything did and someone watches. */
  tick(): void {
    if (this.listeners() === 0) return;
    const model = this.s.model();
    const job = this.job();
    const view = dashView(model, job, this.hosts);
    const conv = convergenceRows(job);
    const hist = historyRows(model.history, this.lastAt);
    const viewText = JSON.stringify(view);
    const convText = JSON.stringify(conv);
    if (viewText === this.lastView && convText === this.lastConv && hist.length === 0) return;
    this.send(sseEvent('dash', { ...view, ...(hist.length ? { hist } : {}), ...(convText !== this.lastConv ? { conv } : {}) }));
    this.sent(viewText, convText, model.history?.samples);
  }

  private sent(viewText: string, convText: string, samples: readonly AllocationSample[] = []): void {
    this.lastView = viewText;
    this.lastConv = convText;
    this.lastAt = samples.length ? samples[samples.length - 1].at : -Infinity;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private job(): DashJob {
    return { ledger: this.s.ledger(), corrections: this.s.corrections, gone: this.s.gone() };
  }
}
