// boot: the name, version and address, then "waiting for master" until the first snapshot arrives.
import { fonts } from '../font';
import { cell, hostOnly, type Screen } from './screen';

export const boot: Screen = {
  pixels(c, { model, version }) {
    const { small, medium } = fonts();
    const ip = model?.host?.addresses?.[0] ?? 'no address';
    const master = hostOnly(model?.source?.master);
    c.text(0, 0, 'mesos-panel', medium);
    c.text(c.width, 3, `v${version}`, small, { align: 'right' });
    if (c.height >= 48) {
      c.text(0, 16, ip, small, { maxWidth: c.width });
      c.text(0, 32, 'waiting for master', small);
      c.text(0, 41, master, small, { maxWidth: c.width });
    } else {
      c.text(0, 14, ip, small, { maxWidth: c.width });
      c.text(0, 22, `waiting for ${master}`, small, { maxWidth: c.width });
    }
  },
  chars(g, { model, version }) {
    const ip = model?.host?.addresses?.[0] ?? 'no address';
    g.put(0, 0, 'mesos-panel');
    if (version.length + 1 <= g.cols - 12) g.putRight(0, `v${version}`);
    if (g.rows >= 4) {
      g.put(0, 1, cell(ip, g.cols));
      g.put(0, 2, 'waiting for master');
      g.put(0, 3, cell(hostOnly(model?.source?.master), g.cols));
    } else {
      g.put(0, 1, cell(ip, g.cols));
    }
  },
};
