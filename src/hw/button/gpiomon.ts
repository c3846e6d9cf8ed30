// The button through libgpiod's gpiomon, spawned as a child: chardev GPIO, so it works on every Pi
// kernel (sysfs numbering broke in 6.6, raspberrypi/linux #5638), sets the pull-up itself, and needs no native
// Node module. Output formats and flags: see gpiomon-format.ts.
//
// The chip is chosen by label from `gpiodetect`, not by number (gpiochip4 became gpiochip0 on the Pi 5
// within the 6.6 series). gpiodetect is the same package and the same view of /dev as gpiomon, and it
// needs no sysfs: /sys/bus/gpio/devices/gpiochipN has no label file, and /sys/class/gpio/gpiochipNNN is
// named by sysfs base, not chardev number, and is missing where CONFIG_GPIO_SYSFS is off.
import { spawn as nodeSpawn, type ChildProcess } from 'child_process';
import { createInterface } from 'readline';
import { runCommand, type RunCommand } from '../command';
import { BackendEvents, ButtonError, monotonicMs, PI_GPIO_LABELS, type ButtonBackend } from './backend';
import {
  classifyGpioFailure,
  gpiomonArgs,
  parseEventLine,
  parseGpiodetect,
  parseVersion,
  type GpiomonVersion,
} from './gpiomon-format';
import { errorLine } from '../../lib/error-line';

export interface GpiomonOptions {
  /** BCM number, which is also the line offset on the Pi's header chip. */
  pin: number;
  /** A chardev name such as gpiochip0, skipping the lookup by label. */
  chip?: string;
  labels?: readonly string[];
  commands?: { gpiomon?: string; gpiodetect?: string };
  /** v1 has no start-up banner: it counts as started once it has stayed up this long. */
  settleMs?: number;
}

export interface GpiomonDeps {
  run?: RunCommand;
  spawn?: (command: string, args: readonly string[]) => ChildProcess;
  now?: () => number;
}

const INSTALL_HINT = 'install it with `sudo apt install gpiod`';

export class GpiomonBackend extends BackendEvents implements ButtonBackend {
  readonly name = 'gpiomon' as const;
  private child: ChildProcess | null = null;
  private stopping = false;

  constructor(
    private readonly opts: GpiomonOptions,
    private readonly deps: GpiomonDeps = {},
  ) {
    super();
  }

  async start(): Promise<void> {
    const version = await this.version();
    const chip = this.opts.chip ?? (await this.findChip());
    const args = gpiomonArgs(version, chip, this.opts.pin);
    const spawn = this.deps.spawn ?? ((cmd, a) => nodeSpawn(cmd, [...a], { stdio: ['ignore', 'pipe', 'pipe'] }));
    const child = spawn(this.command('gpiomon'), args);
    this.child = child;
    this.stopping = false;
    await this.awaitStarted(child, version, `GPIO${this.opts.pin} on ${chip}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    // gpiomon exits cleanly on SIGTERM (it watches a signalfd); SIGKILL only if it hangs.
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    await closed;
    clearTimeout(kill);
  }

  private command(tool: 'gpiomon' | 'gpiodetect'): string {
    return this.opts.commands?.[tool] ?? tool;
  }

  private async runTool(tool: 'gpiomon' | 'gpiodetect', args: string[]) {
    try {
      return await (this.deps.run ?? runCommand)(this.command(tool), args, { timeoutMs: 5000 });
    } catch (err) {
      throw startFailure(tool, err);
    }
  }

  private async version(): Promise<GpiomonVersion> {
    const res = await this.runTool('gpiomon', ['--version']);
    const version = res.code === 0 ? parseVersion(res.stdout) : null;
    if (!version) {
      throw new ButtonError('failed', `gpiomon --version printed no version (${res.stderr.trim() || res.stdout.trim()}): reinstall it with \`sudo apt install --reinstall gpiod\``);
    }
    return version;
  }

  private async findChip(): Promise<string> {
    const res = await this.runTool('gpiodetect', []);
    if (res.code !== 0) throw classifyGpioFailure('gpiodetect', res.stderr, 'the GPIO chips (/dev/gpiochip*)');
    const chips = parseGpiodetect(res.stdout);
    const labels = this.opts.labels ?? PI_GPIO_LABELS;
    const chip = chips.find((c) => labels.includes(c.label));
    if (!chip) {
      const found = chips.map((c) => `${c.name} [${c.label}]`).join(', ') || 'none';
      throw new ButtonError('no-chip', `gpiomon: no GPIO chip labelled ${labels.join(', ')} (found: ${found}): is this a Raspberry Pi?`);
    }
    if (this.opts.pin >= chip.lines) {
      throw new ButtonError('invalid-number', `gpiomon: GPIO${this.opts.pin} does not exist: ${chip.name} [${chip.label}] has ${chip.lines} lines; check button.pin (BCM numbering)`);
    }
    return chip.name;
  }

  private awaitStarted(child: ChildProcess, version: GpiomonVersion, where: string): Promise<void> {
    const now = this.deps.now ?? monotonicMs;
    let stderr = '';
    let started = false;
    return new Promise((resolve, reject) => {
      const settle = setTimeout(() => markStarted(), version.major >= 2 ? 10_000 : this.opts.settleMs ?? 500);
      const markStarted = () => {
        if (started) return;
        started = true;
        clearTimeout(settle);
        resolve();
      };
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('Monitoring line')) return markStarted();
        const event = parseEventLine(line);
        if (!event || (event.offset !== null && event.offset !== this.opts.pin)) return;
        // Stamped on our clock at arrival: gpiomon's timestamps are CLOCK_MONOTONIC in v2 but
        // realtime or monotonic in v1 depending on the kernel, and the press machine needs one clock.
        this.emitEdge({ pressed: !event.rising, at: now() });
      });
      child.on('error', (err) => {
        clearTimeout(settle);
        if (!started) reject(startFailure('gpiomon', err));
      });
      child.on('close', (code, signal) => {
        clearTimeout(settle);
        this.child = null;
        const failure = classifyGpioFailure('gpiomon', stderr || `exited with ${signal ?? `code ${code}`}`, where);
        if (!started) return reject(failure);
        this.emitExit(this.stopping ? null : failure);
      });
    });
  }
}

function startFailure(tool: string, err: unknown): ButtonError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new ButtonError('missing-tool', `${tool} not found: ${INSTALL_HINT}`);
  return new ButtonError('failed', `${tool} could not be started (${errorLine(err)}): ${INSTALL_HINT}`);
}
