// The registry of display kinds as a user meets it: the config checks a display's settings against its kind once,
// in the config's own words, and `render --display` draws through every kind onto its emulated glass.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ConfigError, resolveConfig } from '../../src/config';
import { DISPLAY_KIND_NAMES } from '../../src/hw/display-kinds';
import { main } from '../../src/cli';

function configError(display: Record<string, unknown>): string {
  try {
    resolveConfig([{ source: 'c.json', values: { display } }]);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('display settings checked against the kind', () => {
  it('names a size the kind does not come in, and what it does', () => {
    expect(configError({ kind: 'hd44780' })).toBe('config: display.size is "128x64" (default); allowed: 16x2 or 20x4 for hd44780');
    expect(configError({ kind: 'ssd1309', size: '128x32' })).toBe('config: display.size is "128x32" (c.json); allowed: 128x64 for ssd1309');
  });

  it('names an address the kind cannot answer at', () => {
    expect(configError({ kind: 'sh1107', size: '128x128', address: '0x27' })).toBe('config: display.address is "0x27" (c.json); allowed: 0x3c or 0x3d for sh1107, or null for 0x3c');
  });

  it('asks for custom LCD pins that exist and use each bit once', () => {
    expect(configError({ kind: 'hd44780', size: '16x2', lcd: { pinMap: 'custom' } })).toMatch(/^config: display\.lcd\.customPins is null \(default\); allowed: with pinMap "custom"/);
    const twice = { rs: 0, rw: 1, e: 2, backlight: 3, d4: 4, d5: 5, d6: 6, d7: 6 };
    expect(configError({ kind: 'hd44780', size: '16x2', lcd: { pinMap: 'custom', customPins: twice } })).toMatch(/each PCF8574 bit 0-7 used once/);
  });

  it('accepts every kind in every size it lists, and a size the software displays draw', () => {
    expect(resolveConfig([{ source: 'c.json', values: { display: { kind: 'sh1107', size: '128x128' } } }]).display.kind).toBe('sh1107');
    expect(resolveConfig([{ source: 'c.json', values: { display: { kind: 'terminal', size: '20x4' } } }]).display.size).toBe('20x4');
  });
});

describe('render --display', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-kinds-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function render(...args: string[]): Promise<{ code: number; err: string }> {
    let err = '';
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
    try {
      return { code: await main(['node', 'mesos-panel', 'render', '--master', 'http://127.0.0.1:9', '--screen', 'unreachable', ...args]), err };
    } finally {
      e.mockRestore();
    }
  }

  it.each([
    ['ssd1309', '128x64', [128, 64]],
    ['sh1107', '128x128', [128, 128]],
    ['sh1107', '128x64', [128, 64]],
  ])('draws through the %s driver at %s into a PNG of its glass', async (kind, size, dims) => {
    const png = path.join(dir, `${kind}-${size}.png`);
    const trace = path.join(dir, `${kind}-${size}.jsonl`);
    const r = await render('--display', kind, '--size', size, '--png', png, '--scale', '2', '--i2c-trace', trace);
    expect(r).toEqual({ code: 0, err: '' });
    const img = PNG.sync.read(fs.readFileSync(png));
    // The glass picture has 2 image pixels per glass pixel, then --scale.
    expect([img.width, img.height]).toEqual(dims.map((d) => d * 4));
    // Lit pixels in the OLED's colour: the glass shows the screen, not a dark panel.
    let lit = 0;
    for (let i = 0; i < img.data.length; i += 4) if (img.data[i + 2] > 0) lit++;
    expect(lit).toBeGreaterThan(100);
    expect(fs.readFileSync(trace, 'utf8').split('\n')[0]).toMatch(/^\{"addr":60,"write":"00/);
  });

  it('refuses a size the kind does not come in, and names every kind it emulates', async () => {
    const png = path.join(dir, 'x.png');
    expect(await render('--display', 'ssd1309', '--size', '128x32', '--png', png)).toEqual({ code: 2, err: 'mesos-panel: --size 128x32 with --display ssd1309: ssd1309 comes in 128x64\n' });
    const r = await render('--display', 'st7735', '--png', png);
    expect(r.err).toBe(`mesos-panel: --display "st7735" is not an emulated display; use one of ${DISPLAY_KIND_NAMES.join(', ')}\n`);
  });
});
