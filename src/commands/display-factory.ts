// display.kind → a Display. I2C kinds go through our own drivers (src/hw/i2c); terminal and png are for
// development and for seeing the panel without hardware.
import type { Config } from '../config';
import type { Display } from '../hw/display';
import { openDisplay } from '../hw/i2c/open';
import { NullDisplay } from '../hw/null-display';
import { PngDisplay } from '../hw/png';
import { TerminalDisplay } from '../hw/terminal';
import type { Logger } from '../log';
import { geometryOf } from '../panel/frame';
import { ConfigError } from '../config';

/** `pngScale`: picture pixels per display pixel for display.kind png (a command-line choice, not a config key). */
export function displayFromConfig(config: Config, log: Logger, pngScale = 1): Display {
  const d = config.display;
  const geometry = geometryOf(d.size);
  switch (d.kind) {
    case 'terminal':
      return new TerminalDisplay(geometry);
    case 'png':
      return new PngDisplay(geometry, { file: d.pngFile, scale: pngScale, onError: (m) => log.warn(`display: ${m}`), onRecover: (m) => log.info(`display: ${m}`) });
    case 'none':
      return new NullDisplay(geometry);
    default: {
      const pins = d.lcd.pinMap === 'custom' ? d.lcd.customPins : d.lcd.pinMap;
      if (!pins) throw new ConfigError('config: display.lcd.pinMap is "custom" but display.lcd.customPins is null; give {rs, rw, e, backlight, d4, d5, d6, d7} (PCF8574 bits 0-7)');
      try {
        return openDisplay({
          kind: d.kind,
          size: d.size,
          bus: d.bus,
          address: d.address ?? undefined,
          rotation: d.rotation,
          columnOffset: d.columnOffset,
          contrast: d.contrast,
          pins:
            typeof pins === 'string'
              ? pins
              : { rs: pins.rs, rw: pins.rw, e: pins.e, backlight: pins.backlight, data: [pins.d4, pins.d5, pins.d6, pins.d7], backlightActiveLow: false },
          backlightActiveLow: d.lcd.backlightActiveLow ?? undefined,
          logger: log,
        });
      } catch (err) {
        throw new ConfigError(`config: ${(err as Error).message}`);
      }
    }
  }
}
