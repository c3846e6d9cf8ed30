// The factory the daemon and the CLI use: a Display for an I2C panel, from plain options.
import type { PromisifiedBus } from 'i2c-bus';
import { geometryOf, type SizeName } from '../../panel/frame';
import type { Logger } from '../../log';
import type { PanelDriver } from './driver';
import { Hd44780Driver } from './hd44780';
import { OledDriver } from './oled-driver';
import { checkPinMap, isPcf8574Address, PIN_MAPS, type PinMap } from './pcf8574';
import { Backoff, FrameRunner, type I2cDisplay } from './runner';
import { sh1106Controller } from './sh1106';
import { ssd1306Controller } from './ssd1306';
import { I2cBusLike, I2cTransport } from './transport';

export type I2cDisplayKind = 'ssd1306' | 'sh1106' | 'hd44780';

export interface OpenDisplayOptions {
  kind: I2cDisplayKind;
  /** Default 128x64 for OLEDs, 16x2 for the LCD. */
  size?: SizeName;
  /** /dev/i2c-N; default 1. */
  bus?: number;
  /** Default 0x3C for OLEDs, 0x27 for the LCD. */
  address?: number;
  rotation?: 0 | 180;
  /** SH1106 only: the first RAM column the glass shows, 0-4; default 2. */
  columnOffset?: number;
  contrast?: number;
  dimContrast?: number;
  invert?: boolean;
  /** HD44780 only: a backpack name or a custom map; default lcm1602. */
  pins?: keyof typeof PIN_MAPS | PinMap;
  /** HD44780 only: overrides the map's backlight polarity. */
  backlightActiveLow?: boolean;
  logger: Logger;
  /** An opened bus (tests, the emulator); otherwise /dev/i2c-N is opened with i2c-bus, lazily. */
  i2c?: I2cBusLike;
  backoff?: Backoff;
}

const SIZES: Record<I2cDisplayKind, readonly SizeName[]> = {
  ssd1306: ['128x64', '128x32'],
  sh1106: ['128x64'],
  hd44780: ['16x2', '20x4'],
};

const hex = (n: number): string => `0x${n.toString(16)}`;

function checkByte(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`display.${name} ${v} must be 0-255`);
}

/** Opens i2c-bus only when first written to, so a missing bus shows as the first write's ENOENT, like i2c-bus. */
function lazyBus(busNumber: number): () => Promise<I2cBusLike> {
  let opened: Promise<PromisifiedBus> | undefined;
  return () => {
    // Loaded here so a machine without the native addon can still use the emulator and other displays.
    opened ??= Promise.resolve().then(() => (require('i2c-bus') as typeof import('i2c-bus')).openPromisified(busNumber));
    return opened;
  };
}

/** A Display for an I2C panel. Throws a one-line error for impossible options; never for a missing device. */
export function openDisplay(o: OpenDisplayOptions): I2cDisplay {
  const size = o.size ?? (o.kind === 'hd44780' ? '16x2' : '128x64');
  if (!SIZES[o.kind]) throw new Error(`display.kind ${o.kind} is not an I2C display; use ssd1306, sh1106 or hd44780`);
  if (!SIZES[o.kind].includes(size)) throw new Error(`${o.kind} does not come in ${size}; use ${SIZES[o.kind].join(' or ')}`);
  const busNumber = o.bus ?? 1;
  if (!Number.isInteger(busNumber) || busNumber < 0) throw new Error(`display.bus ${busNumber} must be the N of /dev/i2c-N`);
  const address = o.address ?? (o.kind === 'hd44780' ? 0x27 : 0x3c);
  if (o.kind === 'hd44780' ? !isPcf8574Address(address) : address !== 0x3c && address !== 0x3d) {
    throw new Error(`display.address ${hex(address)} is not a ${o.kind} address; use ${o.kind === 'hd44780' ? '0x20-0x27 or 0x38-0x3f (PCF8574A)' : '0x3c or 0x3d'}`);
  }
  const rotation = o.rotation ?? 0;
  if (rotation !== 0 && rotation !== 180) throw new Error(`display.rotation ${String(rotation)} must be 0 or 180`);
  checkByte('contrast', o.contrast);
  checkByte('dimContrast', o.dimContrast);
  const i2c = o.i2c;
  const transport = new I2cTransport(i2c ? async () => i2c : lazyBus(busNumber), busNumber, address);
  const log = o.logger.child(o.kind);
  let driver: PanelDriver;
  if (o.kind === 'hd44780') {
    const base = typeof o.pins === 'object' ? o.pins : PIN_MAPS[o.pins ?? 'lcm1602'];
    if (!base) throw new Error(`display.pins ${String(o.pins)} is unknown; use lcm1602, mjkdz or a custom map`);
    const pins = { ...base, backlightActiveLow: o.backlightActiveLow ?? base.backlightActiveLow };
    checkPinMap(pins);
    const g = geometryOf(size) as { cols: 16 | 20; rows: 2 | 4 };
    driver = new Hd44780Driver(transport, { cols: g.cols, rows: g.rows, pins });
  } else {
    const oled = { rotation, contrast: o.contrast, dimContrast: o.dimContrast, invert: o.invert } as const;
    if (o.kind === 'sh1106') {
      const offset = o.columnOffset ?? 2;
      if (!Number.isInteger(offset) || offset < 0 || offset > 4) throw new Error(`display.columnOffset ${offset} must be 0-4 (2 for most 1.3" SH1106 modules)`);
      driver = new OledDriver(sh1106Controller(offset, rotation), transport, oled);
    } else {
      driver = new OledDriver(ssd1306Controller(size as '128x64' | '128x32'), transport, oled);
    }
  }
  return new FrameRunner(driver, log, o.backoff, () => transport.close());
}
