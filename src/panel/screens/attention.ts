// attention: one notice a page, newest first: what happened, how long ago, and which of how many it is.
import type { Notice } from '../attention';
import { fonts } from '../font';
import { age } from '../format';
import type { PanelModel } from '../model';
import { cell, wrap, type Screen } from './screen';

function noticesOf(model: PanelModel): Notice[] {
  return Array.isArray(model?.attention) ? model.attention : [];
}

function pageOf(model: PanelModel, page: number): { head: string; ago: string; text: string } {
  const list = noticesOf(model);
  const n = list[page];
  if (!n) return { head: '!', ago: '', text: 'nothing to report' };
  const folded = n.repeats > 0 ? ` (+${n.repeats})` : '';
  return { head: `!${page + 1}/${list.length}`, ago: age(model?.now, n.at), text: `${n.text}${folded}` };
}

export const attention: Screen = {
  pages: (model) => Math.max(1, noticesOf(model).length),
  // The notice's age, as shown.
  varying: (model, page) => pageOf(model, page).ago,
  pixels(c, { model, page }) {
    const { small, medium } = fonts();
    const p = pageOf(model, page);
    if (c.height >= 48) {
      c.text(0, 0, 'ATTENTION', medium);
      c.text(c.width, 3, p.head.slice(1), small, { align: 'right' });
      wrap(p.text, c.width, 3, medium).forEach((l, i) => c.text(0, 15 + i * 12, l, medium));
      if (p.ago) c.text(0, 52, `${p.ago} ago`, small);
    } else {
      c.text(0, 0, `${p.head}  ${p.ago}`, small, { maxWidth: c.width });
      wrap(p.text, c.width, 2, small).forEach((l, i) => c.text(0, 10 + i * 9, l, small));
    }
  },
  chars(g, { model, page }) {
    const p = pageOf(model, page);
    g.put(0, 0, p.head);
    g.putRight(0, p.ago.replace(' ', ''));
    if (g.rows >= 4) wrap(p.text, g.cols, g.rows - 1).forEach((l, i) => g.put(0, 1 + i, l));
    else g.put(0, 1, cell(p.text, g.cols));
  },
};
