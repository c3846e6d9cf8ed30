// SSD1306 command bytes and init tables (SSD1306 Rev 1.1 §9 command table and the application note's
// "Software Initialization" flow; per-geometry values from SSD1306 datasheet / luma.oled).
import { OLED_COMMANDS } from './oled-commands';
import type { ControllerTransport } from './transport';
import { rowPages, Window, windowBytes } from './oled-pages';
import type { OledController, OledOptions } from './oled-driver';

export const SSD1306 = {
  ...OLED_COMMANDS,
  CHARGE_PUMP: 0x8d,
  CHARGE_PUMP_ON: 0x14,
  MEMORY_MODE: 0x20,
  HORIZONTAL: 0x00,
  DEACTIVATE_SCROLL: 0x2e,
  COLUMN_ADDR: 0x21,
  PAGE_ADDR: 0x22,
} as const;

/** Multiplex ratio and COM pin configuration per geometry (SSD1306 datasheet "Size settings"). */
export const SSD1306_GEOMETRY = {
  '128x64': { multiplex: 0x3f, comPins: 0x12, contrast: 0xcf },
  '128x32': { multiplex: 0x1f, comPins: 0x02, contrast: 0x8f },
} as const;

export type Ssd1306Size = keyof typeof SSD1306_GEOMETRY;

/** The init burst, display left off until the first frame is in RAM. */
export function ssd1306Init(size: Ssd1306Size, o: OledOptions): number[] {
  const g = SSD1306_GEOMETRY[size];
  const c = SSD1306;
  return [
    c.DISPLAY_OFF,
    c.SET_CLOCK_DIV, 0x80,
    c.SET_MULTIPLEX, g.multiplex,
    c.SET_DISPLAY_OFFSET, 0x00,
    c.SET_START_LINE_0,
    c.CHARGE_PUMP, c.CHARGE_PUMP_ON,
    c.MEMORY_MODE, c.HORIZONTAL,
    c.DEACTIVATE_SCROLL,
    o.rotation === 180 ? c.SEG_REMAP_OFF : c.SEG_REMAP_ON,
    o.rotation === 180 ? c.COM_SCAN_INC : c.COM_SCAN_DEC,
    c.SET_COM_PINS, g.comPins,
    c.SET_CONTRAST, o.contrast ?? g.contrast,
    c.SET_PRECHARGE, 0xf1,
    c.SET_VCOM, 0x40,
    c.RESUME_RAM,
    o.invert ? c.INVERT : c.NORMAL,
  ];
}

/** Writes a window through the SSD130x page window (21/22), which horizontal addressing fills in order. */
export async function writePageWindow(t: ControllerTransport, ram: Uint8Array, columns: number, w: Window): Promise<void> {
  await t.command([SSD1306.COLUMN_ADDR, w.c0, w.c1, SSD1306.PAGE_ADDR, w.p0, w.p1]);
  await t.data(windowBytes(ram, columns, w));
}

export function ssd1306Controller(size: Ssd1306Size): OledController {
  const [width, height] = size.split('x').map(Number);
  return {
    name: 'ssd1306',
    width,
    height,
    ram: rowPages(width, height),
    defaultContrast: SSD1306_GEOMETRY[size].contrast,
    // 7 command bytes + the data control byte + two address bytes
    windowOverhead: 10,
    stacksPages: true,
    init: (o) => ssd1306Init(size, o),
    writeWindow: (t, ram, w) => writePageWindow(t, ram, width, w),
  };
}
