// Installs test/hw/fakes/libgpiod-tools.js as executables named gpiomon and gpiodetect in a temp dir.
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const FAKE = join(__dirname, 'libgpiod-tools.js');
export const PI4 = [
  { name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58 },
  { name: 'gpiochip1', label: 'raspberrypi-exp-gpio', lines: 8 },
];

export interface FakeConfig {
  version: string;
  chips?: { name: string; label: string; lines: number }[];
  fail?: 'EACCES' | 'EBUSY';
  namedLines?: boolean;
}

const dirs: string[] = [];

export function removeFakeTools(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function fakeTools(config: FakeConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'gpiomon-'));
  dirs.push(dir);
  const eventsFile = join(dir, 'events');
  const argsLog = join(dir, 'args');
  writeFileSync(eventsFile, '');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ chips: PI4, ...config, eventsFile, argsLog }));
  for (const tool of ['gpiomon', 'gpiodetect']) {
    writeFileSync(join(dir, tool), `#!/bin/sh\nexec "${process.execPath}" "${FAKE}" ${tool} "${join(dir, 'config.json')}" "$@"\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return {
    commands: { gpiomon: join(dir, 'gpiomon'), gpiodetect: join(dir, 'gpiodetect') },
    push: (line: string) => appendFileSync(eventsFile, `${line}\n`),
    gpiomonArgs: () =>
      readFileSync(argsLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as string[])
        .filter((a) => a[0] === 'gpiomon' && a[1] !== '--version')
        .map((a) => a.slice(1)),
  };
}

