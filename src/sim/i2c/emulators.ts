// The emulated device for each display kind of src/hw/display-kinds.ts, and its glass as a picture and as text.
// Keyed by the same names: a kind without an emulator here is a type error.
import type { SizeName } from '../../panel/frame';
import { fonts } from '../../panel/font';
import type { DisplayKindName } from '../../hw/display-kinds';
import type { PinMap } from '../../hw/i2c/pcf8574';
import { ROM_A00 } from '../../hw/i2c/hd44780-rom';
import { CUT_GLYPH } from '../../hw/i2c/hd44780';
import { CUT } from '../../panel/chargrid';
import type { I2cDeviceModel } from './bus';
import { Hd44780Model } from './hd44780';
import { Sh1106Model } from './sh1106';
import { Sh1107Model } from './sh1107';
import { Ssd1306Model } from './ssd1306';
import { Ssd1309Model } from './ssd1309';
import { bitmapToText, lcdPng, oledPng } from './glass-image';
import type { Bitmap } from '../../panel/frame';

export interface EmulatorSettings {
  size: SizeName;
  columnOffset: number;
  pins: PinMap;
}

export interface EmulatedPanel {
  device: I2cDeviceModel;
  /** The glass as a PNG, `scale` image pixels per glass pixel (the image module's default when not given). */
  glassPng(scale?: number): Buffer;
  /** The glass as text: '#'/'.' rows for OLEDs, the LCD's character rows (bar cells as ▏▎▌▊). */
  glassText(): string;
}

export interface Emulator {
  /** The bus speed the model needs: the LCD model checks the datasheet's waits against bus time. */
  bitRateHz?: number;
  make(s: EmulatorSettings): EmulatedPanel;
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

/** Names the bar cells, the chart levels and the cut mark the driver put in CGRAM, so the LCD's text reads like the frame. */
export function barCellName(rows: readonly number[]): string {
  if (rows.length === CUT_GLYPH.length && rows.every((r, i) => r === CUT_GLYPH[i])) return CUT;
  const i = [0x10, 0x18, 0x1c, 0x1e, 0x1f].indexOf(rows[0]);
  if (i >= 0 && rows.every((r) => r === rows[0])) return ['▏', '▎', '▌', '▊', '█'][i];
  // Filled from the bottom: so many whole rows lit under rows left dark, the eighths of Unicode's lower blocks.
  const lit = rows.length - rows.findIndex((r) => r !== 0);
  const fromBottom = rows.length === 8 && lit > 0 && lit < 8 && rows.every((r, y) => r === (y >= 8 - lit ? 0x1f : 0));
  return fromBottom ? String.fromCodePoint(0x2580 + lit) : '\uFFFD';
}

function oled(model: I2cDeviceModel & { glass(): Bitmap; glassLevel(): number }): EmulatedPanel {
  return { device: model, glassPng: (scale) => oledPng(model.glass(), model.glassLevel(), scale), glassText: () => bitmapToText(model.glass()) };
}

export const EMULATORS: Record<DisplayKindName, Emulator> = {
  ssd1306: { make: (s) => oled(new Ssd1306Model(s.size as '128x64' | '128x32')) },
  ssd1309: { make: () => oled(new Ssd1309Model()) },
  sh1106: { make: (s) => oled(new Sh1106Model(s.columnOffset)) },
  sh1107: { make: (s) => oled(new Sh1107Model(s.size === '128x64' ? 64 : 128)) },
  hd44780: {
    bitRateHz: 100_000,
    make(s) {
      const [cols, rows] = s.size.split('x').map(Number) as [16 | 20, 2 | 4];
      const lcd = new Hd44780Model(cols, rows, s.pins);
      return {
        device: lcd,
        glassPng: (scale) => lcdPng(lcd.cells(), lcd.backlight, (code) => romGlyph(ROM_A00[code] ?? ' '), scale),
        glassText: () => lcd.lines(barCellName).join('\n') + '\n',
      };
    },
  },
};
