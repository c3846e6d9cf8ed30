import { memoryLogger } from '../../src/log';
import { openDisplay } from '../../src/hw/i2c/open';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import { Sh1106Model } from '../../src/sim/i2c/sh1106';
import { Sh1107Model } from '../../src/sim/i2c/sh1107';
import { Ssd1309Model } from '../../src/sim/i2c/ssd1309';
import type { Bitmap } from '../../src/panel/frame';
import { checkerboard, piLike, pixels, randomBitmap, rotate180 } from '../../src/sim/i2c/synthetic';

const until = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 2));
};

const fast = { initialMs: 1, maxMs: 4 };
const opened: { close(leave: 'keep'): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close('keep')));
});

type OledSize = '128x64' | '128x32' | '128x128';
const heightOf = (size: OledSize): number => Number(size.split('x')[1]);

function model(kind: 'ssd1306' | 'ssd1309' | 'sh1106' | 'sh1107', size: OledSize, columnOffset: number) {
  if (kind === 'sh1106') return new Sh1106Model(columnOffset);
  if (kind === 'sh1107') return new Sh1107Model(size === '128x64' ? 64 : 128);
  return kind === 'ssd1309' ? new Ssd1309Model() : new Ssd1306Model(size as '128x64' | '128x32');
}

function setup(kind: 'ssd1306' | 'ssd1309' | 'sh1106' | 'sh1107', size: OledSize, rotation: 0 | 180 = 0, columnOffset = 2) {
  const bus = new EmulatedI2cBus();
  const m = model(kind, size, columnOffset);
  bus.attach(0x3c, m);
  const logger = memoryLogger();
  const display = openDisplay({ kind, size, rotation, columnOffset, logger, i2c: bus.promisified(), backoff: fast });
  opened.push(display);
  return { bus, model: m, logger, display };
}

const hexOf = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

describe('init bytes (golden)', () => {
  it.each([
    ['ssd1306', '128x64', 0, '00ae d580 a83f d300 40 8d14 2000 2e a1 c8 da12 81cf d9f1 db40 a4 a6'],
    ['ssd1306', '128x32', 0, '00ae d580 a81f d300 40 8d14 2000 2e a1 c8 da02 818f d9f1 db40 a4 a6'],
    ['ssd1306', '128x64', 180, '00ae d580 a83f d300 40 8d14 2000 2e a0 c0 da12 81cf d9f1 db40 a4 a6'],
    ['sh1106', '128x64', 0, '00ae d580 a83f d300 40 ad8b 32 a1 c8 da12 8180 d922 db35 a4 a6'],
    ['ssd1309', '128x64', 0, '00 fd12 ae d570 a83f d300 40 2000 2e a1 c8 da12 817f d922 db34 a4 a6'],
    ['ssd1309', '128x64', 180, '00 fd12 ae d570 a83f d300 40 2000 2e a0 c0 da12 817f d922 db34 a4 a6'],
    ['sh1107', '128x128', 0, '00 ae dc00 20 a87f d300 d550 ad81 a0 c0 8180 d922 db35 a4 a6'],
    ['sh1107', '128x64', 0, '00 ae dc00 20 a87f d360 d550 ad81 a0 c0 8180 d922 db35 a4 a6'],
    ['sh1107', '128x64', 180, '00 ae dc00 20 a87f d360 d550 ad81 a1 c8 8180 d922 db35 a4 a6'],
  ] as const)('%s %s rotation %d', async (kind, size, rotation, golden) => {
    const { bus, display } = setup(kind, size, rotation);
    display.show(pixels(checkerboard(128, heightOf(size))));
    await display.idle();
    expect(hexOf(bus.log[0].write)).toBe(golden.replace(/ /g, ''));
  });
});

describe.each([
  ['ssd1306', '128x64', 2],
  ['ssd1306', '128x32', 2],
  ['sh1106', '128x64', 2],
  ['sh1106', '128x64', 0],
  ['ssd1309', '128x64', 2],
  ['sh1107', '128x64', 2],
  ['sh1107', '128x128', 2],
] as const)('%s %s (SH1106 column offset %d) onto the emulated glass', (kind, size, offset) => {
  const height = heightOf(size);
  it.each([0, 180] as const)('shows random bitmaps and checkerboards pixel for pixel at rotation %d', async (rotation) => {
    const { display, model } = setup(kind, size, rotation, offset);
    for (const b of [randomBitmap(128, height, 7), checkerboard(128, height, 3), randomBitmap(128, height, 99)]) {
      display.show(pixels(b));
      await display.idle();
      const want: Bitmap = rotation === 180 ? rotate180(b) : b;
      expect(Buffer.from(model.glass().pixels).equals(Buffer.from(want.pixels))).toBe(true);
    }
    expect(model.regs.on).toBe(true);
  });

  it('sends a typical π-screen change for under 30% of a full frame, and the glass stays exact', async () => {
    const { display, model } = setup(kind, size, 0, offset);
    display.show(pixels(piLike(128, height, '3.14159265', 40)));
    await display.idle();
    const full = display.lastFrameCost()!;
    expect(full.full).toBe(true);
    const next = piLike(128, height, '3.14159266', 43);
    display.show(pixels(next));
    await display.idle();
    const partial = display.lastFrameCost()!;
    expect(partial.full).toBe(false);
    expect(partial.bytes).toBeLessThan(0.3 * full.bytes);
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(next.pixels))).toBe(true);
  });
});

describe('ssd1306 frame runner', () => {
  it('keeps one frame in flight: a newer frame replaces one still queued', async () => {
    const { display, model, bus } = setup('ssd1306', '128x64');
    display.show(pixels(randomBitmap(128, 64, 1)));
    await display.idle();
    const before = bus.log.length;
    const [a, b, c] = [2, 3, 4].map((s) => randomBitmap(128, 64, s));
    display.show(pixels(a)); // goes in flight at once
    display.show(pixels(b)); // queued, then replaced
    display.show(pixels(c));
    await display.idle();
    // Each frame here is one window: a command and a data transaction. a and c were drawn, b never was.
    const dataWrites = bus.log.slice(before).filter((t) => t.write?.[0] === 0x40);
    expect(dataWrites).toHaveLength(2);
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(c.pixels))).toBe(true);
  });

  it('survives a NACK mid-frame and an unplug/replug, logging one line per edge, then shows the right frame', async () => {
    const { display, model, bus, logger } = setup('ssd1306', '128x64');
    display.show(pixels(randomBitmap(128, 64, 10)));
    await display.idle();
    // The data transaction of the next frame NACKs: half a frame is lost.
    bus.nackTransaction(bus.transactionCount + 1);
    const f2 = randomBitmap(128, 64, 11);
    display.show(pixels(f2));
    await display.idle();
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(f2.pixels))).toBe(true);
    expect(logger.lines.filter((l) => l.includes('nothing answers at 0x3c on /dev/i2c-1: check the wiring; i2cdetect -y 1'))).toHaveLength(1);
    expect(logger.lines.filter((l) => l.includes('answers again'))).toHaveLength(1);
    expect(display.faults).toEqual({ errors: 1, reinits: 1 });

    bus.unplug(0x3c);
    display.show(pixels(randomBitmap(128, 64, 12)));
    await until(() => bus.log.filter((t) => t.error).length >= 5);
    const f4 = randomBitmap(128, 64, 13);
    display.show(pixels(f4));
    bus.plug(0x3c); // power-on reset: display off, RAM cleared
    await display.idle();
    expect(model.regs.on).toBe(true);
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(f4.pixels))).toBe(true);
    expect(logger.lines.filter((l) => l.startsWith('warn:'))).toHaveLength(2);
    expect(logger.lines.filter((l) => l.includes('answers again'))).toHaveLength(2);
    // Every failed try counts (each stops at the transaction that failed); the replug is one re-initialisation.
    expect(display.faults.errors).toBe(bus.log.filter((t) => t.error).length);
    expect(display.faults.errors).toBeGreaterThanOrEqual(5);
    expect(display.faults.reinits).toBe(2);
  });

  it('reports a missing bus with the raspi-config fix and recovers when it appears', async () => {
    const { display, model, bus, logger } = setup('ssd1306', '128x64');
    bus.missing = true;
    const f = randomBitmap(128, 64, 5);
    display.show(pixels(f));
    await until(() => logger.lines.length > 0);
    expect(logger.lines[0]).toBe('warn: ssd1306: I2C is not enabled (sudo raspi-config nonint do_i2c 0) or bus 1 does not exist (/dev/i2c-1); retrying');
    bus.missing = false;
    await display.idle();
    expect(Buffer.from(model.glass().pixels).equals(Buffer.from(f.pixels))).toBe(true);
  });

  it('close("blank") clears and sleeps the glass; close("keep") leaves the frame', async () => {
    const a = setup('ssd1306', '128x64');
    a.display.show(pixels(randomBitmap(128, 64, 3)));
    await a.display.close('blank');
    expect(a.model.regs.on).toBe(false);
    expect(a.model.regs.ram.every((b) => b === 0)).toBe(true);
    const b = setup('sh1106', '128x64');
    const f = randomBitmap(128, 64, 4);
    b.display.show(pixels(f));
    await b.display.close('keep');
    expect(Buffer.from(b.model.glass().pixels).equals(Buffer.from(f.pixels))).toBe(true);
  });

  it('dims with contrast and turns off with AE, then back on', async () => {
    const { display, model } = setup('ssd1306', '128x64');
    display.show(pixels(randomBitmap(128, 64, 3)));
    display.setLevel('dim');
    await display.idle();
    expect(model.regs.contrast).toBe(0x01);
    display.setLevel('off');
    await display.idle();
    expect(model.regs.on).toBe(false);
    display.setLevel('normal');
    await display.idle();
    expect(model.regs).toMatchObject({ on: true, contrast: 0xcf });
  });
});
