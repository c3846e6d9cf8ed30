// How an HD44780 is wired to a PCF8574 backpack: which expander bit drives which LCD pin (HD44780U datasheet).

export interface PinMap {
  rs: number;
  rw: number;
  e: number;
  backlight: number;
  /** Expander bits wired to D4, D5, D6, D7. */
  data: readonly [number, number, number, number];
  /** true when a 0 on the backlight bit lights it (MJKDZ). */
  backlightActiveLow: boolean;
}

/** The common "LCM1602 / YwRobot" backpack, luma's default: P0 RS, P1 RW, P2 E, P3 BL, P4-P7 D4-D7. */
export const LCM1602: PinMap = { rs: 0, rw: 1, e: 2, backlight: 3, data: [4, 5, 6, 7], backlightActiveLow: false };

/** MJKDZ / GY-IICLCD: P6 RS, P5 RW, P4 E, P7 BL (active low), P0-P3 D4-D7. */
export const MJKDZ: PinMap = { rs: 6, rw: 5, e: 4, backlight: 7, data: [0, 1, 2, 3], backlightActiveLow: true };

export const PIN_MAPS = { lcm1602: LCM1602, mjkdz: MJKDZ } as const;

/** PCF8574(T) answers at 0x20-0x27, PCF8574A(T) at 0x38-0x3F. */
export function isPcf8574Address(addr: number): boolean {
  return (addr >= 0x20 && addr <= 0x27) || (addr >= 0x38 && addr <= 0x3f);
}

/** Whether a map uses each expander bit 0-7 at most once. */
export function isValidPinMap(map: PinMap): boolean {
  const bits = [map.rs, map.rw, map.e, map.backlight, ...map.data];
  return bits.every((b) => Number.isInteger(b) && b >= 0 && b <= 7) && new Set(bits).size === bits.length;
}
