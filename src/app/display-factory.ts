// display.kind → a Display. Controllers go through our own drivers (src/hw/display-kinds.ts); terminal and png are
// for development and for seeing the panel without hardware. The config schema has already checked the settings
// against the kind, so nothing here can be wrong for it.
import type { Config } from '../config';
import type { Display } from '../hw/display';
import { customPinMap } from '../hw/display-kinds';
import { openDisplay } from '../hw/i2c/open';
import { NullDisplay } from '../hw/null-display';
import { PngDisplay } from '../hw/png';
import { TerminalDisplay } from '../hw/terminal';
import type { Logger } from '../log';
import { geometryOf } from '../panel/frame';

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
    default:
      return openDisplay({
        kind: d.kind,
        size: d.size,
        bus: d.bus,
        address: d.address ?? undefined,
        rotation: d.rotation,
        columnOffset: d.columnOffset,
        contrast: d.contrast,
        pins: d.lcd.pinMap !== 'custom' ? d.lcd.pinMap : d.lcd.customPins ? customPinMap(d.lcd.customPins) : undefined,
        backlightActiveLow: d.lcd.backlightActiveLow ?? undefined,
        logger: log,
      });
  }
}
