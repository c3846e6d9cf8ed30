// A Display for development: the panel drawn in a terminal. On a terminal it draws in place on the alternate
// screen (cursor home, each line cleared to its end, never a line wider than the terminal nor more lines than it
// has, so nothing ever scrolls), picks the largest readable rendering that fits and follows resizes; the
// terminal is given back as it was on close and at process exit. Anywhere else (a pipe, a file, the journal)
// frames are written one after another as plain text.
import type { Frame, Geometry } from '../panel/frame';
import type { Display } from './display';

/** Where the drawing goes: process.stdout, or anything shaped like it. */
export interface TerminalSink {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Text columns and rows. */
export interface Room {
  cols: number;
  rows: number;
}

/**
 * How a frame becomes text. Pixels: `full` draws each pixel as two full-block columns on one row (the squarest),
 * `half` draws two pixel rows per text row with ▀▄█. Quadrant blocks (2x2 pixels per cell) are left out on
 * purpose: the panel's 5x8 font turns into blobs at that density. Character frames are drawn as their text.
 */
export type Rendering = 'full' | 'half' | 'text';

export interface TerminalDisplayOpts {
  stream?: TerminalSink;
  name?: string;
  /** Lines drawn under the box on every redraw, given the room left under it (the demo's keys and log). */
  footer?: (room: Room) => string[];
}

const HALF = [' ', '▀', '▄', '█'] as const;
const ALT_SCREEN_ON = '\x1b[?1049h\x1b[?25l';
const ALT_SCREEN_OFF = '\x1b[?25h\x1b[?1049l';

/** Largest first. */
function renderingsFor(geometry: Geometry): Rendering[] {
  return geometry.kind === 'pixels' ? ['full', 'half'] : ['text'];
}

/** The columns and rows the boxed frame takes in this rendering. */
export function boxSize(geometry: Geometry, rendering: Rendering): Room {
  if (geometry.kind === 'chars') return { cols: geometry.cols + 2, rows: geometry.rows + 2 };
  return rendering === 'full'
    ? { cols: geometry.width * 2 + 2, rows: geometry.height + 2 }
    : { cols: geometry.width + 2, rows: Math.ceil(geometry.height / 2) + 2 };
}

/** The largest rendering whose box fits the room, or null when none does. */
export function fitRendering(geometry: Geometry, room: Room): Rendering | null {
  return renderingsFor(geometry).find((r) => fits(boxSize(geometry, r), room)) ?? null;
}

function fits(box: Room, room: Room): boolean {
  return box.cols <= room.cols && box.rows <= room.rows;
}

function sizeName(geometry: Geometry): string {
  return geometry.kind === 'pixels' ? `${geometry.width}x${geometry.height}` : `${geometry.cols}x${geometry.rows}`;
}

/** The one line shown instead of the panel when no rendering fits. */
export function tooSmallLine(geometry: Geometry, room: Room): string {
  const need = boxSize(geometry, renderingsFor(geometry).at(-1)!);
  return `the ${sizeName(geometry)} panel needs a terminal of at least ${need.cols}x${need.rows}; this one is ${room.cols}x${room.rows}`;
}

/** The first `cols` characters of a line. */
export function cut(line: string, cols: number): string {
  const chars = [...line];
  return chars.length <= cols ? line : chars.slice(0, Math.max(0, cols)).join('');
}

/** The frame as lines of text inside a box, without escape codes. */
export function frameToText(frame: Frame, rendering: Rendering = frame.kind === 'pixels' ? 'half' : 'text'): string[] {
  let body: string[];
  if (frame.kind === 'pixels') {
    const { width, height, pixels } = frame.bitmap;
    const lit = (x: number, y: number): number => (x < width && y < height && pixels[y * width + x] ? 1 : 0);
    body = [];
    const step = rendering === 'full' ? 1 : 2;
    for (let y = 0; y < height; y += step) {
      let line = '';
      for (let x = 0; x < width; x++) line += rendering === 'full' ? (lit(x, y) ? '██' : '  ') : HALF[lit(x, y) | (lit(x, y + 1) << 1)];
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
  private readonly stream: TerminalSink;
  private readonly footer: (room: Room) => string[];
  private level: 'normal' | 'dim' | 'off' = 'normal';
  private last: Frame | null = null;
  private onAltScreen = false;
  private readonly redraw = (): void => {
    if (this.last) this.draw(this.last);
  };
  private readonly restore = (): void => this.leaveAltScreen();

  constructor(
    readonly geometry: Geometry,
    opts: TerminalDisplayOpts = {},
  ) {
    this.stream = opts.stream ?? process.stdout;
    this.name = opts.name ?? 'terminal';
    this.footer = opts.footer ?? (() => []);
  }

  show(frame: Frame): void {
    this.last = frame;
    this.draw(frame);
  }

  setLevel(level: 'normal' | 'dim' | 'off'): void {
    if (level === this.level) return;
    this.level = level;
    this.redraw();
  }

  async close(leave: 'blank' | 'keep'): Promise<void> {
    const wasOn = this.onAltScreen;
    this.leaveAltScreen();
    // The alternate screen takes the drawing with it; a panel asked to stay is drawn once more below the prompt.
    if (wasOn && leave === 'keep' && this.last) this.write(`${this.boxed(this.last, this.room()).join('\n')}\n`);
  }

  private get inPlace(): boolean {
    return this.stream.isTTY === true;
  }

  private room(): Room {
    return { cols: this.stream.columns || 80, rows: this.stream.rows || 24 };
  }

  /** The frame boxed in the largest rendering that fits the room, or the line that says what it needs. */
  private boxed(frame: Frame, room: Room): string[] {
    const rendering = this.inPlace ? fitRendering(this.geometry, room) : renderingsFor(this.geometry).at(-1)!;
    if (!rendering) return [cut(tooSmallLine(this.geometry, room), room.cols)];
    let lines = frameToText(frame, rendering);
    // Off keeps the box, so the layout does not jump; dim uses the SGR faint attribute.
    if (this.level === 'off') lines = lines.map((l, i) => (i === 0 || i === lines.length - 1 ? l : `│${' '.repeat([...l].length - 2)}│`));
    return this.level === 'dim' ? lines.map((l) => `\x1b[2m${l}\x1b[0m`) : lines;
  }

  private draw(frame: Frame): void {
    if (!this.inPlace) {
      this.write(`${[...this.boxed(frame, this.room()), ...this.footer(this.room())].join('\n')}\n\n`);
      return;
    }
    this.enterAltScreen();
    const room = this.room();
    const box = this.boxed(frame, room);
    const below = { cols: room.cols, rows: Math.max(0, room.rows - box.length) };
    const lines = [...box, ...this.footer(below).slice(0, below.rows).map((l) => cut(l, room.cols))];
    // No newline after the last line: a full last row would scroll the screen by one.
    this.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\r\n')}\x1b[J`);
  }

  private enterAltScreen(): void {
    if (this.onAltScreen) return;
    this.onAltScreen = true;
    this.write(ALT_SCREEN_ON);
    this.stream.on?.('resize', this.redraw);
    // An exit this display does not see coming (an uncaught error, process.exit) still gives the terminal back.
    process.once('exit', this.restore);
  }

  private leaveAltScreen(): void {
    if (!this.onAltScreen) return;
    this.onAltScreen = false;
    this.stream.off?.('resize', this.redraw);
    process.off('exit', this.restore);
    this.write(ALT_SCREEN_OFF);
  }

  private write(chunk: string): void {
    try {
      this.stream.write(chunk);
    } catch {
      // A closed stdout (the terminal went away) must not stop the daemon; there is nobody left to tell.
    }
  }
}
