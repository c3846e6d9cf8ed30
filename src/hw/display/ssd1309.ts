// SSD1309 (Solomon Systech SSD1309 Rev 1.1, §9 command tables, §10 command descriptions): the SSD1306's command
// set for 128x64 glass on an external VCC, found on the 2.42" and 1.54" modules. It has no charge pump, so no 8D:
// its command table does not list it, and Table 9-6 note (1) forbids bytes outside the table. It adds a command
// lock (FD, §10.22), which a module left locked by another program needs lifted before it takes anything else.
import { OLED_COMMANDS } from './oled-commands';
import { rowPages } from './oled-pages';
import type { OledController, OledOptions } from './oled-driver';
import { SSD1306, writePageWindow } from './ssd1306';

export const SSD1309 = {
  ...OLED_COMMANDS,
  COMMAND_LOCK: 0xfd,
  UNLOCK: 0x12,
  MEMORY_MODE: SSD1306.MEMORY_MODE,
  HORIZONTAL: SSD1306.HORIZONTAL,
  DEACTIVATE_SCROLL: SSD1306.DEACTIVATE_SCROLL,
} as const;

/** Contrast after reset (§9 Table 9-1, 81h). */
const RESET_CONTRAST = 0x7f;

/**
 * The init burst, display left off until the first frame is in RAM. Clock (D5 0x70), pre-charge (D9 0x22) and
 * VCOMH (DB 0x34) are the reset values of Table 9-5: 0x22 is the pre-charge for an external VCC, which is how
 * every SSD1309 module is powered.
 */
export function ssd1309Init(o: OledOptions): number[] {
  const c = SSD1309;
  return [
    c.COMMAND_LOCK, c.UNLOCK,
    c.DISPLAY_OFF,
    c.SET_CLOCK_DIV, 0x70,
    c.SET_MULTIPLEX, 0x3f,
    c.SET_DISPLAY_OFFSET, 0x00,
    c.SET_START_LINE_0,
    c.MEMORY_MODE, c.HORIZONTAL,
    c.DEACTIVATE_SCROLL,
    o.rotation === 180 ? c.SEG_REMAP_OFF : c.SEG_REMAP_ON,
    o.rotation === 180 ? c.COM_SCAN_INC : c.COM_SCAN_DEC,
    c.SET_COM_PINS, 0x12,
    c.SET_CONTRAST, o.contrast ?? RESET_CONTRAST,
    c.SET_PRECHARGE, 0x22,
    c.SET_VCOM, 0x34,
    c.RESUME_RAM,
    o.invert ? c.INVERT : c.NORMAL,
  ];
}

export function ssd1309Controller(): OledController {
  return {
    name: 'ssd1309',
    width: 128,
    height: 64,
    ram: rowPages(128, 64),
    defaultContrast: RESET_CONTRAST,
    windowOverhead: 10, // as the SSD1306: the same page window commands
    stacksPages: true,
    init: ssd1309Init,
    writeWindow: (t, ram, w) => writePageWindow(t, ram, 128, w),
  };
}
