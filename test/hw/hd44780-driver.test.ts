import { memoryLogger } from '../../src/log';
import { openDisplay } from '../../src/hw/i2c/open';
import { LCM1602, MJKDZ, type PinMap } from '../../src/hw/i2c/pcf8574';
import { lcdCode, PLACEHOLDER } from '../../src/hw/i2c/hd44780';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Hd44780Model } from '../../src/sim/i2c/hd44780';
import { barCellName } from '../../src/sim/i2c/emulators';
import type { Frame } from '../../src/panel/frame';
import { A00_EXTRAS } from '../../src/panel/chargrid';
import { ROM_A00 } from '../../src/hw/i2c/hd44780-rom';

const opened: { close(leave: 'keep'): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close('keep')));
});

function setup(cols: 16 | 20, rows: 2 | 4, pins: PinMap, address = 0x27) {
  // Real transfer times (100 kHz): the model drops instructions that arrive while the LCD is busy.
  const bus = new EmulatedI2cBus({ bitRateHz: 100_000 });
  const lcd = new Hd44780Model(cols, rows, pins);
  bus.attach(address, lcd);
  const logger = memoryLogger();
  const display = openDisplay({ kind: 'hd44780', size: `${cols}x${rows}` as '16x2' | '20x4', address, pins, logger, i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 4 } });
  opened.push(display);
  return { bus, lcd, display, logger };
}

const chars = (cols: number, lines: string[]): Frame => ({ kind: 'chars', grid: { cols, rows: lines.length, lines } });

describe('HD44780 behind a PCF8574', () => {
  it('starts with the 3-3-3-2 init (golden bytes, LCM1602 map, backlight on)', async () => {
    const { bus, display } = setup(16, 2, LCM1602);
    display.show(chars(16, ['', '']));
    await display.idle();
    const hex = bus.log.slice(0, 5).map((t) => Buffer.from(t.write!).toString('hex'));
    // BL=P3 (0x08), E=P2 (0x04), D4-D7 = P4-P7: nibble 3 is 0x30, nibble 2 is 0x20; then 28 08 01.
    expect(hex).toEqual(['08', '3c38', '3c38', '3c382c28', '2c288c880c088c880c081c18']);
  });

  it.each([
    ['LCM1602 16x2', 16, 2, LCM1602, 0x27],
    ['MJKDZ 20x4 at 0x3f', 20, 4, MJKDZ, 0x3f],
    ['LCM1602 20x4 with an active-low backlight', 20, 4, { ...LCM1602, backlightActiveLow: true }, 0x20],
  ] as const)('%s: the glass shows the frame character for character, bar cells and the cut mark included', async (_n, cols, rows, pins, addr) => {
    const { display, lcd } = setup(cols, rows, pins, addr);
    const lines = ['CPU 12.5/16 ▌', 'mem ███▊ 4°C π', 'row three µs srv…', 'row four ▏▎▌▊█'].slice(0, rows).map((l) => l.padEnd(cols, ' ').slice(0, cols));
    display.show(chars(cols, lines));
    await display.idle();
    expect(lcd.lines(barCellName)).toEqual(lines);
    expect(lcd.backlight).toBe(true);
    // Every wait the datasheet asks for was kept: at most the power-on edge's non-instruction was ignored.
    expect(lcd.lost.filter((v) => v !== 0)).toEqual([]);
    display.setLevel('off');
    await display.idle();
    expect(lcd.backlight).toBe(false);
  });

  it('rewrites only the changed characters', async () => {
    const { display, lcd } = setup(16, 2, LCM1602);
    display.show(chars(16, ['pi 3.14159      ', 'tasks 12        ']));
    await display.idle();
    display.show(chars(16, ['pi 3.14158      ', 'tasks 12        ']));
    await display.idle();
    // One DDRAM address and one character, 4 expander bytes each.
    expect(display.lastFrameCost()).toEqual({ bytes: 8, transactions: 1, full: false });
    expect(lcd.lines()[0]).toBe('pi 3.14158      ');
  });

  it('maps to ROM A00: no backslash or tilde, ° is 0xDF, unknown characters become a placeholder', () => {
    expect(lcdCode('\\')).toBe(PLACEHOLDER);
    expect(lcdCode('~')).toBe(PLACEHOLDER);
    expect(lcdCode('é')).toBe(PLACEHOLDER);
    expect(lcdCode('°')).toBe(0xdf);
    expect(lcdCode('π')).toBe(0xf7);
    expect(lcdCode('A')).toBe(0x41);
    expect(lcdCode('█')).toBe(0xff);
    expect(lcdCode('▏')).toBe(1);
  });

  it("has a ROM code for every non-ASCII character the panel's grid may emit", () => {
    expect([...A00_EXTRAS].map((ch) => [ch, lcdCode(ch) === PLACEHOLDER])).toEqual([...A00_EXTRAS].map((ch) => [ch, false]));
    // And they show as themselves on the emulated glass.
    expect([...A00_EXTRAS].map((ch) => ROM_A00[lcdCode(ch)])).toEqual([...A00_EXTRAS]);
  });

  it('comes back after an unplug with the 3-3-3-2 init and the current frame', async () => {
    const { display, lcd, bus, logger } = setup(20, 4, MJKDZ, 0x3f);
    display.show(chars(20, ['a', 'b', 'c', 'd']));
    await display.idle();
    bus.unplug(0x3f);
    display.show(chars(20, ['one', 'two', 'three', 'four']));
    await new Promise((r) => setTimeout(r, 20));
    bus.plug(0x3f);
    await display.idle();
    expect(lcd.lines().map((l) => l.trimEnd())).toEqual(['one', 'two', 'three', 'four']);
    expect(logger.lines[0]).toBe('warn: hd44780: nothing answers at 0x3f on /dev/i2c-1: check the wiring; i2cdetect -y 1; retrying');
    expect(lcd.lost.filter((v) => v !== 0)).toEqual([]);
  });

  it('close("blank") clears the LCD and turns the backlight off', async () => {
    const { display, lcd } = setup(16, 2, MJKDZ);
    display.show(chars(16, ['hello', 'world']));
    await display.close('blank');
    expect(lcd.lines()).toEqual([' '.repeat(16), ' '.repeat(16)]);
    expect(lcd.displayOn).toBe(false);
    expect(lcd.backlight).toBe(false);
  });
});
