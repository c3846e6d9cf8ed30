// Synthetic frames for display tests and the I2C bench: seeded random bitmaps, checkerboards, a text-like
// block pattern, and a π-screen-like update (digits change, a progress bar moves).
import type { Bitmap, Frame } from '../../panel/frame';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function randomBitmap(width: number, height: number, seed: number): Bitmap {
  const r = rng(seed);
  return { width, height, pixels: Uint8Array.from({ length: width * height }, () => (r() < 0.5 ? 1 : 0)) };
}

export function checkerboard(width: number, height: number, cell = 1): Bitmap {
  return { width, height, pixels: Uint8Array.from({ length: width * height }, (_, i) => ((Math.floor((i % width) / cell) + Math.floor(i / width / cell)) % 2)) };
}

/** A screen like the π one: blocks of "digits", a label row and a progress bar `progress` pixels long. */
export function piLike(width: number, height: number, digits: string, progress: number): Bitmap {
  const px = new Uint8Array(width * height);
  const set = (x: number, y: number): void => void (x < width && y < height && (px[y * width + x] = 1));
  for (let x = 0; x < width; x += 2) set(x, 2); // a rule
  [...digits].forEach((d, i) => {
    const v = d.charCodeAt(0);
    for (let y = 0; y < 15; y++) for (let x = 0; x < 8; x++) if (((v * 7 + x * 3 + y * 5) >> 2) & 1) set(1 + i * 9 + x, 8 + y);
  });
  for (let y = height - 8; y < height - 2; y++) for (let x = 2; x < 2 + progress; x++) set(x, y);
  return { width, height, pixels: px };
}

export const pixels = (bitmap: Bitmap): Frame => ({ kind: 'pixels', bitmap });

export function rotate180(b: Bitmap): Bitmap {
  return { width: b.width, height: b.height, pixels: Uint8Array.from(b.pixels).reverse() };
}
