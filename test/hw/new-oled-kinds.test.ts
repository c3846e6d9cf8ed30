// The SSD1309 and the SH1107 through their real drivers onto their datasheet models: the init bytes, the glass
// pixel for pixel at both rotations and every size, cheap partial updates, and blanking.
import { memoryLogger } from '../../src/log';
import { openDisplay } from '../../src/hw/i2c/open';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1309Model } from '../../src/sim/i2c/ssd1309';
import { Sh1107Model } from '../../src/sim/i2c/sh1107';
import { checkerboard, piLike, pixels, randomBitmap, rotate180 } from '../../src/sim/i2c/synthetic';

const opened: { close(leave: 'keep'): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close('keep')));
});

type Case = { kind: 'ssd1309'; height: 64 } | { kind: 'sh1107'; height: 64 | 128 };

function setup(c: Case, rotation: 0 | 180 = 0) {
  const bus = new EmulatedI2cBus();
  const model = c.kind === 'ssd1309' ? new Ssd1309Model() : new Sh1107Model(c.height);
  bus.attach(0x3c, model);
  const size = c.height === 64 ? '128x64' : '128x128';
  const display = openDisplay({ kind: c.kind, size, rotation, logger: memoryLogger(), i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 4 } });
  opened.push(display);
  return { bus, model, display };
}

const hexOf = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

describe('init bytes (golden)', () => {
  it.each([
    [{ kind: 'ssd1309', height: 64 }, 0, '00 fd12 ae d570 a83f d300 40 2000 2e a1 c8 da12 817f d922 db34 a4 a6'],
    [{ kind: 'ssd1309', height: 64 }, 180, '00 fd12 ae d570 a83f d300 40 2000 2e a0 c0 da12 817f d922 db34 a4 a6'],
    [{ kind: 'sh1107', height: 128 }, 0, '00 ae dc00 20 a87f d300 d550 ad81 a0 c0 8180 d922 db35 a4 a6'],
    [{ kind: 'sh1107', height: 64 }, 0, '00 ae dc00 20 a87f d360 d550 ad81 a0 c0 8180 d922 db35 a4 a6'],
    [{ kind: 'sh1107', height: 64 }, 180, '00 ae dc00 20 a87f d360 d550 ad81 a1 c8 8180 d922 db35 a4 a6'],
  ] as [Case, 0 | 180, string][])('%o rotation %d', async (c, rotation, golden) => {
    const { bus, display } = setup(c, rotation);
    display.show(pixels(checkerboard(128, c.height)));
    await display.idle();
    expect(hexOf(bus.log[0].write)).toBe(golden.replace(/ /g, ''));
  });

  it('the SSD1309 is never sent the charge pump command it does not have', async () => {
    const { model, display } = setup({ kind: 'ssd1309', height: 64 });
    display.show(pixels(randomBitmap(128, 64, 1)));
    await display.idle();
    expect((model as Ssd1309Model).refused).toEqual([]);
  });
});

describe.each([
  { kind: 'ssd1309', height: 64 },
  { kind: 'sh1107', height: 64 },
  { kind: 'sh1107', height: 128 },
] as Case[])('$kind 128x$height onto the emulated glass', (c) => {
  it.each([0, 180] as const)('shows random bitmaps and checkerboards pixel for pixel at rotation %d', async (rotation) => {
    const { display, model } = setup(c, rotation);
    for (const b of [randomBitmap(128, c.height, 7), checkerboard(128, c.height, 3), randomBitmap(128, c.height, 99)]) {
      display.show(pixels(b));
      await display.idle();
      const want = rotation === 180 ? rotate180(b) : b;
      expect(Buffer.from(model.glass().pixels).equals(Buffer.from(want.pixels))).toBe(true);
    }
    expect(model.regs.on).toBe(true);
  });

  it('sends a typical π-screen change for under 30% of a full frame, and the glass stays exact', async () => {
    const { display, model } = setup(c);
    display.show(pixels(piLike(128, c.height, '3.14159265', 40)));
    await display.idle();
    const full = display.lastFrameCost()!;
    expect(full).toMatchObject({ full: true });
    expect(full.bytes).toBeGreaterThanOrEqual((128 * c.height) / 8);
    const next = piLike(128, c.height, '3.14159266', 43);
    display.show(pixels(next));
    await display.idle();
    const partial = display.lastFrameCost()!;
    expect(partial.full).toBe(false);
    expect(partial.bytes).toBeLessThan(0.3 * full.bytes);
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(next.pixels))).toBe(true);
  });

  it('close("blank") clears the RAM the frame used and sleeps the glass', async () => {
    const { display, model } = setup(c);
    display.show(pixels(randomBitmap(128, c.height, 3)));
    await display.idle();
    await display.close('blank');
    expect(model.regs.on).toBe(false);
    expect(model.regs.ram.every((b) => b === 0)).toBe(true);
  });
});
