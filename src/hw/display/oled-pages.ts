// Pixels to OLED display RAM, and which parts of the RAM changed. The SSD1306 family and the SH1106 store 8 vertical
// pixels per byte, bit 0 at the top (SSD1306 §8.7 Figure 8-13, SH1106 "Display data RAM"). The
// SH1107 turns that by a quarter: a byte holds 8 neighbouring segments, and a column address is a row of the glass
// (SH1107 V2.1 Figure 10, "RAM map").
import type { Bitmap } from '../../panel/frame';

/** The RAM a frame is written to: `columns` bytes per page, `pages` pages, and how a frame fills it. */
export interface RamLayout {
  readonly columns: number;
  readonly pages: number;
  pack(b: Bitmap): Uint8Array;
}

/** Pages of 8 rows across the glass: column = x, page = y / 8 (SSD1306, SSD1309, SH1106). */
export function rowPages(width: number, height: number): RamLayout {
  return { columns: width, pages: height / 8, pack: (b) => packPages(b, width, height) };
}

/** Pages of 8 columns down the glass: column = y, page = x / 8 (SH1107 with the glass's segments across). */
export function columnPages(width: number, height: number): RamLayout {
  return { columns: height, pages: width / 8, pack: (b) => packPages(transpose(b), height, width) };
}

function transpose(b: Bitmap): Bitmap {
  const pixels = new Uint8Array(b.width * b.height);
  for (let y = 0; y < b.height; y++) for (let x = 0; x < b.width; x++) pixels[x * b.height + y] = b.pixels[y * b.width + x];
  return { width: b.height, height: b.width, pixels };
}

/** Page-major RAM image of a bitmap: width bytes per page. Pixels outside the bitmap are dark. */
export function packPages(b: Bitmap, width: number, height: number): Uint8Array {
  const pages = height >> 3;
  const out = new Uint8Array(width * pages);
  const w = Math.min(width, b.width);
  const h = Math.min(height, b.height);
  for (let y = 0; y < h; y++) {
    const rowBase = (y >> 3) * width;
    const bit = 1 << (y & 7);
    for (let x = 0; x < w; x++) if (b.pixels[y * b.width + x]) out[rowBase + x] |= bit;
  }
  return out;
}

/** A rectangle of RAM to rewrite: pages p0..p1, columns c0..c1, inclusive. */
export interface Window {
  p0: number;
  p1: number;
  c0: number;
  c1: number;
}

/**
 * The windows covering every changed byte, cheapest first by a simple rule: runs within a page are joined when
 * the gap is shorter than a window's fixed cost, and runs on consecutive pages merge into one rectangle when
 * that costs no more than sending them apart.
 */
export function changedWindows(prev: Uint8Array, next: Uint8Array, width: number, overhead: number, stacks: boolean): Window[] {
  const pages = next.length / width;
  const perPage: Window[][] = [];
  for (let p = 0; p < pages; p++) {
    const runs: Window[] = [];
    let c = 0;
    while (c < width) {
      if (prev[p * width + c] === next[p * width + c]) {
        c++;
        continue;
      }
      const start = c;
      let end = c;
      let gap = 0;
      for (c++; c < width && gap < overhead; c++) {
        if (prev[p * width + c] !== next[p * width + c]) {
          end = c;
          gap = 0;
        } else gap++;
      }
      runs.push({ p0: p, p1: p, c0: start, c1: end });
      c = end + 1;
    }
    perPage.push(runs);
  }
  if (!stacks) return perPage.flat();
  const out: Window[] = [];
  let open: Window | undefined;
  const cost = (w: Window): number => overhead + (w.p1 - w.p0 + 1) * (w.c1 - w.c0 + 1);
  for (const runs of perPage) {
    if (open && runs.length === 1) {
      const r = runs[0];
      const merged = { p0: open.p0, p1: r.p1, c0: Math.min(open.c0, r.c0), c1: Math.max(open.c1, r.c1) };
      if (cost(merged) <= cost(open) + cost(r)) {
        open = merged;
        continue;
      }
    }
    if (open) out.push(open);
    open = undefined;
    if (runs.length === 1) open = runs[0];
    else out.push(...runs);
  }
  if (open) out.push(open);
  return out;
}

/** The bytes of a window, in the order horizontal addressing writes them. */
export function windowBytes(ram: Uint8Array, width: number, w: Window): Uint8Array {
  const n = w.c1 - w.c0 + 1;
  const out = new Uint8Array(n * (w.p1 - w.p0 + 1));
  for (let p = w.p0; p <= w.p1; p++) out.set(ram.subarray(p * width + w.c0, p * width + w.c1 + 1), (p - w.p0) * n);
  return out;
}
