// The overview's chart of the last hour: one column per equal slice of the hour, the newest at the right, as tall as
// the share of the CPUs that was used. A slice the panel saw no snapshot in (the daemon had just started, the master
// was unreachable) stays empty, a gap, while a sample of nothing still lights the bottom: "idle" and "unknown" must
// not look alike.
import type { Canvas } from './canvas';
import { LEVEL_CELLS } from './frame';
import { usedShare, type AllocationHistory } from './allocation-history';

/** A pixel a minute: wide enough to show a job's start and end, narrow enough to sit beside the footer's text. */
const HOUR_COLUMNS = 60;
/** Below this many free pixels a chart says too little to be worth drawing. */
const MIN_COLUMNS = 16;
/** Eight rows: the small font's six-row digits and two rows above them, so a full hour stands out from the text. */
const CHART_HEIGHT = 8;
/** Space between the chart and the text beside it. */
const GAP = 4;

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Columns from x, bottom row at y + h - 1: each sampled column lights 1 + share × (h - 1) pixels. */
function drawColumns(c: Canvas, x: number, y: number, h: number, shares: readonly (number | null)[]): void {
  shares.forEach((s, i) => {
    if (s === null || !Number.isFinite(s)) return;
    const n = 1 + Math.round(clamp01(s) * (h - 1));
    c.vline(x + i, y + h - n, n);
  });
}

/**
 * The used share of the CPUs in `columns` slices of the hour. The slices are fixed in time (the hour ends at the
 * next slice boundary, not at `now`): with slices that moved with every frame, the sample that speaks for a slice
 * would change at every poll and the chart would shimmer; fixed, it steps one column when a slice is complete.
 */
export function hourShares(history: AllocationHistory, now: number, columns: number): (number | null)[] {
  const step = (history.shape.bucketMs * history.shape.buckets) / columns;
  return usedShare(history, Math.ceil(now / step) * step, columns, 'cpus');
}

/**
 * Where `now` stands for the charts of each width in `columns`: the last slice boundary before it, over all those
 * widths. Each chart stays the same until `now` passes its next boundary (hourShares), so two times with the same
 * value draw the same charts of this history.
 */
export function hourClock(history: AllocationHistory, now: number, columns: Iterable<number>): number {
  let last = -Infinity;
  for (const w of columns) {
    const step = (history.shape.bucketMs * history.shape.buckets) / w;
    last = Math.max(last, (Math.ceil(now / step) - 1) * step);
  }
  return last;
}

/** Every width drawHourBetween may give its chart. */
export const HOUR_WIDTHS: readonly number[] = Array.from({ length: HOUR_COLUMNS - MIN_COLUMNS + 1 }, (_, i) => MIN_COLUMNS + i);

/**
 * The hour's chart centred in the free width between two texts on a line whose text top is y, its bottom on the
 * digits' bottom row: at most HOUR_COLUMNS wide, none when less than MIN_COLUMNS is free.
 */
export function drawHourBetween(c: Canvas, y: number, from: number, to: number, history: AllocationHistory, now: number): void {
  const free = to - from - 2 * GAP;
  if (free < MIN_COLUMNS) return;
  const w = Math.min(HOUR_COLUMNS, free);
  drawColumns(c, from + GAP + Math.floor((free - w) / 2), y - 1, CHART_HEIGHT, hourShares(history, now, w));
}

/** The same as a row of LCD cells: five levels from the ROM's low line to the full block, a blank where nothing was seen. */
export function levelCells(shares: readonly (number | null)[]): string {
  const top = LEVEL_CELLS.length - 1;
  return shares.map((s) => (s === null || !Number.isFinite(s) ? ' ' : LEVEL_CELLS[Math.round(clamp01(s) * top)])).join('');
}
