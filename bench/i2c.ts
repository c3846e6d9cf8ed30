// I2C displays: bytes and transactions per frame for our drivers and for oled-i2c-bus doing the same updates, and
// how long the event loop stalls while frames go out over a bus that takes real time (100 kHz).
import { monitorEventLoopDelay } from 'perf_hooks';
import type { BenchRow } from './types';
import type { Bitmap, Frame } from '../src/panel/frame';
import { memoryLogger } from '../src/log';
import { DISPLAY_KIND_NAMES, DISPLAY_KINDS, type DisplayKindName } from '../src/hw/display-kinds';
import { openDisplay } from '../src/hw/i2c/open';
import { LCM1602 } from '../src/hw/i2c/pcf8574';
import { EmulatedI2cBus } from '../src/sim/i2c/bus';
import { EMULATORS } from '../src/sim/i2c/emulators';
import { Ssd1306Model } from '../src/sim/i2c/ssd1306';
import { piLike, randomBitmap } from '../src/sim/i2c/synthetic';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Oled = require('oled-i2c-bus');

const SECTION = 'i2c';
const before = piLike(128, 64, '3.14159265', 40);
const after = piLike(128, 64, '3.14159266', 43);
const lcdBefore: Frame = { kind: 'chars', grid: { cols: 16, rows: 2, lines: ['pi 3.14159265   ', 'done ███▌       '] } };
const lcdAfter: Frame = { kind: 'chars', grid: { cols: 16, rows: 2, lines: ['pi 3.14159266   ', 'done ███▊       '] } };

/** The same update on every kind: the π-like change on the OLEDs (at 128x64, which every OLED kind comes in), the LCD's own. */
async function ours(kind: DisplayKindName): Promise<BenchRow[]> {
  const lcd = DISPLAY_KINDS[kind].family === 'LCD';
  const [a, b] = lcd ? [lcdBefore, lcdAfter] : [before, after].map((bitmap): Frame => ({ kind: 'pixels', bitmap }));
  const size = lcd ? '16x2' : '128x64';
  const bus = new EmulatedI2cBus();
  bus.attach(DISPLAY_KINDS[kind].defaultAddress, EMULATORS[kind].make({ size, columnOffset: 2, pins: LCM1602 }).device);
  const d = openDisplay({ kind, size, logger: memoryLogger(), i2c: bus.promisified() });
  d.show(a);
  await d.idle();
  const full = d.lastFrameCost()!;
  d.show(b);
  await d.idle();
  const typical = d.lastFrameCost()!;
  await d.close('keep');
  return [
    { section: SECTION, name: `${kind} full frame`, value: full.bytes, unit: 'bytes', note: `${full.transactions} transactions` },
    { section: SECTION, name: `${kind} typical update`, value: typical.bytes, unit: 'bytes', note: `${typical.transactions} transactions, ${((100 * typical.bytes) / full.bytes).toFixed(1)}% of full` },
  ];
}

function cost(bus: EmulatedI2cBus, from: number): { bytes: number; tx: number } {
  const t = bus.log.slice(from);
  return { bytes: t.reduce((n, x) => n + (x.write?.length ?? 0), 0), tx: t.length };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** oled-i2c-bus: drawBitmap of the first frame (its full update), then only the changed pixels (its dirty bytes). */
async function theirs(): Promise<BenchRow[]> {
  const bus = new EmulatedI2cBus();
  bus.attach(0x3c, new Ssd1306Model());
  const oled = new Oled(bus, { width: 128, height: 64, address: 0x3c });
  let mark = bus.log.length;
  oled.drawBitmap(before.pixels);
  await settle();
  const full = cost(bus, mark);
  mark = bus.log.length;
  const changed: [number, number, number][] = [];
  for (let i = 0; i < after.pixels.length; i++) if (after.pixels[i] !== before.pixels[i]) changed.push([i % 128, Math.floor(i / 128), after.pixels[i]]);
  oled.drawPixel(changed);
  await settle();
  const typical = cost(bus, mark);
  return [
    { section: SECTION, name: 'oled-i2c-bus full frame', value: full.bytes, unit: 'bytes', note: `${full.tx} transactions (incl. its busy read)` },
    { section: SECTION, name: 'oled-i2c-bus typical update', value: typical.bytes, unit: 'bytes', note: `${typical.tx} transactions (dirty bytes, ${changed.length} pixels)` },
  ];
}

async function loopDelay(work: () => Promise<void>): Promise<{ p99: number; max: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  await work();
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
}

const FRAMES = 5;
const frames: Bitmap[] = Array.from({ length: FRAMES }, (_, i) => randomBitmap(128, 64, i + 1));

async function delays(): Promise<BenchRow[]> {
  const ourBus = new EmulatedI2cBus({ bitRateHz: 100_000 });
  ourBus.attach(0x3c, new Ssd1306Model());
  const d = openDisplay({ kind: 'ssd1306', logger: memoryLogger(), i2c: ourBus.promisified() });
  const a = await loopDelay(async () => {
    for (const f of frames) {
      d.show({ kind: 'pixels', bitmap: f });
      await d.idle();
    }
  });
  await d.close('keep');
  const syncBus = new EmulatedI2cBus({ bitRateHz: 100_000 });
  syncBus.attach(0x3c, new Ssd1306Model());
  const oled = new Oled(syncBus, { width: 128, height: 64, address: 0x3c });
  const b = await loopDelay(async () => {
    for (const f of frames) {
      oled.buffer.fill(0);
      oled.drawBitmap(f.pixels);
      await new Promise((r) => setTimeout(r, 150));
    }
  });
  const note = `${FRAMES} random full frames at 100 kHz (~92 ms each)`;
  return [
    { section: SECTION, name: 'event-loop delay p99, our driver (async)', value: a.p99, unit: 'ms', note },
    { section: SECTION, name: 'event-loop delay max, our driver (async)', value: a.max, unit: 'ms', note },
    { section: SECTION, name: 'event-loop delay p99, oled-i2c-bus (sync)', value: b.p99, unit: 'ms', note },
    { section: SECTION, name: 'event-loop delay max, oled-i2c-bus (sync)', value: b.max, unit: 'ms', note },
  ];
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const kind of DISPLAY_KIND_NAMES) rows.push(...(await ours(kind)));
  return [...rows, ...(await theirs()), ...(await delays())];
}
