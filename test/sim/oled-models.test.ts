import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { Sh1106Model } from '../../src/sim/i2c/sh1106';
import { bitmapToText, oledPng } from '../../src/sim/i2c/glass-image';
import { PNG } from 'pngjs';

const w = (m: { write(b: Uint8Array): void }, ...bytes: number[]): void => m.write(Uint8Array.from(bytes));
const upright = (m: Ssd1306Model): void => w(m, 0x00, 0xae, 0x8d, 0x14, 0xa1, 0xc8, 0xaf);
const lit = (m: { glass(): { pixels: Uint8Array; width: number } }, x: number, y: number): number => m.glass().pixels[y * m.glass().width + x];

describe('SSD1306 model', () => {
  it('resets into page mode: data wraps within the page at column 127', () => {
    const m = new Ssd1306Model();
    upright(m);
    w(m, 0x00, 0xb2, 0x0e, 0x17); // page 2, column 0x7e
    w(m, 0x40, 0x01, 0x02, 0x04);
    // the third byte went back to the page-mode column start (0x7e) and overwrote it; the page is unchanged
    expect([m.regs.ram[2 * 128 + 126], m.regs.ram[2 * 128 + 127], m.regs.ram[3 * 128]]).toEqual([0x04, 0x02, 0]);
    expect(m.page).toBe(2);
  });

  it('keeps command state across transactions and honours Co=1 control bytes', () => {
    const m = new Ssd1306Model();
    w(m, 0x00, 0x81);
    w(m, 0x00, 0x42);
    expect(m.regs.contrast).toBe(0x42);
    w(m, 0x80, 0xa7, 0x80, 0x21, 0x80, 0x05, 0x80, 0x06, 0xc0, 0xff);
    expect(m.regs.invert).toBe(true);
    expect([m.colStart, m.colEnd]).toEqual([5, 6]);
  });

  it('walks horizontal and vertical windows', () => {
    const m = new Ssd1306Model();
    w(m, 0x00, 0x20, 0x00, 0x21, 10, 11, 0x22, 1, 2);
    w(m, 0x40, 1, 2, 3, 4, 5);
    expect([m.regs.ram[128 + 10], m.regs.ram[128 + 11], m.regs.ram[256 + 10], m.regs.ram[256 + 11], m.regs.ram[128 + 10]]).toEqual([5, 2, 3, 4, 5]);
    w(m, 0x00, 0x20, 0x01, 0x21, 20, 21, 0x22, 3, 4);
    w(m, 0x40, 7, 8, 9);
    expect([m.regs.ram[3 * 128 + 20], m.regs.ram[4 * 128 + 20], m.regs.ram[3 * 128 + 21]]).toEqual([7, 8, 9]);
  });

  it('maps RAM to glass through remap, COM scan, start line, offset and multiplex', () => {
    const m = new Ssd1306Model();
    upright(m);
    w(m, 0x00, 0x20, 0x00, 0x21, 0, 127, 0x22, 0, 7);
    w(m, 0x40, 0x01); // RAM column 0, row 0
    expect(lit(m, 0, 0)).toBe(1);
    w(m, 0x00, 0xa0, 0xc0); // 180°
    expect(lit(m, 127, 63)).toBe(1);
    w(m, 0x00, 0xa1, 0xc8, 0x41); // start line 1: row 0 moves to the bottom
    expect([lit(m, 0, 0), lit(m, 0, 63)]).toEqual([0, 1]);
    w(m, 0x00, 0x40, 0xd3, 0x3f); // offset 63: the image moves down one row
    expect([lit(m, 0, 0), lit(m, 0, 1)]).toEqual([0, 1]);
    w(m, 0x00, 0xd3, 0x00, 0xa8, 0x1f); // multiplex 32: the bottom half is not driven
    w(m, 0x00, 0xa5);
    expect(Array.from({ length: 64 }, (_, y) => lit(m, 9, y)).filter(Boolean)).toHaveLength(32);
    w(m, 0x00, 0xa8, 0x3f, 0xa4, 0x20, 0x00, 0x21, 0, 127, 0x22, 0, 7);
    w(m, 0x40, 0x02); // RAM row 1
    expect([lit(m, 0, 1), lit(m, 0, 2)]).toEqual([1, 0]);
    w(m, 0x00, 0xda, 0x02); // sequential COM pins on alternative-wired glass: rows interleave
    expect([lit(m, 0, 1), lit(m, 0, 2)]).toEqual([0, 1]);
    w(m, 0x00, 0xae);
    expect(m.glass().pixels.every((p) => p === 0)).toBe(true);
  });

  it('renders the glass to text and to PNG', () => {
    const m = new Ssd1306Model('128x32');
    upright(m);
    w(m, 0x00, 0xa8, 0x1f, 0xda, 0x02, 0x20, 0x00);
    w(m, 0x40, 0xff);
    const text = bitmapToText(m.glass()).split('\n');
    expect(text[0].slice(0, 2)).toBe('#.');
    expect(text[7].slice(0, 2)).toBe('#.');
    expect(text[8].slice(0, 1)).toBe('.');
    const png = PNG.sync.read(oledPng(m.glass(), m.glassLevel(), 1));
    expect([png.width, png.height]).toEqual([128, 32]);
    expect(png.data[0]).toBeGreaterThan(0);
    expect(png.data[4]).toBe(0);
  });
});

describe('SH1106 model', () => {
  it('writes pages into 132 columns, stops at 131 and shows columns 2..129 with A1', () => {
    const m = new Sh1106Model(2);
    w(m, 0x00, 0xa1, 0xc8, 0xaf);
    w(m, 0x00, 0xb1, 0x02, 0x10);
    w(m, 0x40, 0x01);
    expect(lit(m, 0, 8)).toBe(1);
    w(m, 0x00, 0xb0, 0x00, 0x18); // column 0x80 = 128
    w(m, 0x40, 1, 2, 3, 4, 5, 6);
    expect(Array.from(m.regs.ram.subarray(128, 132))).toEqual([1, 2, 3, 6]);
    expect(m.page).toBe(0);
    w(m, 0x00, 0x20, 0x00); // SSD1306's addressing-mode command is no command here; its 00 sets the low nibble
    expect(m.col).toBe(128);
  });

  it('shows columns 4..131 with A0 on a module with offset 0 (why rotation moves the window)', () => {
    const m = new Sh1106Model(0);
    w(m, 0x00, 0xa0, 0xc0, 0xaf, 0xb0, 0x04, 0x10);
    w(m, 0x40, 0x01);
    expect(lit(m, 127, 63)).toBe(1);
  });
});
