import { frameToText, TerminalDisplay } from '../../src/hw/terminal';
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

  it('redraws in place: the second frame moves the cursor up over the first', () => {
    const out = new FakeStream();
    const d = new TerminalDisplay({ kind: 'pixels', width: 4, height: 4 }, { stream: out });
    d.show(pixelFrame(4, 4, [[0, 0]]));
    d.show(pixelFrame(4, 4, [[3, 3]]));
    expect(out.chunks[0].startsWith('\x1b[')).toBe(false);
    expect(out.chunks[1].startsWith('\x1b[4A\r')).toBe(true);
    const lines = out.chunks[1].replace('\x1b[4A\r', '').split('\n').map((l) => l.replace(/\x1b\[K$/, ''));
    expect(lines.slice(0, 4)).toEqual(['┌────┐', '│    │', '│   ▄│', '└────┘']);
    expect(out.chunks.join('')).not.toMatch(/\x1b\[2J/); // never clears the whole screen (no flicker, no scroll)
  });

  it('dims with SGR faint, blanks when off, and blanks on close("blank")', async () => {
    const out = new FakeStream();
    const d = new TerminalDisplay({ kind: 'pixels', width: 2, height: 2 }, { stream: out });
    d.show(pixelFrame(2, 2, [[0, 0]]));
    d.setLevel('dim');
    expect(out.chunks[1]).toContain('\x1b[2m│▀ │\x1b[0m');
    d.setLevel('off');
    expect(out.chunks[2]).toContain('│  │');
    d.setLevel('normal');
    await d.close('blank');
    expect(out.chunks[out.chunks.length - 1]).toContain('│  │');
  });

  it('keeps going when the stream throws', () => {
    const d = new TerminalDisplay({ kind: 'chars', cols: 2, rows: 1 }, { stream: { write: () => { throw new Error('EPIPE'); } } });
    expect(() => d.show({ kind: 'chars', grid: { cols: 2, rows: 1, lines: ['hi'] } })).not.toThrow();
  });
});
