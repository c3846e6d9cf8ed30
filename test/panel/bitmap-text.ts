// Finds drawn text in a bitmap: the text is drawn alone on a scratch canvas, and its box must match exactly
// (ink lit, background dark) somewhere in the frame. Lets tests read pixel screens back.
import { Canvas } from '../../src/panel/canvas';
import type { Bitmap } from '../../src/panel/frame';
import type { Font } from '../../src/panel/font';

export function findText(bitmap: Bitmap, text: string, font: Font): { x: number; y: number } | null {
  const w = font.width(text);
  const h = font.lineHeight;
  const c = new Canvas(w, h);
  c.text(0, 0, text, font);
  const pat = c.pixels;
  for (let y = 0; y + h <= bitmap.height; y++) {
    for (let x = 0; x + w <= bitmap.width; x++) {
      let ok = true;
      for (let j = 0; j < h && ok; j++) {
        for (let i = 0; i < w; i++) {
          if (pat[j * w + i] !== bitmap.pixels[(y + j) * bitmap.width + x + i]) {
            ok = false;
            break;
          }
        }
      }
      if (ok) return { x, y };
    }
  }
  return null;
}

export function litCount(bitmap: Bitmap): number {
  return bitmap.pixels.reduce((n, p) => n + p, 0);
}
