// A character grid for HD44780 LCDs (16x2, 20x4). It only ever holds characters that ROM A00 can show, plus the
// glyphs the driver loads into CGRAM (the PARTIAL_CELLS of bar graphs, the LEVEL_CELLS of column charts and the CUT
// mark), so what the grid says is what the glass shows.
import { LEVEL_CELLS, PARTIAL_CELLS, type CharFrame } from './frame';

/**
 * The non-ASCII characters the grid may emit: ones the screens use that ROM A00 has (HD44780U datasheet,
 * table 4; the driver's hw/i2c/hd44780-rom.ts maps them to codes, and a test checks it has each). Everything
 * else the grid holds is printable ASCII or a PARTIAL_CELLS glyph.
 */
export const A00_EXTRAS: ReadonlySet<string> = new Set(['°', 'π', 'µ', '→', '←']);

/**
 * Where text was cut. A00 has no ellipsis, and a "." or "-" there reads as part of a host name or an address, so
 * the driver loads "…" into a free CGRAM slot.
 */
export const CUT = '…';

/** A00 has ¥ at 0x5C and arrows at 0x7E/0x7F, so backslash and tilde would show as something else. */
const REPLACE: Record<string, string> = {
  '\\': '/',
  '~': '-',
  '×': 'x',
  '·': '.',
  '–': '-',
  '—': '-',
  '±': '+',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '↑': '^',
  '↓': 'v',
};

const PARTIAL = new Set<string>([...PARTIAL_CELLS, ...LEVEL_CELLS]);
export const FULL_CELL = PARTIAL_CELLS[4];

/** Maps one character to what A00 can show: itself, a lookalike, or "?". */
export function toA00(ch: string): string {
  if (PARTIAL.has(ch) || A00_EXTRAS.has(ch) || ch === CUT) return ch;
  const code = ch.codePointAt(0) as number;
  if (code >= 0x20 && code <= 0x7d && ch !== '\\') return ch;
  return REPLACE[ch] ?? '?';
}

export class CharGrid {
  private readonly cells: string[][];

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.cells = Array.from({ length: rows }, () => new Array<string>(cols).fill(' '));
  }

  /** Writes text from (col,row), mapped to A00 and clipped at the right edge. Returns the columns written. */
  put(col: number, row: number, text: string): number {
    if (row < 0 || row >= this.rows) return 0;
    let c = col;
    for (const ch of text) {
      if (c >= this.cols) break;
      if (c >= 0) this.cells[row][c] = toA00(ch);
      c++;
    }
    return Math.max(0, Math.min(c, this.cols) - Math.max(col, 0));
  }

  /** Writes text so that it ends at the right edge of the row. */
  putRight(row: number, text: string, endCol = this.cols): void {
    this.put(endCol - [...text].length, row, text);
  }

  /** Centres text on a row. */
  putCenter(row: number, text: string): void {
    this.put(Math.max(0, Math.floor((this.cols - [...text].length) / 2)), row, text);
  }

  clearRow(row: number): void {
    if (row >= 0 && row < this.rows) this.cells[row].fill(' ');
  }

  /**
   * A bar of `width` cells. `used` is drawn in fifths of a cell with PARTIAL_CELLS; `offered` follows as "-" in
   * whole cells (an LCD cannot hatch), so used and offered stay apart. Fractions clamp to 0..1; NaN draws nothing.
   */
  bar(col: number, row: number, width: number, used: number | null, offered: number | null = 0): void {
    const fifths = Math.round(clamp(used) * width * 5);
    const full = Math.floor(fifths / 5);
    const cells: string[] = new Array(width).fill(' ');
    for (let i = 0; i < full && i < width; i++) cells[i] = FULL_CELL;
    let next = full;
    if (fifths % 5 > 0 && full < width) cells[next++] = PARTIAL_CELLS[(fifths % 5) - 1];
    const offeredEnd = Math.min(width, Math.round((clamp(used) + clamp(offered)) * width));
    for (let i = next; i < offeredEnd; i++) cells[i] = '-';
    for (let i = 0; i < width; i++) if (col + i >= 0 && col + i < this.cols && row >= 0 && row < this.rows) this.cells[row][col + i] = cells[i];
  }

  /** Reads back one row as a string, for overlays and tests. */
  line(row: number): string {
    return this.cells[row]?.join('') ?? '';
  }

  toFrame(): CharFrame {
    return { cols: this.cols, rows: this.rows, lines: this.cells.map((r) => r.join('')) };
  }
}

function clamp(f: number | null): number {
  return f === null || !Number.isFinite(f) ? 0 : Math.min(1, Math.max(0, f));
}
