// host: this Pi's hostname, addresses, uptime, load and temperature.
import { fonts } from '../font';
import { celsius, duration, load, UNKNOWN } from '../format';
import type { HostInfo } from '../model';
import { cell, type Screen } from './screen';

export function hostOf(h: Partial<HostInfo> | undefined): { name: string; addrs: string[]; up: string; load: string; temp: string } {
  const addrs = Array.isArray(h?.addresses) ? h.addresses.filter((a) => typeof a === 'string') : [];
  return {
    name: h?.hostname || 'no hostname',
    addrs: addrs.length ? addrs : ['no address'],
    up: duration(h?.uptimeSeconds),
    load: load(h?.load1),
    // A board without a thermal zone has no temperature to show; a bare "?" in its place would say nothing.
    temp: h?.temperatureC == null || !Number.isFinite(h.temperatureC) ? '' : celsius(h.temperatureC),
  };
}

export const host: Screen = {
  pixels(c, { model }) {
    const { small, medium } = fonts();
    const h = hostOf(model?.host);
    c.text(0, 0, h.name, medium, { maxWidth: c.width });
    if (c.height >= 48) {
      h.addrs.slice(0, 2).forEach((a, i) => c.text(0, 15 + i * 9, a, small, { maxWidth: c.width }));
      const y = 35;
      const lw = c.text(0, y + 3, 'up ', small);
      c.text(lw, y, h.up, medium);
      c.text(c.width, y, h.temp, medium, { align: 'right' });
      c.text(0, y + 15, `load ${h.load}`, small);
    } else {
      c.text(0, 14, h.addrs[0], small, { maxWidth: c.width });
      c.text(0, 22, `up ${h.up}  ld ${h.load}`, small);
      c.text(c.width, 22, h.temp, small, { align: 'right' });
    }
  },
  chars(g, { model }) {
    const h = hostOf(model?.host);
    if (g.rows >= 4) {
      g.put(0, 0, cell(h.name, g.cols));
      g.put(0, 1, cell(h.addrs[0], g.cols));
      g.put(0, 2, cell(`up ${h.up}`, g.cols));
      g.put(0, 3, `load ${h.load}`);
      g.putRight(3, h.temp);
    } else {
      // Two rows: the address is what a person at a headless Pi needs first.
      g.put(0, 0, cell(h.addrs[0], g.cols));
      // The uptime unlabelled when known (room for the temperature), labelled when it is only a "?".
      g.put(0, 1, h.up === UNKNOWN ? `up ${h.up}` : h.up);
      g.putRight(1, h.temp);
    }
  },
};
