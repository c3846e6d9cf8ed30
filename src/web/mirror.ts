// The mirror: what the glass shows, as the browser draws it. Every frame the display gets (and every change of
// its brightness level) goes through here; it is rasterised exactly as `render` draws a PNG (src/hw/png.ts:
// OLED pixels, or LCD character cells with their CGRAM bars) and sent to the browsers as the rows that
// changed, packed at 1 bit per pixel (OLED) or 2 bits (LCD: background, unlit cell, ink). A new browser first
// gets the whole raster. A π-screen update at 128x64 changes a few text rows and the progress bar: a few
// hundred bytes, where the whole 1-bit frame in base64 would be 1368.
import type { Display } from '../hw/display';
import { paletteOf, raster, type Rgb } from '../hw/png';
import type { Frame } from '../panel/frame';

type Level = 'normal' | 'dim' | 'off';

/** What the browser applies: any of size, palette and row ranges (first row, base64 of the packed rows). */
export interface MirrorMessage {
  w?: number;
  h?: number;
  bpp?: 1 | 2;
  pal?: Rgb[];
  level?: Level;
  rows?: [number, string][];
  /** Counts frames, so a test or the page can tell a new one arrived. */
  seq: number;
}

export class MirrorState {
  private kind: Frame['kind'] = 'pixels';
  private w = 0;
  private h = 0;
  private bpp: 1 | 2 = 1;
  private packed: Buffer = Buffer.alloc(0);
  private level: Level = 'normal';
  private seq = 0;

  /** The message that brings a new browser up to date, or null before the first frame. */
  full(): MirrorMessage | null {
    if (!this.w) return null;
    return { w: this.w, h: this.h, bpp: this.bpp, pal: paletteOf(this.kind, this.level), level: this.level, rows: [[0, this.packed.toString('base64')]], seq: this.seq };
  }

  /** Takes a frame; returns what changed for the browsers already drawing, or null when nothing did. */
  show(frame: Frame): MirrorMessage | null {
    const r = raster(frame);
    const bpp = frame.kind === 'pixels' ? 1 : 2;
    const rowBytes = Math.ceil((r.width * bpp) / 8);
    const packed = Buffer.alloc(rowBytes * r.height);
    const perByte = 8 / bpp;
    for (let y = 0; y < r.height; y++) {
      for (let x = 0; x < r.width; x++) {
        const v = r.data[y * r.width + x];
        if (!v) continue;
        const bits = bpp === 1 ? 1 : v;
        packed[y * rowBytes + Math.floor(x / perByte)] |= bits << (8 - bpp * (1 + (x % perByte)));
      }
    }
    const resized = r.width !== this.w || r.height !== this.h || frame.kind !== this.kind;
    const before = this.packed;
    this.kind = frame.kind;
    this.w = r.width;
    this.h = r.height;
    this.bpp = bpp;
    this.packed = packed;
    this.seq++;
    if (resized) return this.full();
    const rows = changedRows(before, packed, rowBytes, r.height);
    return rows.length ? { rows, seq: this.seq } : null;
  }

  /** A brightness change: the browsers recolour what they have. */
  setLevel(level: Level): MirrorMessage | null {
    if (level === this.level) return null;
    this.level = level;
    if (!this.w) return null;
    return { pal: paletteOf(this.kind, level), level, seq: ++this.seq };
  }
}

/** Ranges of consecutive changed rows, each as [first row, base64 of those rows]. */
function changedRows(before: Buffer, after: Buffer, rowBytes: number, height: number): [number, string][] {
  const out: [number, string][] = [];
  let start = -1;
  for (let y = 0; y <= height; y++) {
    const changed = y < height && before.compare(after, y * rowBytes, (y + 1) * rowBytes, y * rowBytes, (y + 1) * rowBytes) !== 0;
    if (changed && start < 0) start = y;
    if (!changed && start >= 0) {
      out.push([start, after.subarray(start * rowBytes, y * rowBytes).toString('base64')]);
      start = -1;
    }
  }
  return out;
}

/** A Display that shows on `inner` and tells `onMessage` what the mirror must draw. */
export function mirrored(inner: Display, state: MirrorState, onMessage: (m: MirrorMessage) => void): Display {
  return {
    name: inner.name,
    geometry: inner.geometry,
    show(frame) {
      inner.show(frame);
      const m = state.show(frame);
      if (m) onMessage(m);
    },
    setLevel(level) {
      inner.setLevel(level);
      const m = state.setLevel(level);
      if (m) onMessage(m);
    },
    close: (leave) => inner.close(leave),
  };
}
