// The emulated glass as a picture (PNG) or as text, for tests, `render --display` and bug reports.
import { PNG } from 'pngjs';
import type { Bitmap } from '../../panel/frame';
import type { Cell } from './hd44780';

/** One text line per pixel row: '#' lit, '.' dark. */
export function bitmapToText(b: Bitmap): string {
  const lines: string[] = [];
  for (let y = 0; y < b.height; y++) {
    let s = '';
    for (let x = 0; x < b.width; x++) s += b.pixels[y * b.width + x] ? '#' : '.';
    lines.push(s);
  }
  return lines.join('\n') + '\n';
}

/** An OLED's glass: lit pixels in the panel's colour at the given brightness (0..1), on black. */
export function oledPng(b: Bitmap, level: number, scale = 2, rgb: [number, number, number] = [120, 200, 255]): Buffer {
  const png = new PNG({ width: b.width * scale, height: b.height * scale });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const lit = b.pixels[Math.floor(y / scale) * b.width + Math.floor(x / scale)] === 1;
      const i = (y * png.width + x) * 4;
      for (let k = 0; k < 3; k++) png.data[i + k] = lit ? Math.round(rgb[k] * level) : 0;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** 5x8 rows (bit 4 = leftmost) of the character a ROM code shows; supplied by the caller's font. */
export type RomGlyphs = (code: number) => readonly number[];

/**
 * An LCD's glass: 5x8 cells with a 1-pixel gap, dark pixels on a lit (or unlit) backlight. CGRAM cells are drawn
 * from the controller's own glyph rows; ROM cells from `romGlyphs`.
 */
export function lcdPng(cells: Cell[][], backlight: boolean, romGlyphs: RomGlyphs, scale = 3): Buffer {
  const rows = cells.length;
  const cols = cells[0]?.length ?? 0;
  const w = (cols * 6 + 1) * scale;
  const h = (rows * 9 + 1) * scale;
  const png = new PNG({ width: w, height: h });
  const bg = backlight ? [90, 160, 255] : [20, 30, 50];
  const off = backlight ? [80, 145, 235] : [18, 27, 45];
  const ink = [230, 240, 255];
  const put = (px: number, py: number, c: number[]): void => {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const i = ((py * scale + dy) * w + px * scale + dx) * 4;
        png.data[i] = c[0];
        png.data[i + 1] = c[1];
        png.data[i + 2] = c[2];
        png.data[i + 3] = 255;
      }
    }
  };
  for (let y = 0; y < h / scale; y++) for (let x = 0; x < w / scale; x++) put(x, y, bg);
  cells.forEach((row, r) =>
    row.forEach((cell, c) => {
      const glyph = cell.cgram ?? romGlyphs(cell.code);
      for (let gy = 0; gy < 8; gy++) {
        for (let gx = 0; gx < 5; gx++) {
          const on = ((glyph[gy] ?? 0) >> (4 - gx)) & 1;
          put(1 + c * 6 + gx, 1 + r * 9 + gy, on ? ink : off);
        }
      }
    }),
  );
  return PNG.sync.write(png);
}
