// message: lifecycle text such as "halted" or "rebooting", centred and large, left on the glass on purpose.
import { fonts } from '../font';
import { wrap, type Screen } from './screen';

export const message: Screen = {
  pixels(c, { message: text }) {
    const { small, medium } = fonts();
    const font = c.height >= 48 || !text.includes('\n') ? medium : small;
    const maxLines = Math.max(1, Math.floor(c.height / font.lineHeight));
    const lines = text.split('\n').flatMap((l) => wrap(l, c.width, maxLines, font)).slice(0, maxLines);
    const top = Math.floor((c.height - lines.length * font.lineHeight) / 2);
    lines.forEach((l, i) => c.text(Math.floor(c.width / 2), top + i * font.lineHeight, l, font, { align: 'center' }));
  },
  chars(g, { message: text }) {
    const lines = text.split('\n').flatMap((l) => wrap(l, g.cols, g.rows)).slice(0, g.rows);
    const top = Math.floor((g.rows - lines.length) / 2);
    lines.forEach((l, i) => g.putCenter(top + i, l));
  },
};
