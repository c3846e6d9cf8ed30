// A 1-bit drawing surface. Every primitive clips to the physical frame, so a screen laid out for the logical
// area can be shifted by the burn-in offset (or draw a too-long string) without ever writing outside the bitmap.
import type { Bitmap } from './frame';
import type { Font } from './font';

export type Align = 'left' | 'right' | 'center';

export interface TextOpts {
  /** Truncate with "…" to fit this many pixels. */
  maxWidth?: number;
  /** Anchor x at the left edge (default), the right edge or the centre of the text. */
  align?: Align;
  /** Draw dark ink (for text on a filled box). */
  dark?: boolean;
}

export class Canvas {
  readonly pixels: Uint8Array;
  /** The logical area screens lay out in; drawing coordinates are relative to its top-left corner. */
  readonly width: number;
  readonly height: number;
  private readonly ox: number;
  private readonly oy: number;

  constructor(
    readonly frameWidth: number,
    readonly frameHeight: number,
    /** Where logical (0,0) falls on the frame, and the logical size; defaults to the whole frame. */
    area: { x: number; y: number; width: number; height: number } = { x: 0, y: 0, width: frameWidth, height: frameHeight },
  ) {
    this.pixels = new Uint8Array(frameWidth * frameHeight);
    this.ox = area.x;
    this.oy = area.y;
    this.width = area.width;
    this.height = area.height;
  }

  set(x: number, y: number, on = 1): void {
    const px = Math.floor(x) + this.ox;
    const py = Math.floor(y) + this.oy;
    if (px < 0 || py < 0 || px >= this.frameWidth || py >= this.frameHeight) return;
    this.pixels[py * this.frameWidth + px] = on ? 1 : 0;
  }

  get(x: number, y: number): number {
    const px = Math.floor(x) + this.ox;
    const py = Math.floor(y) + this.oy;
    if (px < 0 || py < 0 || px >= this.frameWidth || py >= this.frameHeight) return 0;
    return this.pixels[py * this.frameWidth + px];
  }

  /** Fills a rectangle, clipped once up front so large fills cost one pass over the visible pixels. */
  fill(x: number, y: number, w: number, h: number, on = 1): void {
    if (!(w > 0 && h > 0)) return;
    const x0 = Math.max(0, Math.floor(x) + this.ox);
    const y0 = Math.max(0, Math.floor(y) + this.oy);
    const x1 = Math.min(this.frameWidth, Math.floor(x) + Math.floor(w) + this.ox);
    const y1 = Math.min(this.frameHeight, Math.floor(y) + Math.floor(h) + this.oy);
    const v = on ? 1 : 0;
    for (let py = y0; py < y1; py++) this.pixels.fill(v, py * this.frameWidth + x0, py * this.frameWidth + Math.max(x0, x1));
  }

  hline(x: number, y: number, w: number, on = 1): void {
    this.fill(x, y, w, 1, on);
  }

  vline(x: number, y: number, h: number, on = 1): void {
    this.fill(x, y, 1, h, on);
  }

  rect(x: number, y: number, w: number, h: number, on = 1): void {
    if (!(w > 0 && h > 0)) return;
    this.hline(x, y, w, on);
    this.hline(x, y + h - 1, w, on);
    this.vline(x, y, h, on);
    this.vline(x + w - 1, y, h, on);
  }

  /** Bresenham line, both ends included. */
  line(x0: number, y0: number, x1: number, y1: number, on = 1): void {
    let [x, y] = [Math.round(x0), Math.round(y0)];
    const [tx, ty] = [Math.round(x1), Math.round(y1)];
    const dx = Math.abs(tx - x);
    const dy = -Math.abs(ty - y);
    const sx = x < tx ? 1 : -1;
    const sy = y < ty ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x, y, on);
      if (x === tx && y === ty) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Every other pixel lit in a checkerboard: the "offered" texture, visibly apart from solid "used". */
  dots(x: number, y: number, w: number, h: number): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) if (((x + i + y + j) & 1) === 0) this.set(x + i, y + j, 1);
  }

  /**
   * Draws text with its top (the font's ascent line) at y. Returns the width drawn in pixels.
   * Characters the fonts lack draw as "?" rather than failing.
   */
  text(x: number, y: number, text: string, font: Font, opts: TextOpts = {}): number {
    const s = opts.maxWidth !== undefined ? fit(text, font, opts.maxWidth) : text;
    const w = font.width(s);
    let pen = opts.align === 'right' ? x - w : opts.align === 'center' ? x - Math.floor(w / 2) : x;
    const baseline = y + font.ascent;
    const ink = opts.dark ? 0 : 1;
    for (const ch of s) {
      const g = font.glyph(ch.codePointAt(0) as number);
      const top = baseline - g.yOffset - g.height;
      for (let gy = 0; gy < g.height; gy++) {
        for (let gx = 0; gx < g.width; gx++) if (g.bits[gy * g.width + gx]) this.set(pen + g.xOffset + gx, top + gy, ink);
      }
      pen += g.advance;
    }
    return w;
  }

  /**
   * A horizontal bar with a 1-pixel outline: `used` fills solid from the left, `offered` follows it dotted.
   * Fractions are of the inner width, clamped to 0..1; NaN and null draw nothing inside.
   */
  bar(x: number, y: number, w: number, h: number, used: number | null, offered: number | null = 0): void {
    if (w < 3 || h < 3) return;
    this.rect(x, y, w, h);
    const inner = w - 2;
    const u = px(used, inner);
    const o = Math.min(inner - u, px(offered, inner));
    this.fill(x + 1, y + 1, u, h - 2);
    this.dots(x + 1 + u, y + 1, o, h - 2);
  }

  toBitmap(): Bitmap {
    return { width: this.frameWidth, height: this.frameHeight, pixels: this.pixels };
  }
}

function px(frac: number | null, inner: number): number {
  if (frac === null || !Number.isFinite(frac)) return 0;
  return Math.round(Math.min(1, Math.max(0, frac)) * inner);
}

/** The longest prefix of text that fits maxWidth pixels, ending in "…" when it was cut. */
export function fit(text: string, font: Font, maxWidth: number): string {
  if (font.width(text) <= maxWidth) return text;
  const chars = [...text];
  const ell = font.width('…');
  let w = 0;
  let n = 0;
  while (n < chars.length && w + font.width(chars[n]) + ell <= maxWidth) w += font.width(chars[n++]);
  return n === 0 ? '' : `${chars.slice(0, n).join('')}…`;
}
