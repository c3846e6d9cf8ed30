// oled-i2c-bus as an independent client of the emulated SSD1306 (hardware.md 1.2-1.3): what its API calls draw
// must appear on the emulated glass, and the same bitmap through it and through our driver gives the same glass.
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { memoryLogger } from '../../src/log';
import { openDisplay } from '../../src/hw/i2c/open';
import { randomBitmap } from '../../src/sim/i2c/synthetic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Oled = require('oled-i2c-bus');

// Its update() and dirty-byte writes run in setTimeout(…, 0) chains.
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

function withOled(height: 64 | 32) {
  const bus = new EmulatedI2cBus();
  const model = new Ssd1306Model(height === 64 ? '128x64' : '128x32');
  bus.attach(0x3c, model);
  // height must be given: it defaults to 32.
  const oled = new Oled(bus, { width: 128, height, address: 0x3c });
  const at = (x: number, y: number): number => model.glass().pixels[y * 128 + x];
  return { bus, model, oled, at };
}

describe('oled-i2c-bus on the emulated SSD1306', () => {
  it('its 25 single-command init transactions leave the panel on and upright', () => {
    const { bus, model } = withOled(64);
    expect(bus.log).toHaveLength(25);
    expect(bus.log.every((t) => t.write!.length === 2 && t.write![0] === 0x00)).toBe(true);
    expect(model.regs).toMatchObject({ on: true, contrast: 0x8f, segRemap: true, comReverse: true, mux: 64 });
  });

  it('drawPixel, drawLine and fillRect appear where its API says', async () => {
    const { oled, at } = withOled(64);
    oled.clearDisplay();
    await settle();
    oled.drawPixel([[0, 0, 1], [127, 63, 1], [5, 9, 1]]);
    await settle();
    expect([at(0, 0), at(127, 63), at(5, 9), at(6, 9)]).toEqual([1, 1, 1, 0]);
    oled.drawLine(10, 20, 30, 20, 1);
    await settle();
    expect([at(10, 20), at(30, 20), at(31, 20), at(20, 21)]).toEqual([1, 1, 0, 0]);
    oled.fillRect(40, 30, 20, 10, 1); // 200 dirty bytes > 146: a full update
    await settle();
    expect([at(40, 30), at(59, 39), at(60, 39), at(40, 40)]).toEqual([1, 1, 0, 0]);
    oled.invertDisplay(true);
    expect([at(40, 30), at(0, 1)]).toEqual([0, 1]);
    oled.turnOffDisplay();
    expect(at(0, 1)).toBe(0);
  });

  it.each([64, 32] as const)('drawBitmap at 128x%d gives the same glass as our driver', async (height) => {
    const bitmap = randomBitmap(128, height, 42);
    const theirs = withOled(height);
    theirs.oled.drawBitmap(bitmap.pixels);
    await settle();

    const bus = new EmulatedI2cBus();
    const ours = new Ssd1306Model(height === 64 ? '128x64' : '128x32');
    bus.attach(0x3c, ours);
    const display = openDisplay({ kind: 'ssd1306', size: height === 64 ? '128x64' : '128x32', logger: memoryLogger(), i2c: bus.promisified() });
    display.show({ kind: 'pixels', bitmap });
    await display.close('keep');

    expect(Buffer.from(theirs.model.glass().pixels).equals(Buffer.from(bitmap.pixels))).toBe(true);
    expect(Buffer.from(ours.glass().pixels).equals(Buffer.from(theirs.model.glass().pixels))).toBe(true);
  });
});
