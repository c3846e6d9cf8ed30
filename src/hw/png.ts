// PNG output for development and the README: pixel frames look like an OLED (light on black), character frames
// like an HD44780 (dark 5x8 cells on a green backlight, a 1-pixel gap between cells).
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { fonts } from '../panel/font';
import { LEVEL_CELLS, PARTIAL_CELLS, type Frame, type Geometry } from '../panel/frame';
import type { Display } from './display';

export type Rgb = readonly [number, number, number];
type Level = 'normal' | 'dim' | 'off';

export const OLED_LIT: Rgb = [0xd8, 0xec, 0xff];
export const OLED_DARK: Rgb = [0, 0, 0];
export const LCD_BACK: Rgb = [0x9c, 0xc4, 0x2b];
/** Unlit cell pixels are faintly visible on a real LCD; drawing them shows the cell grid. */
export const LCD_CELL: Rgb = [0x8f, 0xb8, 0x26];
export const LCD_INK: Rgb = [0x1e, 0x30, 0x10];

const CELL_W = 5;
const CELL_H = 8;
const GAP = 1;
const BORDER = 3;

/** Pixel size of the image of a frame at scale 1. */
export function imageSize(frame: Frame): { width: number; height: number } {
  if (frame.kind === 'pixels') return { width: frame.bitmap.width, height: frame.bitmap.height };
  const { cols, rows } = frame.grid;
  return { width: 2 * BORDER + cols * (CELL_W + GAP) - GAP, height: 2 * BORDER + rows * (CELL_H + GAP) - GAP };
}

/** Draws one LCD character into a 5x8 cell matrix: partial cells as lit columns, chart levels as lit rows, others from the small font. */
function cellPixels(ch: string): Uint8Array {
  const out = new Uint8Array(CELL_W * CELL_H);
  const partial = (PARTIAL_CELLS as readonly string[]).indexOf(ch);
  if (partial >= 0) {
    for (let y = 0; y < CELL_H; y++) for (let x = 0; x <= partial; x++) out[y * CELL_W + x] = 1;
    return out;
  }
  // The middle chart levels light their bottom 2, 4 or 6 rows, as the driver's CGRAM glyphs do.
  const level = (LEVEL_CELLS as readonly string[]).indexOf(ch);
  if (level >= 1 && level <= 3) {
    out.fill(1, (CELL_H - 2 * level) * CELL_W);
    return out;
  }
  if (ch === ' ') return out;
  const { small } = fonts();
  const g = small.glyph(ch.codePointAt(0) as number);
  const top = small.ascent - g.yOffset - g.height;
  for (let gy = 0; gy < g.height; gy++) {
    for (let gx = 0; gx < g.width; gx++) {
      const x = gx + g.xOffset;
      const y = gy + top;
      if (g.bits[gy * g.width + gx] && x >= 0 && x < CELL_W && y >= 0 && y < CELL_H) out[y * CELL_W + x] = 1;
    }
  }
  return out;
}

/**
 * One value per image pixel at scale 1: 0 background, 1 unlit cell pixel, 2 ink. The browser mirror draws the
 * same raster with the same palette, so its pixels equal this PNG's.
 */
export function raster(frame: Frame): { width: number; height: number; data: Uint8Array } {
  const { width, height } = imageSize(frame);
  if (frame.kind === 'pixels') {
    const data = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = frame.bitmap.pixels[i] ? 2 : 0;
    return { width, height, data };
  }
  const data = new Uint8Array(width * height);
  const cache = new Map<string, Uint8Array>();
  frame.grid.lines.forEach((line, row) => {
    [...line].forEach((ch, col) => {
      let cp = cache.get(ch);
      if (!cp) cache.set(ch, (cp = cellPixels(ch)));
      const x0 = BORDER + col * (CELL_W + GAP);
      const y0 = BORDER + row * (CELL_H + GAP);
      for (let y = 0; y < CELL_H; y++) for (let x = 0; x < CELL_W; x++) data[(y0 + y) * width + x0 + x] = cp[y * CELL_W + x] ? 2 : 1;
    });
  });
  return { width, height, data };
}

function dimmed(c: Rgb, level: Level, base: Rgb): Rgb {
  if (level === 'normal') return c;
  const f = level === 'dim' ? 0.4 : 0;
  return [0, 1, 2].map((i) => Math.round(base[i] + (c[i] - base[i]) * f)) as unknown as Rgb;
}

/** The colours of raster values 0, 1 and 2 for a kind of glass at a brightness level. */
export function paletteOf(kind: Frame['kind'], level: Level): Rgb[] {
  if (kind === 'pixels') return [OLED_DARK, OLED_DARK, dimmed(OLED_LIT, level, OLED_DARK)];
  if (level === 'off') return [[0x55, 0x66, 0x22], [0x55, 0x66, 0x22], [0x55, 0x66, 0x22]];
  return [LCD_BACK, LCD_CELL, level === 'dim' ? dimmed(LCD_INK, 'dim', LCD_CELL) : LCD_INK];
}

/**
 * Encodes a frame as PNG, `scale` image pixels per display pixel. `level` previews the burn-in policy:
 * dim lowers OLED brightness or LCD contrast, off shows the glass blank.
 */
export function frameToPng(frame: Frame, scale = 1, level: Level = 'normal'): Buffer {
  const k = Math.max(1, Math.floor(scale));
  const r = raster(frame);
  const palette = paletteOf(frame.kind, level);
  const png = new PNG({ width: r.width * k, height: r.height * k, colorType: 2, inputHasAlpha: false });
  const W = r.width * k;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const [cr, cg, cb] = palette[r.data[y * r.width + x]];
      for (let dy = 0; dy < k; dy++) {
        let o = ((y * k + dy) * W + x * k) * 4;
        for (let dx = 0; dx < k; dx++, o += 4) {
          png.data[o] = cr;
          png.data[o + 1] = cg;
          png.data[o + 2] = cb;
          png.data[o + 3] = 255;
        }
      }
    }
  }
  return PNG.sync.write(png, { colorType: 2 });
}

export interface PngDisplayOpts {
  /** The file to keep up to date with the newest frame. */
  file: string;
  scale?: number;
  name?: string;
  /**
   * Called with a one-line message when writes start failing: once, not on every frame, until a write succeeds
   * again (then `onRecover`). The display keeps going.
   */
  onError?: (message: string) => void;
  onRecover?: (message: string) => void;
}

/**
 * A Display that keeps a PNG file showing the newest frame. Writes go to a temp file that is renamed over the
 * target, so a viewer never sees half a file; one write is in flight and newer frames replace a queued one.
 */
export class PngDisplay implements Display {
  readonly name: string;
  private level: Level = 'normal';
  private last: Frame | null = null;
  private queued: Frame | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;

  constructor(
    readonly geometry: Geometry,
    private readonly opts: PngDisplayOpts,
  ) {
    this.name = opts.name ?? `png:${opts.file}`;
  }

  show(frame: Frame): void {
    this.last = frame;
    this.queued = frame;
    this.pump();
  }

  setLevel(level: Level): void {
    if (level === this.level) return;
    this.level = level;
    if (this.last) this.show(this.last);
  }

  async close(leave: 'blank' | 'keep'): Promise<void> {
    if (leave === 'blank' && this.last) {
      this.level = 'off';
      this.queued = this.last;
      this.pump();
    }
    while (this.writing) await this.writing;
  }

  private pump(): void {
    if (this.writing || !this.queued) return;
    const frame = this.queued;
    this.queued = null;
    this.writing = this.write(frame).finally(() => {
      this.writing = null;
      this.pump();
    });
  }

  private async write(frame: Frame): Promise<void> {
    const tmp = path.join(path.dirname(this.opts.file), `.${path.basename(this.opts.file)}.${process.pid}.tmp`);
    try {
      await fs.promises.writeFile(tmp, frameToPng(frame, this.opts.scale ?? 1, this.level));
      await fs.promises.rename(tmp, this.opts.file);
      if (this.failing) this.opts.onRecover?.(`png display: writing ${this.opts.file} again`);
      this.failing = false;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (!this.failing) this.opts.onError?.(`png display: cannot write ${this.opts.file} (${err.code ?? err.message}); check the directory exists and is writable`);
      this.failing = true;
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
