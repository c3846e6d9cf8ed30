// SH1106 command bytes and init table (SH1106 V2.2 command table). Page addressing only; the
// 128-pixel glass sits in a 132-column RAM.
import { OLED_COMMANDS } from './oled-commands';
import type { ControllerTransport } from './transport';
import { rowPages, Window } from './oled-pages';
import type { OledController, OledOptions } from './oled-driver';

export const SH1106 = {
  ...OLED_COMMANDS,
  DCDC: 0xad,
  DCDC_ON: 0x8b,
  PUMP_8V: 0x32,
  PAGE: 0xb0,
  COLUMN_LOW: 0x00,
  COLUMN_HIGH: 0x10,
} as const;

const RAM_COLUMNS = 132;

/**
 * One page's run of columns in page addressing, the only mode the SH110x have: `B0+page, column low, column high`,
 * then the data; the column counter moves on by itself and never leaves the page (SH1106 V2.2 and SH1107 V2.1 command
 * tables 1, 2 and 12). `start` is the RAM column of the image's column 0.
 */
export async function writePageRun(t: ControllerTransport, ram: Uint8Array, columns: number, start: number, w: Window): Promise<void> {
  const col = start + w.c0;
  await t.command([SH1106.PAGE | w.p0, SH1106.COLUMN_LOW | (col & 0x0f), SH1106.COLUMN_HIGH | (col >> 4)]);
  await t.data(ram.subarray(w.p0 * columns + w.c0, w.p0 * columns + w.c1 + 1));
}
const WIDTH = 128;

export function sh1106Init(o: OledOptions): number[] {
  const c = SH1106;
  return [
    c.DISPLAY_OFF,
    c.SET_CLOCK_DIV, 0x80,
    c.SET_MULTIPLEX, 0x3f,
    c.SET_DISPLAY_OFFSET, 0x00,
    c.SET_START_LINE_0,
    c.DCDC, c.DCDC_ON,
    c.PUMP_8V,
    o.rotation === 180 ? c.SEG_REMAP_OFF : c.SEG_REMAP_ON,
    o.rotation === 180 ? c.COM_SCAN_INC : c.COM_SCAN_DEC,
    c.SET_COM_PINS, 0x12,
    c.SET_CONTRAST, o.contrast ?? 0x80,
    c.SET_PRECHARGE, 0x22,
    c.SET_VCOM, 0x35,
    c.RESUME_RAM,
    o.invert ? c.INVERT : c.NORMAL,
  ];
}

/**
 * @param columnOffset the first RAM column the glass shows with A1 (2 on most 1.3" modules, 0 on some).
 * With A0 (rotation 180) segments count from the other end of the 132 columns, so the window starts at
 * 132 - 128 - offset instead.
 */
export function sh1106Controller(columnOffset: number, rotation: 0 | 180): OledController {
  const start = rotation === 180 ? RAM_COLUMNS - WIDTH - columnOffset : columnOffset;
  return {
    name: 'sh1106',
    width: WIDTH,
    height: 64,
    ram: rowPages(WIDTH, 64),
    defaultContrast: 0x80,
    windowOverhead: 7, // 4 command bytes + data control byte + two address bytes
    stacksPages: false,
    init: sh1106Init,
    writeWindow: (t, ram, w) => writePageRun(t, ram, WIDTH, start, w),
  };
}
