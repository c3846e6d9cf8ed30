// SH1107 (Sino Wealth SH1107 V2.1): 128 segments by 128 commons, RAM of 16 pages of 128 columns. Unlike the SH1106,
// a RAM byte holds 8 neighbouring segments and the column address picks the common, so the frame is written turned
// by a quarter (Figure 10 "RAM map"; oled-pages.ts columnPages). Page addressing as the SH1106 (command table 1, 2
// and 12). Its own commands: the start line is the double-byte DC (17), the display offset D3 takes 0-127 (9),
// multiplex up to 128 (6), and there is no COM pin configuration (DA).
import { OLED_COMMANDS } from './oled-commands';
import { columnPages } from './oled-pages';
import type { OledController, OledOptions } from './oled-driver';
import { writePageRun } from './sh1106';

export const SH1107 = {
  ...OLED_COMMANDS,
  PAGE_ADDRESSING: 0x20,
  SET_START_LINE: 0xdc,
  DCDC: 0xad,
  /** 1000 F2F1F0 D: switching frequency 0.6SF, converter on with the display (the power-on value, command 10). */
  DCDC_ON: 0x81,
} as const;

export type Sh1107Height = 64 | 128;

/**
 * The common that shows the top row of the glass, as the display offset (D3, command 9: "if COM16 is the display
 * start line, the value should be 10H"). 128x128 modules use all 128 commons from COM0; the 64x128 modules
 * (Adafruit's 128x64 FeatherWing, 4650) use 0x60, the value Adafruit's and luma.oled's drivers send for them.
 */
export const SH1107_OFFSET: Record<Sh1107Height, number> = { 64: 0x60, 128: 0x00 };

/**
 * Multiplex 128 on both modules, as luma.oled: with every common scanned, reversing the scan (C8) keeps the 64-row
 * module's commons where they were, so rotation 180 is A1 + C8 with the same offset. Clock (D5 0x50), pre-charge
 * (D9 0x22), VCOM (DB 0x35) and contrast (0x80) are the power-on values of commands 14, 15, 16 and 4.
 */
export function sh1107Init(height: Sh1107Height, o: OledOptions): number[] {
  const c = SH1107;
  return [
    c.DISPLAY_OFF,
    c.SET_START_LINE, 0x00,
    c.PAGE_ADDRESSING,
    c.SET_MULTIPLEX, 0x7f,
    c.SET_DISPLAY_OFFSET, SH1107_OFFSET[height],
    c.SET_CLOCK_DIV, 0x50,
    c.DCDC, c.DCDC_ON,
    o.rotation === 180 ? c.SEG_REMAP_ON : c.SEG_REMAP_OFF,
    o.rotation === 180 ? c.COM_SCAN_DEC : c.COM_SCAN_INC,
    c.SET_CONTRAST, o.contrast ?? 0x80,
    c.SET_PRECHARGE, 0x22,
    c.SET_VCOM, 0x35,
    c.RESUME_RAM,
    o.invert ? c.INVERT : c.NORMAL,
  ];
}

/** The glass is 128 segments wide; `height` commons tall (64 on the 64x128 modules, mounted landscape). */
export function sh1107Controller(height: Sh1107Height): OledController {
  return {
    name: 'sh1107',
    width: 128,
    height,
    ram: columnPages(128, height),
    defaultContrast: 0x80,
    windowOverhead: 7, // as the SH1106: 4 command bytes + data control byte + two address bytes
    stacksPages: false,
    init: (o) => sh1107Init(height, o),
    writeWindow: (t, ram, w) => writePageRun(t, ram, height, 0, w),
  };
}
