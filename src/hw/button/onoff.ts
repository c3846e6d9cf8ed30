// The button through onoff (sysfs GPIO, epoll edges). The fallback for systems without libgpiod's
// tools; it cannot set the pull-up (sysfs has no bias control), so it needs `gpio=17=ip,pu` in
// config.txt, and it needs a writable /sys (the hardened unit's ProtectKernelTunables=yes forbids it).
import { errorMessage } from '../../lib/error-line';
import { BackendEvents, ButtonError, monotonicMs, type ButtonBackend } from './backend';
import { sysfsGpioNumber, type SysfsChip } from './sysfs';

/** The part of onoff's Gpio we use (onoff.d.ts, 6.0.3). */
export interface OnoffGpio {
  readSync(): number;
  watch(callback: (err: Error | null | undefined, value: number) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

export interface OnoffModule {
  Gpio: new (gpio: number, direction: 'in', edge: 'both') => OnoffGpio;
}

export interface OnoffOptions {
  pin: number;
  sysRoot?: string;
  labels?: readonly string[];
}

export interface OnoffDeps {
  /** Loads onoff; lazily, so machines where its native epoll module does not build still run. */
  load?: () => OnoffModule;
  now?: () => number;
}

const loadOnoff = (): OnoffModule => require('onoff') as OnoffModule;

const USE_GPIOMON = 'use gpiomon instead (sudo apt install gpiod)';

export class OnoffBackend extends BackendEvents implements ButtonBackend {
  readonly name = 'onoff' as const;
  private gpio: OnoffGpio | null = null;

  constructor(
    private readonly opts: OnoffOptions,
    private readonly deps: OnoffDeps = {},
  ) {
    super();
  }

  async start(): Promise<void> {
    const { number, chip } = sysfsGpioNumber(this.opts.pin, { sysRoot: this.opts.sysRoot, labels: this.opts.labels });
    let onoff: OnoffModule;
    try {
      onoff = (this.deps.load ?? loadOnoff)();
    } catch (err) {
      throw new ButtonError('missing-tool', `onoff could not be loaded (${firstLine(err)}): ${USE_GPIOMON}`);
    }
    let gpio: OnoffGpio;
    try {
      gpio = new onoff.Gpio(number, 'in', 'both');
      gpio.readSync();
    } catch (err) {
      throw classifyOnoffError(err, { pin: this.opts.pin, number, chip });
    }
    this.gpio = gpio;
    const now = this.deps.now ?? monotonicMs;
    gpio.watch((err, value) => {
      if (err) {
        this.release();
        this.emitExit(new ButtonError('failed', `onoff: reading GPIO${this.opts.pin} failed (${firstLine(err)}): running without the button`));
        return;
      }
      // The button switches to GND against a pull-up: low is pressed.
      this.emitEdge({ pressed: value === 0, at: now() });
    });
  }

  async stop(): Promise<void> {
    if (!this.gpio) return;
    this.release();
    this.emitExit(null);
  }

  private release(): void {
    const gpio = this.gpio;
    this.gpio = null;
    if (!gpio) return;
    gpio.unwatchAll();
    try {
      // Leave the line free for gpiomon or the next start.
      gpio.unexport();
    } catch {
      // Already gone (unexported by someone else): nothing left to free.
    }
  }
}

/** Map what onoff's export/open threw (Node fs errors) to one line with the fix. */
export function classifyOnoffError(err: unknown, at: { pin: number; number: number; chip: SysfsChip }): ButtonError {
  const code = (err as NodeJS.ErrnoException).code;
  const which = `GPIO${at.pin} (sysfs number ${at.number} = ${at.chip.label} base ${at.chip.base} + ${at.pin})`;
  switch (code) {
    case 'EINVAL':
      return new ButtonError('invalid-number', `onoff: the kernel refused to export ${which} (EINVAL, wrong numbering): ${USE_GPIOMON}`);
    case 'EBUSY':
      return new ButtonError('busy', `onoff: ${which} is in use by a driver or another program (EBUSY): free it (see gpioinfo) or choose another button pin`);
    case 'EACCES':
    case 'EPERM':
      return new ButtonError('permission', 'onoff: no permission to write /sys/class/gpio: add the user to group gpio (sudo usermod -aG gpio $USER, then log in again)');
    case 'EROFS':
      return new ButtonError('read-only', `onoff: /sys is read-only (the service runs with ProtectKernelTunables=yes): ${USE_GPIOMON}, or set ProtectKernelTunables=no in a drop-in`);
    case 'ENOENT':
      return new ButtonError('no-sysfs', `onoff: /sys/class/gpio/export is missing (no sysfs GPIO in this kernel): ${USE_GPIOMON}`);
    default:
      return new ButtonError('failed', `onoff: ${which}: ${firstLine(err)}`);
  }
}

// Node's "Cannot find module" carries its require stack on further lines: the first says what is missing.
function firstLine(err: unknown): string {
  return errorMessage(err).split('\n')[0];
}
