// A sysfs GPIO tree in a temp dir and a kernel that answers writes to it the way Linux's
// drivers/gpio/gpiolib-sysfs.c does: export_store() takes a global number, finds the chip whose
// [base, base+ngpio) holds it (else EINVAL), fails with EBUSY when the line is already requested,
// and creates gpioN/{value,direction,edge,active_low}. FakeOnoff is onoff 6.0.3's Gpio over it, in
// onoff's order: export unless gpioN/ exists, open the files, set direction and edge, read value.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { OnoffGpio, OnoffModule } from '../../../src/hw/button/onoff';

export interface FakeChip {
  label: string;
  base: number;
  ngpio: number;
}

/** Chip layouts as users report them (hardware.md 2.2). */
export const LAYOUTS: Record<string, FakeChip[]> = {
  'Pi 3, kernel 6.1': [{ label: 'pinctrl-bcm2835', base: 0, ngpio: 54 }, { label: 'raspberrypi-exp-gpio', base: 504, ngpio: 8 }],
  'Pi 4, kernel 6.6': [{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }, { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 }],
  'Pi 5, Bookworm 6.6': [
    { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
    { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 27 },
    { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
  ],
};

type Errno = 'EINVAL' | 'EBUSY' | 'EACCES' | 'EROFS' | 'ENOENT';
const MESSAGES: Record<Errno, string> = {
  EINVAL: 'invalid argument',
  EBUSY: 'resource busy or locked',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
};

/** An error shaped like the one Node's fs throws. */
function fsError(code: Errno, syscall: 'open' | 'write', path?: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: ${MESSAGES[code]}, ${syscall}${path ? ` '${path}'` : ''}`);
  return Object.assign(err, { code, syscall, path });
}

export class FakeKernel {
  readonly root: string;
  /** Lines requested by something else (a driver, or gpiomon): export gives EBUSY. */
  readonly busy = new Set<number>();
  /** What opening /sys/class/gpio/export fails with, if anything (EACCES without group gpio, EROFS when hardened). */
  openError: Errno | null = null;
  private readonly values = new Map<number, number>();
  private readonly watchers = new Map<number, ((err: Error | null, value: number) => void)[]>();

  constructor(readonly chips: FakeChip[], opts: { sysfs?: boolean } = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'sysfs-'));
    if (opts.sysfs === false) return;
    mkdirSync(this.classDir, { recursive: true });
    writeFileSync(join(this.classDir, 'export'), '');
    writeFileSync(join(this.classDir, 'unexport'), '');
    for (const c of chips) {
      const dir = join(this.classDir, `gpiochip${c.base}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'label'), `${c.label}\n`);
      writeFileSync(join(dir, 'base'), `${c.base}\n`);
      writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
    }
  }

  get classDir(): string {
    return join(this.root, 'sys/class/gpio');
  }

  exported(n: number): boolean {
    return existsSync(join(this.classDir, `gpio${n}`));
  }

  export(n: number): void {
    const path = join(this.classDir, 'export');
    if (!existsSync(path)) throw fsError('ENOENT', 'open', '/sys/class/gpio/export');
    if (this.openError) throw fsError(this.openError, 'open', '/sys/class/gpio/export');
    if (!this.chips.some((c) => n >= c.base && n < c.base + c.ngpio)) throw fsError('EINVAL', 'write');
    if (this.busy.has(n) || this.exported(n)) throw fsError('EBUSY', 'write');
    const dir = join(this.classDir, `gpio${n}`);
    mkdirSync(dir);
    for (const [f, v] of [['value', '1'], ['direction', 'in'], ['edge', 'none'], ['active_low', '0']]) writeFileSync(join(dir, f), `${v}\n`);
    this.values.set(n, 1); // pulled up: released
  }

  unexport(n: number): void {
    if (!this.exported(n)) throw fsError('EINVAL', 'write');
    rmSync(join(this.classDir, `gpio${n}`), { recursive: true });
    this.watchers.delete(n);
  }

  /** Drive the line, as the button does: 0 = pressed (to GND), 1 = released. Notifies like epoll(EPOLLPRI). */
  set(n: number, value: number): void {
    this.values.set(n, value);
    writeFileSync(join(this.classDir, `gpio${n}`, 'value'), `${value}\n`);
    for (const w of this.watchers.get(n) ?? []) w(null, value);
  }

  read(n: number): number {
    if (!this.exported(n)) throw fsError('ENOENT', 'open');
    return this.values.get(n) ?? 1;
  }

  watch(n: number, cb: (err: Error | null, value: number) => void): void {
    this.watchers.set(n, [...(this.watchers.get(n) ?? []), cb]);
  }

  watcherCount(n: number): number {
    return this.watchers.get(n)?.length ?? 0;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** onoff's module shape over this kernel. */
  onoff(): OnoffModule {
    const kernel = this;
    class Gpio implements OnoffGpio {
      constructor(private readonly n: number, direction: 'in', edge: 'both') {
        if (!kernel.exported(n)) kernel.export(n);
        writeFileSync(join(kernel.classDir, `gpio${n}`, 'direction'), direction);
        writeFileSync(join(kernel.classDir, `gpio${n}`, 'edge'), edge);
      }
      readSync(): number {
        return kernel.read(this.n);
      }
      watch(cb: (err: Error | null | undefined, value: number) => void): void {
        kernel.watch(this.n, cb);
      }
      unwatchAll(): void {
        kernel.watchers.delete(this.n);
      }
      unexport(): void {
        kernel.unexport(this.n);
      }
    }
    return { Gpio };
  }
}
