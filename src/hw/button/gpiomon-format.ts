// What libgpiod's command-line tools print and accept, v1.6 and v2.x. Sources (brgl/libgpiod):
//  - v1.6.x tools/gpiomon.c: short options "+hvlB:n:srfbF:"; `-B, --bias=[as-is|disable|pull-down|pull-up]`
//    (bias flags first appeared in v1.5, NEWS); `-b, --line-buffered`; positional `<chip name/number> <offset>`,
//    the chip looked up by number, label, name or path (lib/helpers.c gpiod_chip_open_lookup). Events print as
//    printf("event: %s offset: %u timestamp: [%8ld.%09ld]\n", " RISING EDGE" | "FALLING EDGE", ...).
//    Errors go through die_perror(): "gpiomon: error waiting for events: <strerror>".
//  - v2.x tools/gpiomon.c: short options "+b:c:C:e:E:hF:ln:p:qshv"; `-b, --bias <pull-up|pull-down|disabled>`
//    (so -b means something else than in v1), `-c, --chip` by number, name or path only (tools-common.c
//    chip_path_lookup: no labels), `--banner` prints "Monitoring line '17'..." once the line is requested,
//    stdout is flushed before every poll. Events print as print_event_time() "%lu.%09lu" (monotonic), then
//    "\trising\t" | "\tfalling\t", then print_line_id(): with -c given, "<chip> <offset>" plus ` "<name>"` when
//    the line has a name. Errors: "gpiomon: unable to request lines on chip /dev/gpiochip0: <strerror>",
//    "gpiomon: cannot find GPIO chip character device 'x'", "gpiomon: offset 99 is out of range on chip 'x'".
//  - --version: v1 and v2 up to 2.2 print "gpiomon (libgpiod) v1.6.3"; since v2.3 (commit 8d0cae5)
//    "gpiomon v2.3 (libgpiod v…)". The first "vX.Y" on the first line is the tools' version either way.
//  - gpiodetect, both majors: printf("%s [%s] (%u lines)\n", name, label, lines), e.g.
//    "gpiochip0 [pinctrl-bcm2711] (58 lines)". v1 fails with "unable to access GPIO chips: <strerror>",
//    v2 with "unable to open chip '/dev/gpiochip0': <strerror>".
import { ButtonError } from './backend';

export interface GpiomonVersion {
  major: number;
  minor: number;
  text: string;
}

export function parseVersion(output: string): GpiomonVersion | null {
  const first = output.split('\n')[0] ?? '';
  const m = /\bv(\d+)\.(\d+)/.exec(first);
  return m ? { major: Number(m[1]), minor: Number(m[2]), text: first.trim() } : null;
}

export interface DetectedChip {
  name: string;
  label: string;
  lines: number;
}

export function parseGpiodetect(output: string): DetectedChip[] {
  const chips: DetectedChip[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\S+) \[(.*)\] \((\d+) lines\)$/.exec(line.trim());
    if (m) chips.push({ name: m[1], label: m[2], lines: Number(m[3]) });
  }
  return chips;
}

/** gpiomon's arguments for watching both edges of one line with the pull-up on. */
export function gpiomonArgs(version: GpiomonVersion, chip: string, pin: number): string[] {
  if (version.major >= 2) return ['--banner', '-b', 'pull-up', '-C', 'mesos-panel', '-c', chip, String(pin)];
  // v1 block-buffers stdout into our pipe without -b; before v1.5 there is no -B (bias) at all.
  const bias = version.minor >= 5 ? ['-B', 'pull-up'] : [];
  return ['-b', ...bias, chip, String(pin)];
}

export interface GpiomonEvent {
  rising: boolean;
  offset: number | null;
}

const V1_EVENT = /^event:\s+(RISING|FALLING) EDGE offset: (\d+) timestamp: \[\s*\d+\.\d+\]$/;
const V2_EVENT = /^\S+\t(rising|falling)\t(.*)$/;

/** One line of gpiomon's default output, either major version; null for anything else (e.g. the banner). */
export function parseEventLine(line: string): GpiomonEvent | null {
  const v1 = V1_EVENT.exec(line);
  if (v1) return { rising: v1[1] === 'RISING', offset: Number(v1[2]) };
  const v2 = V2_EVENT.exec(line);
  if (!v2) return null;
  const id = /^\S+ (\d+)(?: |$)/.exec(v2[2]);
  return { rising: v2[1] === 'rising', offset: id ? Number(id[1]) : null };
}

/** Turn what gpiomon or gpiodetect said on stderr into one line that names the fix. */
export function classifyGpioFailure(tool: string, stderr: string, where: string): ButtonError {
  // The tools prefix their messages with their own name (die() in tools-common.c); we add it back once.
  const said = (stderr.trim().split('\n').filter(Boolean).pop() ?? 'failed').replace(/^[\w/.-]*gpio\w+: /, '');
  if (/Permission denied|Operation not permitted/.test(said)) {
    return new ButtonError(
      'permission',
      `${tool}: no permission to open ${where}: add the user to group gpio (sudo usermod -aG gpio $USER, then log in again)`,
    );
  }
  if (/Device or resource busy/.test(said)) {
    return new ButtonError(
      'busy',
      `${tool}: ${where} is in use by another program (see \`gpioinfo\`): stop it or choose another button pin`,
    );
  }
  if (/Invalid argument|out of range/.test(said)) {
    return new ButtonError('invalid-number', `${tool}: ${where} does not exist (${said}): check button.pin (BCM numbering)`);
  }
  if (/cannot find GPIO chip|No such file or directory/.test(said)) {
    return new ButtonError('no-chip', `${tool}: ${where} not found (${said}): is this a Raspberry Pi with /dev/gpiochip*?`);
  }
  return new ButtonError('failed', `${tool}: ${said}`);
}
