// `mesos-panel render --display …`: a frame goes through the real driver onto an emulated device on an emulated
// bus, and comes back as the picture on the emulated glass plus every I2C transaction since power-on.
import type { Frame, SizeName } from '../../panel/frame';
import { fonts } from '../../panel/font';
import { memoryLogger } from '../../log';
import { openDisplay, type I2cDisplayKind } from '../../hw/i2c/open';
import { PIN_MAPS, type PinMap } from '../../hw/i2c/pcf8574';
import { ROM_A00 } from '../../hw/i2c/hd44780-rom';
import { EmulatedI2cBus } from './bus';
import { Hd44780Model } from './hd44780';
import { Ssd1306Model } from './ssd1306';
import { Sh1106Model } from './sh1106';
import { lcdPng, oledPng, bitmapToText } from './glass-image';

export interface EmulatedRenderOptions {
  kind: I2cDisplayKind;
  size?: SizeName;
  rotation?: 0 | 180;
  address?: number;
  columnOffset?: number;
  pins?: keyof typeof PIN_MAPS | PinMap;
  backlightActiveLow?: boolean;
  /** Picture pixels per glass pixel (an LCD's glass pixels include the gaps between cells); default 2 for OLEDs, 3 for LCDs. */
  scale?: number;
}

export interface EmulatedRender {
  glassPng: Buffer;
  /** The glass as text: '#'/'.' rows for OLEDs, the LCD's character rows (bar cells as ▏▎▌▊). */
  glassText: string;
  trace: { addr: number; write?: string; read?: number; error?: string }[];
}

/** 5x8 rows (bit 4 leftmost) of the panel's small font, standing in for the LCD's character ROM. */
function romGlyph(char: string): number[] {
  const f = fonts().small;
  const g = f.glyph(char.codePointAt(0) ?? 32);
  const rows = new Array(8).fill(0);
  const top = f.ascent - g.yOffset - g.height;
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const cy = top + y;
      const cx = g.xOffset + x;
      if (g.bits[y * g.width + x] && cy >= 0 && cy < 8 && cx >= 0 && cx < 5) rows[cy] |= 0x10 >> cx;
    }
  }
  return rows;
}

/** Names the bar cells the driver put in CGRAM, so the LCD's text reads like the frame. */
export function barCellName(rows: readonly number[]): string {
  const i = [0x10, 0x18, 0x1c, 0x1e, 0x1f].indexOf(rows[0]);
  return i >= 0 && rows.every((r) => r === rows[0]) ? ['▏', '▎', '▌', '▊', '█'][i] : '\uFFFD';
}

export async function renderThroughEmulator(frame: Frame, o: EmulatedRenderOptions): Promise<EmulatedRender> {
  // The LCD model checks the datasheet's waits against bus time, so the LCD gets a 100 kHz bus.
  const bus = new EmulatedI2cBus({ bitRateHz: o.kind === 'hd44780' ? 100_000 : undefined });
  const size = o.size ?? (o.kind === 'hd44780' ? '16x2' : '128x64');
  const address = o.address ?? (o.kind === 'hd44780' ? 0x27 : 0x3c);
  const display = openDisplay({ ...o, size, address, logger: memoryLogger(), i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 1 } });
  let glass: () => { png: Buffer; text: string };
  if (o.kind === 'hd44780') {
    const base = typeof o.pins === 'object' ? o.pins : PIN_MAPS[o.pins ?? 'lcm1602'];
    const pins = { ...base, backlightActiveLow: o.backlightActiveLow ?? base.backlightActiveLow };
    const [cols, rows] = size.split('x').map(Number) as [16 | 20, 2 | 4];
    const lcd = new Hd44780Model(cols, rows, pins);
    bus.attach(address, lcd);
    glass = () => ({
      png: lcdPng(lcd.cells(), lcd.backlight, (code) => romGlyph(ROM_A00[code] ?? ' '), o.scale),
      text: lcd.lines(barCellName).join('\n') + '\n',
    });
  } else {
    const oled = o.kind === 'sh1106' ? new Sh1106Model(o.columnOffset ?? 2) : new Ssd1306Model(size as '128x64' | '128x32');
    bus.attach(address, oled);
    glass = () => ({ png: oledPng(oled.glass(), oled.glassLevel(), o.scale), text: bitmapToText(oled.glass()) });
  }
  display.show(frame);
  await display.idle();
  await display.close('keep');
  const { png, text } = glass();
  return { glassPng: png, glassText: text, trace: bus.traceLines().map((l) => JSON.parse(l)) };
}
