import { memoryLogger } from '../../src/log';
import { openButton } from '../../src/hw/button/select';
import type { ButtonBackend } from '../../src/hw/button/backend';
import { fakeTools, removeFakeTools } from './fakes/libgpiod';
import { FakeKernel, LAYOUTS } from './fakes/fake-sysfs';

const MISSING = { gpiomon: '/nonexistent/gpiomon', gpiodetect: '/nonexistent/gpiodetect' };
let kernel: FakeKernel;
const opened: ButtonBackend[] = [];
beforeEach(() => (kernel = new FakeKernel(LAYOUTS['Pi 4, kernel 6.6'])));
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.stop()));
  kernel.cleanup();
  removeFakeTools();
});

async function open(kind: 'auto' | 'gpiomon' | 'onoff' | 'none', gpiomonCommands: { gpiomon: string; gpiodetect: string }) {
  const logger = memoryLogger();
  const b = await openButton({
    kind,
    pin: 17,
    logger,
    gpiomon: { options: { commands: gpiomonCommands, settleMs: 1000 } },
    onoff: { options: { sysRoot: kernel.root }, deps: { load: () => kernel.onoff() } },
  });
  opened.push(b);
  return { b, lines: logger.lines };
}

describe('openButton', () => {
  test('auto prefers gpiomon when it works', async () => {
    const { b, lines } = await open('auto', fakeTools({ version: '2.1.3' }).commands);
    expect(b.name).toBe('gpiomon');
    expect(lines).toEqual(['button: GPIO17 via gpiomon (auto)']);
    expect(kernel.exported(529)).toBe(false);
  });

  test('auto falls back to onoff when gpiomon is not installed, and says how to get it', async () => {
    const { b, lines } = await open('auto', MISSING);
    expect(b.name).toBe('onoff');
    expect(lines).toEqual(['warn: button: gpiomon not found: install it with `sudo apt install gpiod`', 'button: GPIO17 via onoff (auto)']);
    expect(kernel.exported(529)).toBe(true);
  });

  test('auto runs without a button when nothing works, one line per cause', async () => {
    kernel.busy.add(529);
    const { b, lines } = await open('auto', fakeTools({ version: '1.6.3', fail: 'EBUSY' }).commands);
    expect(b.name).toBe('none');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^warn: button: gpiomon: GPIO17 on gpiochip0 is in use/);
    expect(lines[1]).toMatch(/^warn: button: onoff: GPIO17 \(sysfs number 529.*in use/);
    expect(lines[2]).toBe('error: button: no backend could start (see above); running without the button');
  });

  test('an explicit backend that fails is not replaced by another', async () => {
    const { b, lines } = await open('gpiomon', MISSING);
    expect(b.name).toBe('none');
    expect(lines[0]).toMatch(/gpiomon not found/);
    expect(kernel.exported(529)).toBe(false);
  });

  test('none', async () => {
    const { b, lines } = await open('none', MISSING);
    expect(b.name).toBe('none');
    expect(lines).toEqual(['button: none configured']);
  });

  test('a backend dying later is logged once, and started again', async () => {
    const tools = fakeTools({ version: '2.1.3' });
    const logger = memoryLogger();
    const b = await openButton({ kind: 'gpiomon', pin: 17, logger, gpiomon: { options: { commands: tools.commands } }, retry: { firstRetryMs: 60_000 } });
    opened.push(b);
    tools.push('die error waiting for events: Input/output error');
    while (logger.lines.length < 2) await new Promise((r) => setTimeout(r, 20));
    expect(logger.lines[1]).toBe('error: button: gpiomon: error waiting for events: Input/output error; trying again in 60 s');
  });
});
