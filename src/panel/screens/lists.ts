// Layout shared by the list screens (agents, frameworks): one line per item, paged when they do not fit.
import type { Canvas } from '../canvas';
import { fonts } from '../font';
import type { Geometry } from '../frame';

/** Items per page: pixel rows of 10 px under an 8-px header (7 px rows on 128x32), LCD rows under a header. */
export function perPage(geometry: Geometry): number {
  if (geometry.kind === 'chars') return geometry.rows >= 4 ? geometry.rows - 1 : geometry.rows;
  const h = geometry.height - 2; // the burn-in margin
  return h >= 48 ? Math.floor((h - 10) / 10) : Math.floor((h - 8) / 7);
}

export function pixelRows(c: Canvas): { top: number; step: number; barH: number } {
  return c.height >= 48 ? { top: 11, step: 10, barH: 7 } : { top: 8, step: 7, barH: 5 };
}

export function header(c: Canvas, title: string, page: number, pages: number): void {
  const { small } = fonts();
  c.text(0, 0, title, small);
  if (pages > 1) c.text(c.width, 0, `${page + 1}/${pages}`, small, { align: 'right' });
}

export function slice<T>(items: T[], page: number, n: number): T[] {
  return items.slice(page * n, page * n + n);
}
