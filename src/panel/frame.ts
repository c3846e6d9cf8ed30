// The contract between the pure renderer (src/panel) and the displays (src/hw, terminal, png).
// A frame is plain data so that it can be diffed, compared in tests and sent to any output.

/** A 1-bit image, row-major, one byte per pixel (0 = dark, 1 = lit). */
export interface Bitmap {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * A character display's content: `rows` lines of exactly `cols` code points each.
 * Bar graphs use the partial cells in PARTIAL_CELLS; the HD44780 driver maps them to CGRAM glyphs.
 */
export interface CharFrame {
  readonly cols: number;
  readonly rows: number;
  readonly lines: readonly string[];
}

export type Frame = { readonly kind: 'pixels'; readonly bitmap: Bitmap } | { readonly kind: 'chars'; readonly grid: CharFrame };

export type Geometry =
  | { readonly kind: 'pixels'; readonly width: number; readonly height: number }
  | { readonly kind: 'chars'; readonly cols: number; readonly rows: number };

/**
 * A 5-pixel-wide LCD cell lit 1..5 columns from the left. Index i holds the cell with i+1 columns lit.
 * Unicode eighth blocks are the nearest terminal rendering of fifths.
 */
export const PARTIAL_CELLS = ['\u258F', '\u258E', '\u258C', '\u258A', '\u2588'] as const;

/**
 * The levels of an LCD column chart, filled from the bottom: index i is level i of 0..4. Level 0 is ROM A00's low
 * line (a sample of nothing, told apart from no sample, which is a blank); 1-3 light the bottom 2, 4 or 6 of the 8
 * rows (CGRAM glyphs the HD44780 driver loads); 4 is the full block. Unicode lower blocks are the nearest terminal
 * rendering.
 */
export const LEVEL_CELLS = ['_', '\u2582', '\u2584', '\u2586', '\u2588'] as const;

/** The sizes the panel draws for, as written in config and on the command line. */
export const SIZES = ['128x64', '128x32', '20x4', '16x2', '128x128'] as const;
export type SizeName = (typeof SIZES)[number];

export function geometryOf(size: SizeName): Geometry {
  const [a, b] = size.split('x').map(Number);
  return a > 40 ? { kind: 'pixels', width: a, height: b } : { kind: 'chars', cols: a, rows: b };
}

/** A Buffer over the same memory: Buffer.from(typedArray) would copy both frames on every tick. */
const viewOf = (p: Uint8Array): Buffer => Buffer.from(p.buffer, p.byteOffset, p.byteLength);

/** Whether b shows exactly what a shows, so the display need not be written again. */
export function sameFrame(a: Frame | null, b: Frame): boolean {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'chars' && b.kind === 'chars') return a.grid.lines.join('\n') === b.grid.lines.join('\n');
  if (a.kind === 'pixels' && b.kind === 'pixels') return viewOf(a.bitmap.pixels).equals(viewOf(b.bitmap.pixels));
  return false;
}
