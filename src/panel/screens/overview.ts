// overview: the leader, agents active of total, CPU / memory / disk bars (used solid, offered dotted), running tasks,
// and where the model keeps one, the last hour of CPU allocation as a small chart.
import type { AllocationHistory } from '../allocation-history';
import type { Canvas } from '../canvas';
import type { CharGrid } from '../chargrid';
import { fonts } from '../font';
import { bytesPair, fraction, pair } from '../format';
import type { PanelModel } from '../model';
import { drawHourBetween, HOUR_WIDTHS, hourClock, hourShares, levelCells } from '../sparkline';
import type { Geometry } from '../frame';
import type { ClusterSnapshot } from '../../mesos/snapshot';
import { agentsText, hostOnly, leaderText, resource, runningTasks, snapshotOf, type Screen, type ScreenContext } from './screen';

interface Row {
  label: string;
  value: string;
  used: number | null;
  offered: number | null;
}

/** The three resource rows, values in the compact form ("1.2/7.6G") that fits beside a bar. */
export function resourceRows(s: ClusterSnapshot | null): Row[] {
  const cpu = resource(s, 'cpus');
  const mem = resource(s, 'mem');
  const disk = resource(s, 'disk');
  return [
    { label: 'CPU', value: pair(cpu.used, cpu.total), used: fraction(cpu.used, cpu.total), offered: fraction(cpu.offered, cpu.total) },
    { label: 'MEM', value: bytesPair(mem.used, mem.total, false), used: fraction(mem.used, mem.total), offered: fraction(mem.offered, mem.total) },
    { label: 'DSK', value: bytesPair(disk.used, disk.total, false), used: fraction(disk.used, disk.total), offered: fraction(disk.offered, disk.total) },
  ];
}

function tasksText(s: ClusterSnapshot | null): string {
  const n = runningTasks(s);
  return n === null ? '? tasks' : `${n} task${n === 1 ? '' : 's'}`;
}

/**
 * The model's history when it keeps one that can be read. Without one (a one-shot render has a single snapshot)
 * the overview keeps the layout it had before charts, rather than give room to a chart of nothing.
 */
function historyOf(model: PanelModel): AllocationHistory | null {
  const h = model?.history;
  const shapeOk = h && Number.isFinite(h.shape?.bucketMs) && h.shape.bucketMs > 0 && Number.isInteger(h.shape?.buckets) && h.shape.buckets > 0;
  return shapeOk && Array.isArray(h.samples) && h.samples.every((x) => Number.isFinite(x?.at) && x.cpus && x.mem && x.disk) ? h : null;
}

/**
 * The tasks running at the left of a line at y, `right` (if any) at its right, and with a history the hour's chart
 * between them; "running" gives way to the chart.
 */
export function tasksAndHour(c: Canvas, y: number, model: PanelModel, right: string | null): void {
  const { small } = fonts();
  const history = historyOf(model);
  const s = snapshotOf(model);
  const lw = c.text(0, y, history ? tasksText(s) : `${tasksText(s)} running`, small);
  const rw = right === null ? 0 : c.text(c.width, y, right, small, { align: 'right' });
  if (history) drawHourBetween(c, y, lw, c.width - rw, history, model.now);
}

function pixels(c: Canvas, { model }: ScreenContext): void {
  const { small, medium } = fonts();
  const s = snapshotOf(model);
  const rows = resourceRows(s);
  const tall = c.height >= 48;
  const right = `${agentsText(s)} agents`;
  const rw = c.text(c.width, 0, tall ? right : `${agentsText(s)} ag · ${tasksText(s)}`, small, { align: 'right' });
  c.text(0, 0, tall ? (s?.leader ?? '?') : hostOnly(s?.leader), small, { maxWidth: c.width - rw - 4 });

  // Tall displays: medium values on 14-pixel rows. Short ones: small values on 7-pixel rows.
  const valueFont = tall ? medium : small;
  const rowH = tall ? 14 : 7;
  const top = tall ? 10 : 8;
  const barH = tall ? 9 : 6;
  const valueW = Math.max(...rows.map((r) => valueFont.width(r.value)));
  const labelW = small.width('DSK') + 2;
  const barW = c.width - labelW - valueW - 3;
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    c.text(0, y + Math.floor((rowH - small.ascent) / 2) - (tall ? 0 : 1), r.label, small);
    c.bar(labelW, y + Math.floor((rowH - barH) / 2) - (tall ? 1 : 0), barW, barH, r.used, r.offered);
    c.text(c.width, y + (tall ? 0 : -1), r.value, valueFont, { align: 'right' });
  });
  if (tall) {
    const fw = s?.frameworks?.registered;
    tasksAndHour(c, top + 3 * rowH + 1, model, `${Number.isFinite(fw) ? fw : '?'} fw`);
  }
}

/** On a 4-row LCD with a history, the bottom row shows disk and the hour's CPU chart in turn, this long each. */
export const LCD_HOUR_TURN_MS = 5000;

/** Whether the 4-row LCD's bottom row shows the chart (rather than disk) at `now`. */
const chartTurnAt = (now: number): boolean => Math.floor(now / LCD_HOUR_TURN_MS) % 2 === 1;

/** The LCD's label column: "CPU " where 20 columns leave room, "C" and a space on 16. */
const lcdLabelWidth = (cols: number): number => (cols >= 20 ? 4 : 2);

/**
 * On a 4-row LCD with a history, the bottom row takes turns: disk, then the hour's CPU chart, so that neither the
 * chart nor a resource is lost for good. A 16x2's two rows stay CPU and memory, which a chart would cost one of.
 */
function chars(g: CharGrid, { model }: ScreenContext): void {
  const s = snapshotOf(model);
  const rows = resourceRows(s);
  const wide = g.cols >= 20;
  const counts = `${agentsText(s)}ag ${runningTasks(s) ?? '?'}run`;
  const history = g.rows >= 4 ? historyOf(model) : null;
  const chartTurn = history !== null && chartTurnAt(model.now);
  const barRows = chartTurn ? rows.slice(0, 2) : g.rows >= 4 ? rows : rows.slice(0, g.rows);
  if (g.rows >= 4) {
    g.put(0, 0, leaderText(s?.leader, g.cols - counts.length - 1));
    g.putRight(0, counts);
  }
  const first = g.rows >= 4 ? 1 : 0;
  // The value column is as wide in both turns, so that the bars do not jump when the bottom row changes.
  const valueW = Math.max(...(g.rows >= 4 ? rows : barRows).map((r) => r.value.length));
  const labelW = lcdLabelWidth(g.cols);
  barRows.forEach((r, i) => {
    const row = first + i;
    g.put(0, row, wide ? r.label : r.label[0]);
    g.bar(labelW, row, g.cols - labelW - valueW - 1, r.used, r.offered);
    g.putRight(row, r.value);
  });
  if (history && chartTurn) {
    g.put(0, first + 2, '1h');
    g.put(labelW, first + 2, levelCells(hourShares(history, model.now, g.cols - labelW)));
  }
}

/** The time as the overview shows it: only its chart of the hour does, and the LCD's turns between it and disk. */
function varying(model: PanelModel, _page: number, geometry: Geometry): unknown {
  const history = historyOf(model);
  if (!history) return null;
  if (geometry.kind === 'pixels') return hourClock(history, model.now, HOUR_WIDTHS);
  return geometry.rows >= 4 ? `${chartTurnAt(model.now)} ${hourClock(history, model.now, [geometry.cols - lcdLabelWidth(geometry.cols)])}` : null;
}

export const overview: Screen = { pixels, chars, varying };
