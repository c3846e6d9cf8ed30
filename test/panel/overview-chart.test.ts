// The overview's last hour of CPU allocation: a pixel a minute on the 128x64 (and square) OLEDs, a row of level
// cells on a 20x4 LCD, nothing where it would cost a number (128x32, 16x2). Read back from the frames drawn.
import { PNG } from 'pngjs';
import { frameToPng, LCD_INK } from '../../src/hw/png';
import { emptyHistory } from '../../src/panel/allocation-history';
import { fonts } from '../../src/panel/font';
import { geometryOf, LEVEL_CELLS, type Bitmap, type Frame, type SizeName } from '../../src/panel/frame';
import type { PanelModel } from '../../src/panel/model';
import { renderScreen, SHIFT_MARGIN } from '../../src/panel/render';
import { LCD_HOUR_TURN_MS } from '../../src/panel/screens/overview';
import { levelCells } from '../../src/panel/sparkline';
import { renderThroughEmulator } from '../../src/sim/i2c/render-through';
import { findText } from './bitmap-text';
import { fixtureSnapshot, fullModel, HISTORY_GAP, hourHistory, NOW } from './fixture-model';

const DCOS = 'master-state__v0.22.0_6agents_5frameworks__dcos-dcos-ui.json';
const withHour = (o: Partial<PanelModel> = {}): PanelModel => fullModel({ history: hourHistory(), ...o });
const noSamples = (o: Partial<PanelModel> = {}): PanelModel => fullModel({ history: emptyHistory(), ...o });

function bitmap(f: Frame): Bitmap {
  if (f.kind !== 'pixels') throw new Error('expected pixels');
  return f.bitmap;
}
function lines(f: Frame): readonly string[] {
  if (f.kind !== 'chars') throw new Error('expected chars');
  return f.grid.lines;
}
const draw = (model: PanelModel, size: SizeName, offset?: { x: number; y: number }): Bitmap => bitmap(renderScreen('overview', model, geometryOf(size), { offset }));

/** The pixels lit in `a` and dark in `b`, as [x, y]; and whether any pixel is lit in b and dark in a. */
function added(a: Bitmap, b: Bitmap): { lit: [number, number][]; removed: boolean } {
  const lit: [number, number][] = [];
  let removed = false;
  a.pixels.forEach((p, i) => {
    if (p && !b.pixels[i]) lit.push([i % a.width, Math.floor(i / a.width)]);
    if (!p && b.pixels[i]) removed = true;
  });
  return { lit, removed };
}

/** Lit pixels per column over x0..x1, counted in rows y0..y1 (inclusive). */
function heights(b: Bitmap, x0: number, x1: number, y0: number, y1: number): number[] {
  const out: number[] = [];
  for (let x = x0; x <= x1; x++) {
    let n = 0;
    for (let y = y0; y <= y1; y++) n += b.pixels[y * b.width + x];
    out.push(n);
  }
  return out;
}

/** What the fixture's hour looks like a pixel a minute, 8 pixels high: 0 for the gap, else 1 + share × 7. */
const EXPECTED_MINUTES = Array.from({ length: 60 }, (_, m) => (m >= HISTORY_GAP.from && m < HISTORY_GAP.to ? 0 : 1 + Math.round(((m % 5) / 4) * 7)));

describe('the hour on a 128x64 OLED', () => {
  const { small, medium } = fonts();

  it('is a pixel a minute between the running tasks and the frameworks, gaps where no snapshot was seen', () => {
    const b = draw(withHour(), '128x64');
    const left = findText(b, '1 task', small)!;
    const right = findText(b, '1 fw', small)!;
    expect(left).not.toBeNull();
    expect(right).not.toBeNull();
    // The chart stands on the digits' bottom row and is 8 rows tall.
    const cols = heights(b, left.x + small.width('1 task'), right.x - 1, left.y - 1, left.y + 6);
    const first = cols.findIndex((n) => n > 0);
    const last = cols.length - 1 - [...cols].reverse().findIndex((n) => n > 0);
    expect(cols.slice(first, last + 1)).toEqual(EXPECTED_MINUTES);
    // Nothing lit above or below those rows in its columns, and at least 4 pixels clear of each text.
    expect(heights(b, left.x + small.width('1 task') + first, left.x + small.width('1 task') + last, left.y - 4, left.y + 8)).toEqual(EXPECTED_MINUTES);
    expect(first).toBeGreaterThanOrEqual(4);
    expect(cols.length - 1 - last).toBeGreaterThanOrEqual(4);
  });

  it('overlaps nothing: without samples the same layout leaves its box dark, and the chart adds pixels only there', () => {
    for (const snapshot of [fixtureSnapshot(), fixtureSnapshot(DCOS)]) {
      const chart = draw(withHour({ snapshot }), '128x64');
      const bare = draw(noSamples({ snapshot }), '128x64');
      const { lit, removed } = added(chart, bare);
      expect(removed).toBe(false);
      expect(lit.length).toBeGreaterThan(60);
      const xs = lit.map(([x]) => x);
      const ys = lit.map(([, y]) => y);
      const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
      expect(box.y1 - box.y0 + 1).toBe(8);
      expect(box.x1 - box.x0 + 1).toBeLessThanOrEqual(60);
      for (let y = box.y0 - 1; y <= box.y1 + 1; y++) for (let x = box.x0 - 1; x <= box.x1 + 1; x++) expect(bare.pixels[y * bare.width + x]).toBe(0);
    }
  });

  it('keeps the resource values in the medium font and the counts as they were', () => {
    const dcos = fixtureSnapshot(DCOS);
    const b = draw(withHour({ snapshot: dcos }), '128x64');
    const before = draw(fullModel({ snapshot: dcos }), '128x64');
    for (const value of ['146/240', '0.58/1.5T', '0/43T']) expect(findText(b, value, medium)).toEqual(findText(before, value, medium));
    expect(findText(b, '6/6 agents', small)).toEqual(findText(before, '6/6 agents', small));
    expect(findText(b, '5 fw', small)).toEqual(findText(before, '5 fw', small));
    // "running" gives way to the chart; the count stays where it was.
    expect(findText(b, '131 tasks', small)).toEqual(findText(before, '131 tasks', small));
    expect(findText(b, '131 tasks running', small)).toBeNull();
  });

  it('moves with the burn-in shift, whole', () => {
    const still = added(draw(withHour(), '128x64'), draw(noSamples(), '128x64')).lit;
    const offset = { x: SHIFT_MARGIN.x, y: -SHIFT_MARGIN.y };
    const moved = added(draw(withHour(), '128x64', offset), draw(noSamples(), '128x64', offset)).lit;
    expect(moved).toEqual(still.map(([x, y]) => [x + offset.x, y + offset.y]));
  });

  it('holds still within a minute and steps one column when it is over, rather than shimmer with every frame', () => {
    const band = (b: Bitmap): number[] => {
      const left = findText(b, '1 task', small)!;
      return heights(b, left.x + small.width('1 task'), findText(b, '1 fw', small)!.x - 1, left.y - 1, left.y + 6);
    };
    const atNow = band(draw(withHour(), '128x64'));
    const first = atNow.findIndex((n) => n > 0);
    const early = draw(withHour({ now: NOW + 5_000 }), '128x64');
    expect(draw(withHour({ now: NOW + 55_000 }), '128x64')).toEqual(early);
    // A minute later with no new snapshot: everything one column to the left, the newest column empty.
    expect(band(early).slice(first, first + 60)).toEqual([...EXPECTED_MINUTES.slice(1), 0]);
  });

  it('draws a lone column at the right for the first snapshot', () => {
    const one = hourHistory().samples.slice(-1);
    const lit = added(draw(fullModel({ history: { ...emptyHistory(), samples: one } }), '128x64'), draw(noSamples(), '128x64')).lit;
    // Minute 59 used all 4 CPUs: one full column, the chart's last.
    expect(new Set(lit.map(([x]) => x))).toEqual(new Set([Math.max(...added(draw(withHour(), '128x64'), draw(noSamples(), '128x64')).lit.map(([x]) => x))]));
    expect(lit).toHaveLength(8);
  });

  it('ignores a history it cannot read rather than throw, keeping the layout without a chart', () => {
    const broken = { shape: { bucketMs: 10_000, buckets: 360 }, samples: [{ at: 1 }] } as unknown as PanelModel['history'];
    expect(draw(fullModel({ history: broken }), '128x64')).toEqual(draw(fullModel(), '128x64'));
  });
});

describe('where the hour fits and where it does not', () => {
  it('128x32 has no room: every row is a number today, so the frame is the same with or without a history', () => {
    expect(draw(withHour(), '128x32')).toEqual(draw(fullModel(), '128x32'));
  });

  it('16x2 keeps its two rows for CPU and memory', () => {
    expect(lines(renderScreen('overview', withHour(), geometryOf('16x2')))).toEqual(lines(renderScreen('overview', fullModel(), geometryOf('16x2'))));
  });

  it('a square 128x128 glass draws it beside the running tasks', () => {
    const { small } = fonts();
    const b = draw(withHour(), '128x128');
    const left = findText(b, '1 task', small)!;
    const cols = heights(b, left.x + small.width('1 task'), b.width - 1, left.y - 1, left.y + 6);
    const first = cols.findIndex((n) => n > 0);
    expect(cols.slice(first, first + 60)).toEqual(EXPECTED_MINUTES);
  });
});

describe('the hour on a 20x4 LCD', () => {
  const g = geometryOf('20x4');

  // NOW starts a disk turn; the 5 s before it were a chart turn.
  const chartTurn = NOW - LCD_HOUR_TURN_MS;

  it('takes turns on the bottom row: disk, then a row of level cells labelled 1h, each for 5 s', () => {
    const before = lines(renderScreen('overview', fullModel(), g));
    expect(lines(renderScreen('overview', withHour(), g))).toEqual(before);
    expect(before[3]).toMatch(/^DSK .*\/9\.8G$/);
    const l = lines(renderScreen('overview', withHour({ now: chartTurn }), g));
    expect(l.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(l.join('\n')).not.toContain('DSK');
    // 16 cells of 3¾ minutes: each shows the last minute sampled in it, in (m mod 5) quarters; minutes 20-29 are
    // the gap, which empties the cells of minutes 22½-30 and no other.
    const [, low, , high, full] = LEVEL_CELLS;
    expect(l[3]).toBe(`1h  ${high}${low}_${full}${high}${full}  ${high}${low}_${full}${high}${low}_${full}`);
    expect(lines(renderScreen('overview', withHour({ now: NOW + LCD_HOUR_TURN_MS }), g))[3]).toMatch(/^1h  /);
  });

  it('tells an idle cluster (the low line) from one not seen (a blank), and clamps what is out of range', () => {
    expect(levelCells([null, 0, 0.1, 0.25, 0.5, 0.75, 1, 7, -1, NaN])).toBe(` __${LEVEL_CELLS.slice(1).join('')}${LEVEL_CELLS[4]}_ `);
  });

  it('shows on the glass through the real driver: the level cells are CGRAM glyphs that read back as drawn', async () => {
    const frame = renderScreen('overview', withHour({ now: chartTurn }), g);
    const glass = await renderThroughEmulator(frame, { kind: 'hd44780', size: '20x4' });
    expect(glass.glassText.replace(/\n$/, '').split('\n')).toEqual(lines(frame));
  });

  it('the README picture draws the middle levels as their bottom 2, 4 and 6 rows', () => {
    const frame: Frame = { kind: 'chars', grid: { cols: 3, rows: 1, lines: [LEVEL_CELLS.slice(1, 4).join('')] } };
    const png = PNG.sync.read(frameToPng(frame));
    const ink = (x: number, y: number): boolean => [...png.data.slice((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)].join() === LCD_INK.join();
    // Cell i starts at 3 + 6i (a 3-pixel border, 5-pixel cells and 1-pixel gaps), its rows at 3..10.
    const rowsLit = [0, 1, 2].map((i) => Array.from({ length: 8 }, (_, y) => ink(3 + 6 * i + 2, 3 + y)).filter(Boolean).length);
    expect(rowsLit).toEqual([2, 4, 6]);
    expect(ink(3 + 6 * 2 + 2, 3)).toBe(false);
    expect(ink(3 + 6 * 2 + 2, 10)).toBe(true);
  });
});
