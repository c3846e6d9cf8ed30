// The factory the daemon and the CLI use: a Display for an I2C panel, from plain options. The options were checked
// where they came from (the config schema, `render`'s flags) against the kind's entry in display-kinds.ts.
import type { PromisifiedBus } from 'i2c-bus';
import type { SizeName } from '../../panel/frame';
import type { Logger } from '../../log';
import { DISPLAY_KINDS, sizeProblem, type DisplayKindName } from '../display-kinds';
import { FrameRunner, type RetryLimits, type BusDisplay } from '../display/runner';
import { PIN_MAPS, type PinMap } from './pcf8574';
import { I2cBusLike, I2cTransport } from './transport';

export interface OpenDisplayOptions {
  kind: DisplayKindName;
  /** Default: the first size the kind comes in (128x64 for most OLEDs, 128x128 for the SH1107, 16x2 for the LCD). */
  size?: SizeName;
  /** /dev/i2c-N; default 1. */
  bus?: number;
  /** Default: the kind's usual address (0x3C for OLEDs, 0x27 for the LCD). */
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
  backoff?: RetryLimits;
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

/** The pin map of a backpack name or a custom map, with the backlight polarity overridden when asked. */
export function pinMapOf(pins: OpenDisplayOptions['pins'], backlightActiveLow?: boolean): PinMap {
  const base = typeof pins === 'object' ? pins : PIN_MAPS[pins ?? 'lcm1602'];
  return { ...base, backlightActiveLow: backlightActiveLow ?? base.backlightActiveLow };
}

/** A Display for an I2C panel. Never throws for a missing device: the runner retries until it answers. */
export function openDisplay(o: OpenDisplayOptions): BusDisplay {
  const spec = DISPLAY_KINDS[o.kind];
  const size = o.size ?? spec.sizes[0];
  const wrongSize = sizeProblem(o.kind, size);
  if (wrongSize) throw new Error(wrongSize);
  const busNumber = o.bus ?? 1;
  const address = o.address ?? spec.defaultAddress;
  const i2c = o.i2c;
  const transport = new I2cTransport(i2c ? async () => i2c : lazyBus(busNumber), busNumber, address);
  const driver = spec.driver(transport, {
    size,
    rotation: o.rotation ?? 0,
    contrast: o.contrast,
    dimContrast: o.dimContrast,
    invert: o.invert,
    columnOffset: o.columnOffset ?? 2,
    pins: pinMapOf(o.pins, o.backlightActiveLow),
  });
  return new FrameRunner(driver, o.logger.child(o.kind), o.backoff, () => transport.close());
}
