// The progress line `mesos-panel pi` draws on a terminal while a long job runs: terms done, rate, the corrected
// estimate's certified digits so far and the ETA, redrawn in place on stderr. A pipe, a file or the journal gets
// none: it would fill with one copy per redraw.
import type { Logger } from '../log';
import type { PiView } from '../pi/view';
import { duration, fraction, percent, rate, si } from '../panel/format';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Whether to draw the progress line: only on a terminal, where a carriage return redraws the line in place. */
export function wantsProgress(stream: { isTTY?: boolean }): boolean {
  return stream.isTTY === true;
}

/** The line for one view, cut to the terminal's width less one column, so that it never wraps. */
export function progressLine(v: PiView, columns = 80): string {
  const eta = v.state === 'done' ? 'done' : `ETA ${duration(v.etaSeconds)}`;
  const line = `π ${si(v.termsDone)}/${si(v.termsTotal)} terms ${percent(fraction(v.termsDone, v.termsTotal))}, ${rate(v.termsPerSecond)}, corrected ${v.correctedDigits || '(none yet)'}, ${eta}`;
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
}

const CLEAR_LINE = '\r\x1b[K';

export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private shown = '';

  constructor(
    private readonly stream: ProgressStream,
    private readonly view: () => PiView,
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.draw(), this.everyMs);
  }

  /** Draws the line if the job runs; nothing before the first task or after the end. */
  draw(): void {
    const v = this.view();
    if (v.state !== 'running') return this.clear();
    this.shown = progressLine(v, this.stream.columns);
    this.stream.write(`${CLEAR_LINE}${this.shown}`);
  }

  /** Takes the line off the terminal (before a log line, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.shown = '';
    this.stream.write(CLEAR_LINE);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** The logger with the line taken off before each of its lines and drawn again after, so the two never mix. */
  around(log: Logger): Logger {
    const wrap = (write: (m: string) => void) => (m: string) => {
      const was = this.shown;
      this.clear();
      write(m);
      if (was && this.timer) this.draw();
    };
    return {
      error: wrap((m) => log.error(m)),
      warn: wrap((m) => log.warn(m)),
      info: wrap((m) => log.info(m)),
      debug: wrap((m) => log.debug(m)),
      child: (ns) => this.around(log.child(ns)),
    };
  }
}
