// unreachable: the master the daemon tried, how long it has been down, and the last error in words.
import { fonts } from '../font';
import { age } from '../format';
import type { SourceStatus } from '../../mesos/source-status';
import { cell, wrap, type Screen } from './screen';

export function statusOf(s: Partial<SourceStatus> | undefined, now: number): { master: string; down: string; error: string } {
  return {
    // Unknown parts are left out: a bare "?" beside "NO MASTER" would say nothing.
    master: s?.master ? s.master.replace(/^https?:\/\//, '').replace(/\/$/, '') : '',
    down: s?.downSince != null && Number.isFinite(s.downSince) && Number.isFinite(now) ? age(now, s.downSince) : '',
    error: s?.lastError || 'no answer yet',
  };
}

export const unreachable: Screen = {
  // How long the master has been down, as shown.
  varying: (model) => statusOf(model?.source, model?.now).down,
  pixels(c, { model }) {
    const { small, medium } = fonts();
    const s = statusOf(model?.source, model?.now);
    c.text(0, 0, 'NO MASTER', medium);
    if (c.height >= 48) {
      c.text(c.width, 3, s.down, small, { align: 'right' });
      c.text(0, 15, s.master, small, { maxWidth: c.width });
      wrap(s.error, c.width, 4, small).forEach((l, i) => c.text(0, 26 + i * 9, l, small));
    } else {
      c.text(c.width, 3, s.down, small, { align: 'right' });
      c.text(0, 14, s.master, small, { maxWidth: c.width });
      c.text(0, 22, s.error, small, { maxWidth: c.width });
    }
  },
  chars(g, { model }) {
    const s = statusOf(model?.source, model?.now);
    g.put(0, 0, 'No master');
    g.putRight(0, s.down.replace(' ', ''));
    if (g.rows >= 4) {
      g.put(0, 1, cell(s.master, g.cols));
      wrap(s.error, g.cols, 2).forEach((l, i) => g.put(0, 2 + i, l));
    } else {
      g.put(0, 1, cell(s.error, g.cols));
    }
  },
};
