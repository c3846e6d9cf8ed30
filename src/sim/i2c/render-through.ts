// `mesos-panel render --display …`: a frame goes through the real driver onto an emulated device on an emulated
// bus, and comes back as the picture on the emulated glass plus every I2C transaction since power-on.
import type { Frame, SizeName } from '../../panel/frame';
import { memoryLogger } from '../../log';
import { DISPLAY_KINDS, type DisplayKindName } from '../../hw/display-kinds';
import { openDisplay, pinMapOf } from '../../hw/i2c/open';
import type { PIN_MAPS, PinMap } from '../../hw/i2c/pcf8574';
import { EmulatedI2cBus } from './bus';
import { EMULATORS } from './emulators';

export interface EmulatedRenderOptions {
  kind: DisplayKindName;
  size?: SizeName;
  rotation?: 0 | 180;
  address?: number;
  columnOffset?: number;
  pins?: keyof typeof PIN_MAPS | PinMap;
  backlightActiveLow?: boolean;
}

export interface EmulatedRender {
  glassPng: Buffer;
  /** The glass as text: '#'/'.' rows for OLEDs, the LCD's character rows (bar cells as ▏▎▌▊). */
  glassText: string;
  trace: { addr: number; write?: string; read?: number; error?: string }[];
}

export async function renderThroughEmulator(frame: Frame, o: EmulatedRenderOptions): Promise<EmulatedRender> {
  const spec = DISPLAY_KINDS[o.kind];
  const emulator = EMULATORS[o.kind];
  const bus = new EmulatedI2cBus({ bitRateHz: emulator.bitRateHz });
  const size = o.size ?? spec.sizes[0];
  const address = o.address ?? spec.defaultAddress;
  const display = openDisplay({ ...o, size, address, logger: memoryLogger(), i2c: bus.promisified(), backoff: { initialMs: 1, maxMs: 1 } });
  const panel = emulator.make({ size, columnOffset: o.columnOffset ?? 2, pins: pinMapOf(o.pins, o.backlightActiveLow) });
  bus.attach(address, panel.device);
  display.show(frame);
  await display.idle();
  await display.close('keep');
  return { glassPng: panel.glassPng(), glassText: panel.glassText(), trace: bus.traceLines().map((l) => JSON.parse(l)) };
}
