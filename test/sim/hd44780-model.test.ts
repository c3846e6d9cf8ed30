import { Hd44780Model } from '../../src/sim/i2c/hd44780';
import { LCM1602 } from '../../src/hw/i2c/pcf8574';
import { renderThroughEmulator } from '../../src/sim/i2c/render-through';
import { PNG } from 'pngjs';

// A clock the test moves by hand, so waits are exact.
function lcd(cols: 16 | 20 = 20, rows: 2 | 4 = 4) {
  let t = 0;
  const m = new Hd44780Model(cols, rows, LCM1602, () => t);
  const nib = (n: number, rs = false): number[] => [(n << 4) | 0x0c | (rs ? 1 : 0), (n << 4) | 0x08 | (rs ? 1 : 0)];
  const byte = (v: number, rs = false): number[] => [...nib(v >> 4, rs), ...nib(v & 15, rs)];
  const send = (bytes: number[], waitMs = 5): void => {
    m.write(Uint8Array.from(bytes));
    t += waitMs;
  };
  t = 50;
  /** Figure 24 with its waits: 3 (4.1 ms) 3 (100 µs) 3 2. */
  const init = (): void => {
    send(nib(3));
    send(nib(3));
    send([...nib(3), ...nib(2)]);
  };
  return { m, nib, byte, send, init };
}

describe('HD44780 model', () => {
  it('resynchronises with 3-3-3-2 from either nibble phase and addresses 20x4 rows at 00/40/14/54', () => {
    for (const stray of [0, 1]) {
      const { m, nib, byte, send, init } = lcd();
      init();
      send(byte(0x28));
      if (stray) send(nib(0x5)); // a half-written instruction leaves the phase unknown (a restarted daemon)
      send(nib(3));
      send(nib(3));
      send([...nib(3), ...nib(2)]);
      send([...byte(0x28), ...byte(0x0c), ...byte(0x01)]);
      send([...byte(0x80 | 0x14), ...byte(0x41, true), ...byte(0x80 | 0x54), ...byte(0x42, true)]);
      expect(m.lines().map((l) => l.trim())).toEqual(['', '', 'A', 'B']);
      expect(m.lost).toEqual([]);
    }
  });

  it('drops an instruction sent before clear has finished, as the chip does', () => {
    const { m, byte, send, init } = lcd(16, 2);
    init();
    send([...byte(0x28), ...byte(0x0c)]);
    send([...byte(0x01), ...byte(0x41, true)], 0);
    expect(m.lost).toEqual([0x141]);
  });

  it('writes CGRAM, decrements with entry mode 04, and clear and home reset the address', () => {
    const { m, byte, send, init } = lcd(16, 2);
    init();
    send([...byte(0x28), ...byte(0x0c), ...byte(0x40 | 8), ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((r) => byte(r, true))]);
    send([...byte(0x80 | 5), ...byte(0x04), ...byte(0x41, true), ...byte(0x01, true), ...byte(0x43, true)]);
    expect(m.lines()[0]).toBe('   C\uE001A          ');
    expect(m.cells()[0][4].cgram).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    send(byte(0x02));
    expect(m.ac).toBe(0);
  });
});

describe('renderThroughEmulator', () => {
  it('renders an SSD1306 frame to PNG with the full trace from power-on', async () => {
    const px = new Uint8Array(128 * 64);
    px[0] = 1;
    const r = await renderThroughEmulator({ kind: 'pixels', bitmap: { width: 128, height: 64, pixels: px } }, { kind: 'ssd1306' });
    expect(r.trace[0]).toEqual({ addr: 60, write: '00aed580a83fd300408d1420002ea1c8da1281cfd9f1db40a4a6' });
    expect(r.glassText.startsWith('#.')).toBe(true);
    expect(PNG.sync.read(r.glassPng).width).toBe(256);
  });

  it('renders an HD44780 frame with bar cells', async () => {
    const r = await renderThroughEmulator({ kind: 'chars', grid: { cols: 16, rows: 2, lines: ['cpu ██▌'.padEnd(16), 'x'.padEnd(16)] } }, { kind: 'hd44780', pins: 'mjkdz' });
    expect(r.glassText).toBe(`${'cpu ██▌'.padEnd(16)}\n${'x'.padEnd(16)}\n`);
    expect(r.trace.length).toBeGreaterThan(5);
  });
});
