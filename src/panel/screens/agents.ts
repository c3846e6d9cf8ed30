// agents: one line per agent with its CPU bar (used solid, offered dotted), paged when they do not fit.
import { fonts } from '../font';
import { distinctNames, fraction, pair } from '../format';
import { agentList, pageCount, shortHost, snapshotOf, type Screen } from './screen';
import { header, perPage, pixelRows, slice } from './lists';

export const agents: Screen = {
  pages: (model, geometry) => pageCount(agentList(model).length, perPage(geometry)),
  pixels(c, { model, page }) {
    const { small } = fonts();
    const all = agentList(model);
    const n = perPage({ kind: 'pixels', width: c.frameWidth, height: c.frameHeight });
    const s = snapshotOf(model);
    const counts = s?.agents ? `${s.agents.active}/${s.agents.active + s.agents.inactive} active` : '';
    header(c, all.length ? `AGENTS ${counts}` : 'AGENTS: none', page, pageCount(all.length, n));
    const { top, step, barH } = pixelRows(c);
    const valueW = small.width('99.9/99');
    const nameW = Math.min(small.width('w'.repeat(12)), Math.floor(c.width * 0.42));
    slice(all, page, n).forEach((a, i) => {
      const y = top + i * step;
      const textY = y - (c.height >= 48 ? 0 : 1);
      c.text(0, textY, shortHost(a?.hostname), small, { maxWidth: nameW - 2 });
      const value = a?.active === false ? 'off' : pair(a?.cpus?.used, a?.cpus?.total);
      c.text(c.width, textY, value, small, { align: 'right' });
      c.bar(nameW, y + (c.height >= 48 ? 0 : 0), c.width - nameW - valueW - 2, barH, fraction(a?.cpus?.used, a?.cpus?.total), fraction(a?.cpus?.offered, a?.cpus?.total));
    });
  },
  chars(g, { model, page }) {
    const all = agentList(model);
    const n = perPage({ kind: 'chars', cols: g.cols, rows: g.rows });
    const first = g.rows >= 4 ? 1 : 0;
    if (first) {
      const pages = pageCount(all.length, n);
      g.put(0, 0, all.length ? 'Agents' : 'Agents: none');
      if (pages > 1) g.putRight(0, `${page + 1}/${pages}`);
    }
    const items = slice(all, page, n);
    const value = (a: (typeof all)[number]): string => (a?.active === false ? 'off' : pair(a?.cpus?.used, a?.cpus?.total));
    // Names get what the values and a 4-cell bar leave over, and no more than the longest name needs; cut names
    // keep what tells them apart.
    const valueW = Math.max(0, ...items.map((a) => value(a).length));
    const names = distinctNames(items.map((a) => shortHost(a?.hostname)), g.cols - valueW - 6);
    const nameW = Math.max(0, ...names.map((n) => [...n].length)) + 1;
    items.forEach((a, i) => {
      const row = first + i;
      g.put(0, row, names[i]);
      g.bar(nameW, row, g.cols - nameW - valueW - 1, fraction(a?.cpus?.used, a?.cpus?.total), fraction(a?.cpus?.offered, a?.cpus?.total));
      g.putRight(row, value(a));
    });
  },
};

