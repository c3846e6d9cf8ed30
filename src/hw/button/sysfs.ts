// Legacy sysfs GPIO numbering. The number written to /sys/class/gpio/export is the base of the chip
// plus the BCM pin, and the base moved: 0 before kernel 6.6, 512 on Pi 0–4 and 571 on the Pi 5 under
// Bookworm's 6.6 (onoff #199/#200, raspberrypi/linux #5638). So the base is read
// from the chip whose label is the Pi's header controller, never assumed.
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { ButtonError, PI_GPIO_LABELS } from './backend';

export interface SysfsChip {
  /** e.g. /sys/class/gpio/gpiochip512 under the root prefix */
  dir: string;
  label: string;
  base: number;
  ngpio: number;
}

const classDir = (sysRoot: string) => join(sysRoot, 'sys/class/gpio');

/** Every chip sysfs lists, read through a root prefix so tests can point at a fake tree. */
export function listSysfsChips(sysRoot = '/'): SysfsChip[] {
  const dir = classDir(sysRoot);
  if (!existsSync(dir)) {
    throw new ButtonError(
      'no-sysfs',
      'onoff: /sys/class/gpio is missing (this kernel has no sysfs GPIO): use gpiomon instead (sudo apt install gpiod)',
    );
  }
  const chips: SysfsChip[] = [];
  for (const name of readdirSync(dir).filter((n) => /^gpiochip\d+$/.test(n))) {
    const read = (f: string) => readFileSync(join(dir, name, f), 'utf8').trim();
    try {
      chips.push({ dir: join(dir, name), label: read('label'), base: Number(read('base')), ngpio: Number(read('ngpio')) });
    } catch {
      // A chip directory without its attribute files is not usable; the others still are.
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The sysfs number of a BCM pin: base of the Pi's GPIO chip + pin. */
export function sysfsGpioNumber(
  pin: number,
  opts: { sysRoot?: string; labels?: readonly string[] } = {},
): { number: number; chip: SysfsChip } {
  const labels = opts.labels ?? PI_GPIO_LABELS;
  const chips = listSysfsChips(opts.sysRoot);
  const chip = chips.find((c) => labels.includes(c.label));
  if (!chip) {
    const found = chips.map((c) => `${c.label} (base ${c.base})`).join(', ') || 'none';
    throw new ButtonError('no-chip', `onoff: no GPIO chip labelled ${labels.join(', ')} in /sys/class/gpio (found: ${found}): is this a Raspberry Pi?`);
  }
  if (!Number.isInteger(pin) || pin < 0 || pin >= chip.ngpio) {
    throw new ButtonError('invalid-number', `onoff: GPIO${pin} does not exist: ${chip.label} has ${chip.ngpio} lines; check button.pin (BCM numbering)`);
  }
  return { number: chip.base + pin, chip };
}
