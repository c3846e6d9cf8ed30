import { readFileSync } from 'fs';
import { join } from 'path';
import { DEFAULT_CONFIG } from '../../src/config';

const DIR = join(__dirname, '../../wiring');
const PAGES = ['oled', 'lcd', 'button'] as const;

/** The Raspberry Pi 40-pin header (all models since the B+): physical pin to BCM GPIO or supply. */
const HEADER: Record<number, number | '3V3' | '5V' | 'GND'> = {
  1: '3V3', 2: '5V', 3: 2, 4: '5V', 5: 3, 6: 'GND', 7: 4, 8: 14, 9: 'GND', 10: 15,
  11: 17, 12: 18, 13: 27, 14: 'GND', 15: 22, 16: 23, 17: '3V3', 18: 24, 19: 10, 20: 'GND',
  21: 9, 22: 25, 23: 11, 24: 8, 25: 'GND', 26: 7, 27: 0, 28: 1, 29: 5, 30: 'GND',
  31: 6, 32: 12, 33: 13, 34: 'GND', 35: 19, 36: 16, 37: 26, 38: 20, 39: 'GND', 40: 21,
};
/** I2C bus N on the header: bus 1 is GPIO2/3 (bus 0, GPIO0/1, is reserved for HAT EEPROMs). */
const I2C_PINS: Record<number, { sda: number; scl: number }> = { 1: { sda: 2, scl: 3 } };

interface Element {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

/** A small well-formedness check: balanced tags, quoted unique attributes, escaped text. Returns the elements. */
function parseXml(xml: string): Element[] {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '').replace(/<!--[\s\S]*?-->/g, '');
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: Element[] = [];
  const all: Element[] = [];
  let end = 0;
  let roots = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    end = token.lastIndex;
    const [, close, name, attrText, selfClose, text] = m;
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`unescaped & in "${text.trim()}"`);
      if (stack.length) stack[stack.length - 1].text += text;
      else if (text.trim()) throw new Error(`text outside the root: "${text.trim()}"`);
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const [, k, v] of attrText.matchAll(/([A-Za-z][\w:.-]*)="([^"]*)"/g)) {
      if (k in attrs) throw new Error(`duplicate attribute ${k} on <${name}>`);
      attrs[k] = v;
    }
    const el = { name, attrs, text: '' };
    all.push(el);
    if (stack.length === 0) roots++;
    if (!selfClose) stack.push(el);
  }
  if (end !== body.length) throw new Error(`cannot parse at: ${body.slice(end, end + 40)}`);
  if (stack.length) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return all;
}

interface Row {
  phys: number;
  bcm: number | null;
}

/** The rows of the page's pin table (the one whose header has "Pi physical pin"). */
function pinTable(md: string): Row[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|') && l.includes('Pi physical pin'));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.split('|').map((c) => c.trim());
    const bcm = /GPIO(\d+)/.exec(cells[3]);
    rows.push({ phys: Number(cells[2]), bcm: bcm ? Number(bcm[1]) : null });
  }
  return rows;
}

function svgPins(page: string): Row[] {
  const els = parseXml(readFileSync(join(DIR, `${page}.svg`), 'utf8'));
  return els
    .filter((e) => e.name === 'text' && e.attrs['data-phys'])
    .map((e) => {
      const phys = Number(e.attrs['data-phys']);
      const bcm = e.attrs['data-bcm'] === undefined ? null : Number(e.attrs['data-bcm']);
      // What the reader sees must say the same as the attributes.
      expect(e.text).toContain(`pin ${phys}`);
      if (bcm !== null) expect(e.text).toMatch(new RegExp(`GPIO${bcm}\\b`));
      else expect(e.text).toContain(String(HEADER[phys]));
      return { phys, bcm };
    });
}

const key = (r: Row) => `${r.phys}:${r.bcm}`;
const uniq = (rows: Row[]) => [...new Set(rows.map(key))].sort();

describe.each(PAGES)('wiring/%s', (page) => {
  const md = readFileSync(join(DIR, `${page}.md`), 'utf8');

  test('the SVG is well-formed and its labelled pins are exactly the table', () => {
    expect(uniq(svgPins(page))).toEqual(uniq(pinTable(md)));
  });

  test('every pin agrees with the Raspberry Pi header', () => {
    for (const r of [...pinTable(md), ...svgPins(page)]) {
      const fn = HEADER[r.phys];
      expect(fn).toBeDefined();
      expect(r.bcm).toBe(typeof fn === 'number' ? fn : null);
    }
  });

  test('the page shows its PNG, links its SVG, and has the I2C steps', () => {
    expect(md).toContain(`![`);
    expect(md).toContain(`](${page}.png)`);
    expect(md).toContain(`](${page}.svg)`);
    for (const text of ['raspi-config nonint do_i2c 0', 'i2c_arm_baudrate', 'i2cdetect -y 1', '100 kHz']) expect(md).toContain(text);
  });

  test('the PNG is a rendering of the SVG at its size', () => {
    const png = readFileSync(join(DIR, `${page}.png`));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const svg = parseXml(readFileSync(join(DIR, `${page}.svg`), 'utf8'))[0];
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([Number(svg.attrs.width), Number(svg.attrs.height)]);
  });
});

describe('defaults', () => {
  const physOf = (bcm: number) => Number(Object.keys(HEADER).find((p) => HEADER[Number(p)] === bcm));

  test('the button page wires the default button pin', () => {
    const pin = DEFAULT_CONFIG.button.pin;
    expect(physOf(pin)).toBe(11);
    const rows = pinTable(readFileSync(join(DIR, 'button.md'), 'utf8'));
    expect(rows).toContainEqual({ phys: physOf(pin), bcm: pin });
    expect(rows.some((r) => HEADER[r.phys] === 'GND')).toBe(true);
  });

  test.each(['oled', 'lcd'])('%s wires SDA and SCL of the default bus, power and ground', (page) => {
    const bus = I2C_PINS[DEFAULT_CONFIG.display.bus];
    const rows = svgPins(page);
    expect(rows).toContainEqual({ phys: 3, bcm: bus.sda });
    expect(rows).toContainEqual({ phys: 5, bcm: bus.scl });
    expect(rows.some((r) => HEADER[r.phys] === 'GND')).toBe(true);
    expect(rows.some((r) => HEADER[r.phys] === (page === 'lcd' ? '5V' : '3V3'))).toBe(true);
  });

  test('the checker rejects what it should', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow(/closes/);
    expect(() => parseXml('<svg><text a="1" a="2">x</text></svg>')).toThrow(/duplicate/);
    expect(() => parseXml('<svg><text>A & B</text></svg>')).toThrow(/unescaped/);
    expect(() => parseXml('<svg><rect x=1/></svg>')).toThrow(/cannot parse/);
    expect(parseXml('<svg><text data-phys="1">pin 1 · 3V3 &amp; more</text></svg>')).toHaveLength(2);
  });
});
