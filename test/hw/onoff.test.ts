import { writeFileSync } from 'fs';
import { join } from 'path';
import type { RawEdge } from '../../src/hw/button/backend';
import { classifyOnoffError, OnoffBackend } from '../../src/hw/button/onoff';
import { PressMachine, type PressAction, type PressContext } from '../../src/hw/button/press';
import { listSysfsChips, sysfsGpioNumber } from '../../src/hw/button/sysfs';
import { FakeKernel, LAYOUTS, type FakeChip } from './fakes/fake-sysfs';
import { ManualClock, startError } from './button-helpers';

const kernels: FakeKernel[] = [];
afterEach(() => kernels.splice(0).forEach((k) => k.cleanup()));

function kernel(chips: FakeChip[], opts?: { sysfs?: boolean }): FakeKernel {
  const k = new FakeKernel(chips, opts);
  kernels.push(k);
  return k;
}

function backend(k: FakeKernel, pin = 17, now?: () => number) {
  const b = new OnoffBackend({ pin, sysRoot: k.root }, { load: () => k.onoff(), now });
  const edges: RawEdge[] = [];
  b.on('edge', (e) => edges.push(e));
  return { b, edges };
}

describe('sysfs numbering', () => {
  test.each([
    ['Pi 3, kernel 6.1', 17, 'pinctrl-bcm2835'],
    ['Pi 4, kernel 6.6', 529, 'pinctrl-bcm2711'],
    ['Pi 5, Bookworm 6.6', 588, 'pinctrl-rp1'],
  ])('%s: GPIO17 is sysfs number %i (%s)', (layout, number, label) => {
    const k = kernel(LAYOUTS[layout]);
    const found = sysfsGpioNumber(17, { sysRoot: k.root });
    expect(found.number).toBe(number);
    expect(found.chip.label).toBe(label);
  });

  test('chips are read from their files, not guessed from the directory name', () => {
    const k = kernel([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    writeFileSync(join(k.classDir, 'gpiochip512', 'base'), '522\n'); // the Pi 4 outlier in onoff #199
    expect(sysfsGpioNumber(17, { sysRoot: k.root }).number).toBe(539);
    expect(listSysfsChips(k.root)).toEqual([{ dir: join(k.classDir, 'gpiochip512'), label: 'pinctrl-bcm2711', base: 522, ngpio: 58 }]);
  });

  test('a pin beyond the chip, a board without a Pi chip, a kernel without sysfs GPIO', () => {
    expect(() => sysfsGpioNumber(60, { sysRoot: kernel(LAYOUTS['Pi 4, kernel 6.6']).root })).toThrow(/has 58 lines/);
    expect(() => sysfsGpioNumber(17, { sysRoot: kernel([{ label: 'gpio-mockup-A', base: 0, ngpio: 8 }]).root })).toThrow(
      /found: gpio-mockup-A \(base 0\)/,
    );
    expect(() => sysfsGpioNumber(17, { sysRoot: kernel([], { sysfs: false }).root })).toThrow(/sudo apt install gpiod/);
  });
});

describe('onoff backend', () => {
  test.each(Object.keys(LAYOUTS))('%s: exports the right number and reports presses', async (layout) => {
    const k = kernel(LAYOUTS[layout]);
    const { b, edges } = backend(k);
    await b.start();
    const { number } = sysfsGpioNumber(17, { sysRoot: k.root });
    expect(k.exported(number)).toBe(true);
    k.set(number, 0);
    k.set(number, 1);
    expect(edges.map((e) => e.pressed)).toEqual([true, false]);
    await b.stop();
    expect(k.exported(number)).toBe(false);
    expect(k.watcherCount(number)).toBe(0);
  });

  test('the trap it avoids: a hard-coded 17 on a 6.6 kernel is EINVAL, and says so in one line', () => {
    const k = kernel(LAYOUTS['Pi 4, kernel 6.6']);
    let thrown: unknown;
    try {
      new (k.onoff().Gpio)(17, 'in', 'both');
    } catch (err) {
      thrown = err;
    }
    expect((thrown as NodeJS.ErrnoException).code).toBe('EINVAL');
    const chip = { dir: '', label: 'pinctrl-bcm2711', base: 0, ngpio: 58 };
    const err = classifyOnoffError(thrown, { pin: 17, number: 17, chip });
    expect(err.code).toBe('invalid-number');
    expect(err.message).toMatch(/EINVAL, wrong numbering.*sudo apt install gpiod/);
  });

  test('EINVAL from the kernel at export', async () => {
    const k = kernel(LAYOUTS['Pi 4, kernel 6.6']);
    const { b } = backend(k, 17);
    // A sysfs tree that disagrees with the kernel: the label file points at a chip the kernel numbers elsewhere.
    writeFileSync(join(k.classDir, 'gpiochip512', 'base'), '0\n');
    const err = await startError(b.start());
    expect(err.code).toBe('invalid-number');
    expect(err.message).toMatch(/sysfs number 17 = pinctrl-bcm2711 base 0 \+ 17/);
  });

  test('EBUSY when something else holds the line', async () => {
    const k = kernel(LAYOUTS['Pi 5, Bookworm 6.6']);
    k.busy.add(588);
    const err = await startError(backend(k).b.start());
    expect(err.code).toBe('busy');
    expect(err.message).toMatch(/GPIO17 \(sysfs number 588.*in use/);
  });

  test('EACCES without group gpio', async () => {
    const k = kernel(LAYOUTS['Pi 4, kernel 6.6']);
    k.openError = 'EACCES';
    const err = await startError(backend(k).b.start());
    expect(err.code).toBe('permission');
    expect(err.message).toMatch(/group gpio/);
  });

  test('EROFS under the hardened unit', async () => {
    const k = kernel(LAYOUTS['Pi 4, kernel 6.6']);
    k.openError = 'EROFS';
    const err = await startError(backend(k).b.start());
    expect(err.code).toBe('read-only');
    expect(err.message).toMatch(/ProtectKernelTunables/);
  });

  test('onoff that cannot load (no native epoll build)', async () => {
    const k = kernel(LAYOUTS['Pi 4, kernel 6.6']);
    const b = new OnoffBackend(
      { pin: 17, sysRoot: k.root },
      {
        load: () => {
          throw new Error("Cannot find module 'epoll'\nRequire stack: ...");
        },
      },
    );
    const err = await startError(b.start());
    expect(err.code).toBe('missing-tool');
    expect(err.message).toBe("onoff could not be loaded (Cannot find module 'epoll'): use gpiomon instead (sudo apt install gpiod)");
  });

  test('press sequences through the sysfs fake: next screen, start, confirm and reset, wake', async () => {
    const k = kernel(LAYOUTS['Pi 5, Bookworm 6.6']);
    const clock = new ManualClock();
    const { b } = backend(k, 17, clock.now);
    const context: PressContext = { job: 'idle', blanked: false };
    const actions: PressAction['type'][] = [];
    const machine = new PressMachine({ context: () => context, onAction: (a) => actions.push(a.type), clock });
    b.on('edge', (e) => machine.edge(e));
    await b.start();
    const hold = (ms: number) => {
      k.set(588, 0);
      clock.advance(ms);
      k.set(588, 1);
      clock.advance(100);
    };
    hold(300);
    hold(1600);
    context.job = 'done';
    hold(1600);
    hold(1600);
    context.blanked = true;
    hold(2000);
    expect(actions).toEqual(['next', 'start', 'confirm', 'reset', 'wake']);
    await b.stop();
  });
});
