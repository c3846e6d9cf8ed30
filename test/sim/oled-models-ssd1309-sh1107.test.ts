import { Ssd1309Model } from '../../src/sim/i2c/ssd1309';
import { Sh1107Model } from '../../src/sim/i2c/sh1107';

const w = (m: { write(b: Uint8Array): void }, ...bytes: number[]): void => m.write(Uint8Array.from(bytes));
const lit = (m: { glass(): { pixels: Uint8Array; width: number } }, x: number, y: number): number => m.glass().pixels[y * m.glass().width + x];

describe('SSD1309 model', () => {
  it('lights without a charge pump, and takes 8D as a stray byte whose parameter becomes a command', () => {
    const m = new Ssd1309Model();
    w(m, 0x00, 0xa1, 0xc8, 0x20, 0x02, 0xaf);
    w(m, 0x00, 0xb0, 0x00, 0x10);
    w(m, 0x40, 0x01);
    expect(lit(m, 0, 0)).toBe(1);
    // An SSD1306 init's "8D 14": 14 sets the upper column nibble to 4 in page mode.
    w(m, 0x00, 0x8d, 0x14);
    w(m, 0x40, 0xff);
    expect(m.refused).toEqual([0x8d]);
    expect(m.regs.ram[0x40]).toBe(0xff);
  });

  it('ignores commands and RAM writes while locked (FD 16) until FD 12', () => {
    const m = new Ssd1309Model();
    w(m, 0x00, 0xfd, 0x16, 0xaf, 0x81, 0x10);
    w(m, 0x40, 0xff);
    expect([m.regs.on, m.regs.contrast, m.regs.ram[0]]).toEqual([false, 0x7f, 0]);
    w(m, 0x00, 0xfd, 0x12, 0xaf);
    expect(m.regs.on).toBe(true);
  });
});

describe('SH1107 model', () => {
  it('holds 8 segments per byte and a glass row per column: one byte lights a short horizontal line', () => {
    const m = new Sh1107Model(128);
    w(m, 0x00, 0xaf, 0xb1, 0x05, 0x10); // page 1 (segments 8-15), column 5 (row 5)
    w(m, 0x40, 0x81);
    expect([lit(m, 8, 5), lit(m, 15, 5), lit(m, 9, 5), lit(m, 8, 6)]).toEqual([1, 1, 0, 0]);
  });

  it('puts display line 0 on the common the offset names, so a 64-row module needs offset 0x60', () => {
    const m = new Sh1107Model(64);
    w(m, 0x00, 0xaf, 0xb0, 0x00, 0x10);
    w(m, 0x40, 0x01); // RAM column 0
    // The glass's commons run COM96-127 then COM0-31: with offset 0, column 0 is on COM0, the middle row.
    expect([lit(m, 0, 0), lit(m, 0, 32)]).toEqual([0, 1]);
    w(m, 0x00, 0xd3, 0x60);
    expect([lit(m, 0, 0), lit(m, 0, 32)]).toEqual([1, 0]);
    w(m, 0x00, 0xdc, 0x01); // start line 1: row 0 now shows column 1
    expect(lit(m, 0, 0)).toBe(0);
  });

  it('flips with A1 (pages and bits reverse) and C8, and goes dark with the DC-DC off', () => {
    const m = new Sh1107Model(128);
    w(m, 0x00, 0xaf, 0xa1, 0xc8, 0xb0, 0x00, 0x10);
    w(m, 0x40, 0x01);
    expect(lit(m, 127, 127)).toBe(1);
    w(m, 0x00, 0xae, 0xad, 0x80, 0xaf);
    expect(m.glassLevel()).toBe(0);
    expect(lit(m, 127, 127)).toBe(0);
  });

  it('answers a status read with the display state and the chip ID 07', () => {
    const m = new Sh1107Model();
    expect(m.read(1)[0]).toBe(0x47);
    w(m, 0x00, 0xaf);
    expect(m.read(1)[0]).toBe(0x07);
  });
});
