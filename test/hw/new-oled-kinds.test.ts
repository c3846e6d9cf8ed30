// What the SSD1309 and SH1107 drivers must do beyond what every OLED kind is tested for in oled-driver.test.ts.
import { memoryLogger } from '../../src/log';
import { openDisplay } from '../../src/hw/i2c/open';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1309Model } from '../../src/sim/i2c/ssd1309';
import { Sh1107Model } from '../../src/sim/i2c/sh1107';
import { pixels, randomBitmap } from '../../src/sim/i2c/synthetic';

it('never sends the SSD1309 the charge pump command it does not have', async () => {
  const bus = new EmulatedI2cBus();
  const model = new Ssd1309Model();
  bus.attach(0x3c, model);
  const display = openDisplay({ kind: 'ssd1309', logger: memoryLogger(), i2c: bus.promisified() });
  display.show(pixels(randomBitmap(128, 64, 1)));
  await display.close('keep');
  expect(model.refused).toEqual([]);
  expect(model.glassLevel()).toBeGreaterThan(0);
});

it.each([64, 128] as const)('blanks an SH1107 with %d rows: the RAM the frame used is cleared and the glass sleeps', async (height) => {
  const bus = new EmulatedI2cBus();
  const model = new Sh1107Model(height);
  bus.attach(0x3c, model);
  const display = openDisplay({ kind: 'sh1107', size: height === 64 ? '128x64' : '128x128', logger: memoryLogger(), i2c: bus.promisified() });
  display.show(pixels(randomBitmap(128, height, 3)));
  await display.idle();
  await display.close('blank');
  expect(model.regs.on).toBe(false);
  expect(model.regs.ram.every((b) => b === 0)).toBe(true);
});
