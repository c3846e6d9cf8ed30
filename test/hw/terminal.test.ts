import { fitRendering, frameToText, TerminalDisplay } from '../../src/hw/terminal';
import type { Frame } from '../../src/panel/frame';

function pixelFrame(width: number, height: number, lit: [number, number][]): Frame {
  const pixels = new Uint8Array(width * height);
  for (const [x, y] of lit) pixels[y * width + x] = 1;
  return { kind: 'pixels', bitmap: { width, height, pixels } };
}

class FakeStream {
  chunks: string[] = [];
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
}

const ALT_ON = '\x1b[?1049h\x1b[?25l';
const ALT_OFF = '\x1b[?25h\x1b[?1049l';

/** A terminal of a given size that can be resized, as process.stdout is on a TTY. */
class FakeTty extends FakeStream {
  readonly isTTY = true;
  private onResize: (() => void) | null = null;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  on(_e: 'resize', fn: () => void): void {
    this.onResize = fn;
  }
  off(_e: 'resize', fn: () => void): void {
    if (this.onResize === fn) this.onResize = null;
  }
  get listeners(): number {
    return this.onResize ? 1 : 0;
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.onResize?.();
  }
  last(): string {
    return this.chunks[this.chunks.length - 1];
  }
}

/** The lines one in-place redraw puts on the screen. */
function screenLines(chunk: string): string[] {
  expect(chunk.startsWith('\x1b[H')).toBe(true);
  return chunk
    .slice(3)
    .replace(/\x1b\[J$/, '')
    .split('\r\n')
    .map((l) => l.replace(/\x1b\[K$/, ''));
}

describe('terminal display', () => {
  it('draws two pixel rows per text row with half blocks, in a border', () => {
    // column 0: top only, column 1: bottom only, column 2: both, column 3: none; rows 2-3: pixel (3,3)
    const f = pixelFrame(4, 4, [[0, 0], [1, 1], [2, 0], [2, 1], [3, 3]]);
    expect(frameToText(f)).toEqual(['┌────┐', '│▀▄█ │', '│   ▄│', '└────┘']);
  });

  it('handles an odd height and character frames', () => {
    expect(frameToText(pixelFrame(2, 3, [[0, 2]]))).toEqual(['┌──┐', '│  │', '│▀ │', '└──┘']);
    expect(frameToText({ kind: 'chars', grid: { cols: 3, rows: 2, lines: ['ab ', 'c█▏'] } })).toEqual(['┌───┐', '│ab │', '│c█▏│', '└───┘']);
  });

  it('redraws in place on the alternate screen: cursor home, lines cleared to their end, no newline at the end', () => {
    const out = new FakeTty(20, 10);
    const d = new TerminalDisplay({ kind: 'pixels', width: 4, height: 4 }, { stream: out });
    d.show(pixelFrame(4, 4, [[0, 0]]));
    d.show(pixelFrame(4, 4, [[3, 3]]));
    expect(out.chunks[0]).toBe(ALT_ON);
    expect(out.chunks[2].startsWith('\x1b[H')).toBe(true);
    expect(out.chunks[2].endsWith('\x1b[J')).toBe(true);
    // 20 columns hold the full-block rendering (4 pixels x 2 columns + 2), 10 rows its 6.
    expect(screenLines(out.chunks[2])).toEqual(['┌────────┐', '│        │', '│        │', '│        │', '│      ██│', '└────────┘']);
    expect(out.chunks.join('')).not.toMatch(/\x1b\[\d*A|\x1b\[2J/); // no cursor-up redraws, no flicker
  });

  it('picks the largest rendering that fits, and says in one line what it needs when none does', () => {
    const g = { kind: 'pixels', width: 128, height: 64 } as const;
    expect(fitRendering(g, { cols: 258, rows: 66 })).toBe('full');
    expect(fitRendering(g, { cols: 257, rows: 66 })).toBe('half');
    expect(fitRendering(g, { cols: 130, rows: 34 })).toBe('half');
    expect(fitRendering(g, { cols: 129, rows: 40 })).toBeNull();
    const out = new FakeTty(80, 24);
    const d = new TerminalDisplay(g, { stream: out, footer: () => ['keys'] });
    d.show(pixelFrame(128, 64, []));
    expect(screenLines(out.last())).toEqual(['the 128x64 panel needs a terminal of at least 130x34; this one is 80x24', 'keys']);
  });

  it('never draws a line wider than the terminal nor more lines than it has', () => {
    const out = new FakeTty(12, 5);
    const long = 'a log line far wider than twelve columns';
    const d = new TerminalDisplay({ kind: 'chars', cols: 3, rows: 1 }, { stream: out, footer: (room) => [long, long, long, long].slice(0, room.rows + 1) });
    d.show({ kind: 'chars', grid: { cols: 3, rows: 1, lines: ['abc'] } });
    const lines = screenLines(out.last());
    expect(lines).toEqual(['┌───┐', '│abc│', '└───┘', long.slice(0, 12), long.slice(0, 12)]);
  });

  it('follows a resize of the terminal', () => {
    const out = new FakeTty(8, 10);
    const d = new TerminalDisplay({ kind: 'pixels', width: 4, height: 2 }, { stream: out });
    d.show(pixelFrame(4, 2, [[0, 0]]));
    expect(screenLines(out.last())[1]).toBe('│▀   │');
    out.resize(10, 10);
    expect(screenLines(out.last())[1]).toBe('│██      │');
  });

  it('gives the terminal back on close and at process exit', async () => {
    const out = new FakeTty(20, 10);
    const d = new TerminalDisplay({ kind: 'pixels', width: 2, height: 2 }, { stream: out });
    const exitHooks = process.listenerCount('exit');
    d.show(pixelFrame(2, 2, [[0, 0]]));
    expect(process.listenerCount('exit')).toBe(exitHooks + 1);
    process.listeners('exit').at(-1)!.call(process, 0);
    expect(out.last()).toBe(ALT_OFF);
    expect(process.listenerCount('exit')).toBe(exitHooks);
    d.show(pixelFrame(2, 2, [[0, 0]]));
    out.chunks.length = 0;
    await d.close('keep');
    // Back on the normal screen, the panel asked to stay is drawn there once, with plain newlines.
    expect(out.chunks[0]).toBe(ALT_OFF);
    expect(out.chunks[1]).toBe('┌────┐\n│██  │\n│    │\n└────┘\n');
    expect(out.listeners).toBe(0);
    expect(process.listenerCount('exit')).toBe(exitHooks);
  });

  it('writes plain frames one after another when the stream is not a terminal', () => {
    const out = new FakeStream();
    const d = new TerminalDisplay({ kind: 'chars', cols: 2, rows: 1 }, { stream: out });
    d.show({ kind: 'chars', grid: { cols: 2, rows: 1, lines: ['hi'] } });
    expect(out.chunks).toEqual(['┌──┐\n│hi│\n└──┘\n\n']);
  });

  it('dims with SGR faint, blanks when off, and leaves the alternate screen on close("blank")', async () => {
    const out = new FakeTty(20, 10);
    const d = new TerminalDisplay({ kind: 'pixels', width: 2, height: 2 }, { stream: out });
    d.show(pixelFrame(2, 2, [[0, 0]]));
    d.setLevel('dim');
    expect(out.last()).toContain('\x1b[2m│██  │\x1b[0m');
    d.setLevel('off');
    expect(out.last()).toContain('│    │');
    d.setLevel('normal');
    await d.close('blank');
    expect(out.last()).toBe(ALT_OFF);
  });

  it('keeps going when the stream throws', () => {
    const d = new TerminalDisplay({ kind: 'chars', cols: 2, rows: 1 }, { stream: { write: () => { throw new Error('EPIPE'); } } });
    expect(() => d.show({ kind: 'chars', grid: { cols: 2, rows: 1, lines: ['hi'] } })).not.toThrow();
  });
});
