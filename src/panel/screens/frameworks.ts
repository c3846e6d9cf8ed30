// frameworks: one line per framework with its tasks, CPUs and memory in use, paged when they do not fit.
import { fonts } from '../font';
import { bytes, num } from '../format';
import type { PanelModel } from '../model';
import type { FrameworkSummary } from '../../mesos/snapshot';
import { cell, pageCount, snapshotOf, type Screen } from './screen';
import { header, perPage, pixelRows, slice } from './lists';

function frameworkList(model: PanelModel): FrameworkSummary[] {
  const list = snapshotOf(model)?.frameworkList;
  return Array.isArray(list) ? list : [];
}

/** "12t 3.5c 1.2G": tasks, CPUs and memory used, in the order people ask about them. */
function fwValues(f: FrameworkSummary): [string, string, string] {
  return [`${num(f?.tasks)}t`, `${num(f?.cpusUsed)}c`, bytes(f?.memUsed, false)];
}

export const frameworks: Screen = {
  pages: (model, geometry) => pageCount(frameworkList(model).length, perPage(geometry)),
  pixels(c, { model, page }) {
    const { small } = fonts();
    const all = frameworkList(model);
    const n = perPage({ kind: 'pixels', width: c.frameWidth, height: c.frameHeight });
    header(c, all.length ? `FRAMEWORKS ${all.length}` : 'FRAMEWORKS: none', page, pageCount(all.length, n));
    const { top, step } = pixelRows(c);
    // Right-aligned columns so numbers line up down the page.
    const colMem = c.width;
    const colCpu = colMem - small.width('9999M') - 3;
    const colTasks = colCpu - small.width('99.9c') - 3;
    slice(all, page, n).forEach((f, i) => {
      const y = top + i * step - (c.height >= 48 ? 0 : 1);
      const [t, cpu, mem] = fwValues(f);
      const tw = c.text(colTasks, y, t, small, { align: 'right' });
      c.text(colCpu, y, cpu, small, { align: 'right' });
      c.text(colMem, y, mem, small, { align: 'right' });
      c.text(0, y, f?.name || f?.id || '?', small, { maxWidth: colTasks - tw - 3 });
    });
  },
  chars(g, { model, page }) {
    const all = frameworkList(model);
    const n = perPage({ kind: 'chars', cols: g.cols, rows: g.rows });
    const first = g.rows >= 4 ? 1 : 0;
    if (first) {
      const pages = pageCount(all.length, n);
      g.put(0, 0, all.length ? `Frameworks ${all.length}` : 'Frameworks: none');
      if (pages > 1) g.putRight(0, `${page + 1}/${pages}`);
    }
    const items = slice(all, page, n).map((f) => ({ name: f?.name || f?.id || '?', values: fwValues(f).slice(0, g.cols >= 20 ? 3 : 2) }));
    // Columns as wide as their widest value on this page, so numbers line up and names keep the rest.
    const widths = [0, 1, 2].map((k) => Math.max(0, ...items.map((it) => (it.values[k] ?? '').length)));
    items.forEach((it, i) => {
      const values = it.values.map((v, k) => ' ' + cell(v, widths[k], 'right')).join('');
      g.put(0, first + i, cell(it.name, g.cols - values.length));
      g.putRight(first + i, values);
    });
  },
};
