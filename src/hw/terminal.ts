// A Display for development: pixel frames as Unicode half blocks (two pixel rows per text row), character frames
// as text, both in a box, redrawn in place with ANSI cursor movement so the terminal does not scroll.
import type { Frame, Geometry } from '../panel/frame';
import type { Display } from './display';

export interface TextSink {
  write(chunk: string): unknown;
}

export interface TerminalDisplayOpts {
  stream?: TextSink;
  name?: string;
  /** Two pixel columns per character (quadrant blocks), for terminals narrower than the display. */
  compact?: boolean;
  /** Lines drawn under the box on every redraw (the demo's key help and log). */
  footer?: () => string[];
}

const HALF = [' ', '▀', '▄', '█'] as const;
// Index bits: top-left 1, top-right 2, bottom-left 4, bottom-right 8.
const QUADRANT = [' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█'] as const;

/** The frame as lines of text inside a box, without escape codes. */
export function frameToText(frame: Frame, compact = false): string[] {
  let body: string[];
  if (frame.kind === 'pixels') {
    const { width, height, pixels } = frame.bitmap;
    const lit = (x: number, y: number): number => (x < width && y < height && pixels[y * width + x] ? 1 : 0);
    const step = compact ? 2 : 1;
    body = [];
    for (let y = 0; y < height; y += 2) {
      let line = '';
      for (let x = 0; x < width; x += step) {
        line += compact
          ? QUADRANT[lit(x, y) | (lit(x + 1, y) << 1) | (lit(x, y + 1) << 2) | (lit(x + 1, y + 1) << 3)]
          : HALF[lit(x, y) | (lit(x, y + 1) << 1)];
      }
      body.push(line);
    }
  } else {
    body = frame.grid.lines.map((l) => l);
  }
  const w = body.reduce((m, l) => Math.max(m, [...l].length), 0);
  return [`┌${'─'.repeat(w)}┐`, ...body.map((l) => `│${l}${' '.repeat(w - [...l].length)}│`), `└${'─'.repeat(w)}┘`];
}

export class TerminalDisplay implements Display {
  readonly name: string;
  private readonly stream: TextSink;
  private readonly compact: boolean;
  private readonly footer: () => string[];
  private drawnLines = 0;
  private level: 'normal' | 'dim' | 'off' = 'normal';
  private last: Frame | null = null;

  constructor(
    readonly geometry: Geometry,
    opts: TerminalDisplayOpts = {},
  ) {
    this.stream = opts.stream ?? process.stdout;
    this.name = opts.name ?? 'terminal';
    this.compact = opts.compact ?? false;
    this.footer = opts.footer ?? (() => []);
  }

  show(frame: Frame): void {
    this.last = frame;
    this.draw(frame);
  }

  setLevel(level: 'normal' | 'dim' | 'off'): void {
    if (level === this.level) return;
    this.level = level;
    if (this.last) this.draw(this.last);
  }

  async close(leave: 'blank' | 'keep'): Promise<void> {
    if (leave === 'blank' && this.last) {
      this.level = 'off';
      this.draw(this.last);
    }
  }

  private draw(frame: Frame): void {
    let lines = frameToText(frame, this.compact);
    // Off keeps the box, so the terminal layout does not jump; dim uses the SGR faint attribute.
    if (this.level === 'off') lines = lines.map((l, i) => (i === 0 || i === lines.length - 1 ? l : `│${' '.repeat([...l].length - 2)}│`));
    const body = [...(this.level === 'dim' ? lines.map((l) => `\x1b[2m${l}\x1b[0m`) : lines), ...this.footer()];
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r` : '';
    try {
      this.stream.write(`${up}${body.map((l) => `${l}\x1b[K`).join('\n')}\n`);
      this.drawnLines = body.length;
    } catch {
      // A closed stdout (the terminal went away) must not stop the daemon; there is nobody left to tell.
    }
  }
}
