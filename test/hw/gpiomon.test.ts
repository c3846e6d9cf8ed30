import type { ButtonError, RawEdge } from '../../src/hw/button/backend';
import { GpiomonBackend } from '../../src/hw/button/gpiomon';
import { parseEventLine, parseGpiodetect, parseVersion } from '../../src/hw/button/gpiomon-format';
import { PressMachine, type PressAction, type PressContext } from '../../src/hw/button/press';
import { fakeTools, removeFakeTools, type FakeConfig } from './fakes/libgpiod';
import { ManualClock, startError } from './button-helpers';

const backends: GpiomonBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.stop()));
  removeFakeTools();
});

function backend(config: FakeConfig, pin = 17, now?: () => number) {
  const tools = fakeTools(config);
  const b = new GpiomonBackend({ pin, commands: tools.commands, settleMs: 1000 }, { now });
  backends.push(b);
  const edges: RawEdge[] = [];
  b.on('edge', (e) => edges.push(e));
  const nextEdge = () => new Promise<RawEdge>((resolve) => b.once('edge', resolve));
  return { b, tools, edges, nextEdge };
}

describe('gpiomon output formats', () => {
  test('v1.6 event lines (event_print_human_readable, %8ld.%09ld)', () => {
    expect(parseEventLine('event: FALLING EDGE offset: 17 timestamp: [    1234.000123456]')).toEqual({ rising: false, offset: 17 });
    expect(parseEventLine('event:  RISING EDGE offset: 17 timestamp: [1700000000.999999999]')).toEqual({ rising: true, offset: 17 });
  });

  test('v2 event lines, with and without a line name', () => {
    expect(parseEventLine('10002.907638045\tfalling\tgpiochip0 17 "GPIO17"')).toEqual({ rising: false, offset: 17 });
    expect(parseEventLine('10002.907638045\trising\tgpiochip4 17')).toEqual({ rising: true, offset: 17 });
    expect(parseEventLine("Monitoring line '17'...")).toBeNull();
    expect(parseEventLine('')).toBeNull();
  });

  test('--version of v1.6, v2.1 and v2.3', () => {
    expect(parseVersion('gpiomon (libgpiod) v1.6.3\nCopyright')).toMatchObject({ major: 1, minor: 6 });
    expect(parseVersion('gpiomon (libgpiod) v2.1.3\n')).toMatchObject({ major: 2, minor: 1 });
    expect(parseVersion('gpiomon v2.3 (libgpiod v2.3.0)\n')).toMatchObject({ major: 2, minor: 3 });
    expect(parseVersion('nonsense')).toBeNull();
  });

  test('gpiodetect lines of a Pi 5', () => {
    const out = 'gpiochip0 [pinctrl-rp1] (54 lines)\ngpiochip10 [gpio-brcmstb@107d508500] (32 lines)\n';
    expect(parseGpiodetect(out)).toEqual([
      { name: 'gpiochip0', label: 'pinctrl-rp1', lines: 54 },
      { name: 'gpiochip10', label: 'gpio-brcmstb@107d508500', lines: 32 },
    ]);
  });
});

describe.each([
  { version: '1.6.3', args: ['-b', '-B', 'pull-up', 'gpiochip0', '17'] },
  { version: '2.1.3', args: ['--banner', '-b', 'pull-up', '-C', 'mesos-panel', '-c', 'gpiochip0', '17'] },
  { version: '2.3', args: ['--banner', '-b', 'pull-up', '-C', 'mesos-panel', '-c', 'gpiochip0', '17'] },
])('gpiomon v$version', ({ version, args }) => {
  test('is started with the flags of its version and reports presses as falling edges', async () => {
    const { b, tools, edges, nextEdge } = backend({ version, namedLines: true });
    await b.start();
    expect(tools.gpiomonArgs()).toEqual([args]);
    tools.push('falling');
    await nextEdge();
    tools.push('rising');
    await nextEdge();
    expect(edges.map((e) => e.pressed)).toEqual([true, false]);
  });

  test('a busy line gives one line naming the fix', async () => {
    const err = await startError(backend({ version, fail: 'EBUSY' }).b.start());
    expect(err.code).toBe('busy');
    expect(err.message).toMatch(/GPIO17 on gpiochip0 is in use/);
  });

  test('no permission on the chip points at group gpio', async () => {
    const err = await startError(backend({ version, fail: 'EACCES' }).b.start());
    expect(err.code).toBe('permission');
    expect(err.message).toMatch(/group gpio/);
  });

  test('an unexpected exit after start is reported once, a stop() is not', async () => {
    const { b, tools } = backend({ version });
    await b.start();
    const exited = new Promise<ButtonError | null>((resolve) => b.once('exit', resolve));
    tools.push('die error waiting for events: Input/output error');
    const err = await exited;
    expect(err?.message).toBe('gpiomon: error waiting for events: Input/output error');

    const again = backend({ version });
    await again.b.start();
    const stopped = new Promise<ButtonError | null>((resolve) => again.b.once('exit', resolve));
    await again.b.stop();
    expect(await stopped).toBeNull();
  });
});

describe('gpiomon chip and pin selection', () => {
  test('the Pi 5 chip is found by label wherever it is numbered', async () => {
    for (const name of ['gpiochip0', 'gpiochip4']) {
      const chips = [
        { name: 'gpiochip1', label: 'gpio-brcmstb@107d508500', lines: 32 },
        { name, label: 'pinctrl-rp1', lines: 54 },
      ];
      const { b, tools } = backend({ version: '2.1.3', chips });
      await b.start();
      expect(tools.gpiomonArgs()[0]).toContain(name);
      await b.stop();
    }
  });

  test('v1 before 1.5 has no bias flag and still runs', async () => {
    const { b, tools } = backend({ version: '1.4.1' });
    await b.start();
    expect(tools.gpiomonArgs()).toEqual([['-b', 'gpiochip0', '17']]);
  });

  test('a machine without a Pi GPIO chip', async () => {
    const err = await startError(backend({ version: '2.1.3', chips: [{ name: 'gpiochip0', label: 'gpio-mockup-A', lines: 8 }] }).b.start());
    expect(err.code).toBe('no-chip');
    expect(err.message).toMatch(/found: gpiochip0 \[gpio-mockup-A\]/);
  });

  test('a pin the chip does not have', async () => {
    const err = await startError(backend({ version: '1.6.3' }, 60).b.start());
    expect(err.code).toBe('invalid-number');
    expect(err.message).toMatch(/58 lines/);
  });

  test('gpiodetect without permission (v1 and v2 wording)', async () => {
    for (const version of ['1.6.3', '2.1.3']) {
      const err = await startError(backend({ version, fail: 'EACCES' }).b.start());
      expect(err.code).toBe('permission');
      expect(err.message).toMatch(/^gpiodetect: no permission/);
    }
  });

  test('gpiomon missing: install gpiod', async () => {
    const b = new GpiomonBackend({ pin: 17, commands: { gpiomon: '/nonexistent/gpiomon' } });
    const err = await startError(b.start());
    expect(err.code).toBe('missing-tool');
    expect(err.message).toBe('gpiomon not found: install it with `sudo apt install gpiod`');
  });
});

describe('press sequences through the gpiomon fake', () => {
  test.each(['1.6.3', '2.1.3'])('v%s: next screen, start, confirm and reset, wake', async (version) => {
    const clock = new ManualClock();
    const { b, tools, nextEdge } = backend({ version }, 17, clock.now);
    const context: PressContext = { job: 'idle', blanked: false };
    const actions: PressAction['type'][] = [];
    const machine = new PressMachine({ context: () => context, onAction: (a) => actions.push(a.type), clock });
    b.on('edge', (e) => machine.edge(e));
    await b.start();

    const hold = async (ms: number) => {
      tools.push('falling');
      await nextEdge();
      clock.advance(ms);
      tools.push('rising');
      await nextEdge();
      clock.advance(100);
    };
    await hold(300);
    expect(actions).toEqual(['next']);
    await hold(1600);
    expect(actions).toEqual(['next', 'start']);
    context.job = 'running';
    await hold(1600);
    await hold(1600);
    expect(actions).toEqual(['next', 'start', 'confirm', 'reset']);
    context.blanked = true;
    await hold(300);
    expect(actions).toEqual(['next', 'start', 'confirm', 'reset', 'wake']);
    machine.stop();
  });
});
