// `mesos-panel doctor`, the I2C part: does /dev/i2c-N exist, may this user open it, and what answers on the bus.
// The node is checked first because i2c-bus's scan swallows ENOENT and EACCES and returns [] (i2c-bus 5.2.3 source).
import * as fs from 'fs';
import * as os from 'os';
import type { Finding } from './finding';
import { DISPLAY_KIND_NAMES, DISPLAY_KINDS, orList, type DisplayKindName, type ProbeBus } from './display-kinds';
import { toI2cError } from './i2c/errors';
import { errorLine } from '../lib/error-line';

export interface I2cDoctorDeps {
  bus: number;
  /** Where the device node lives; tests point this at a temporary directory. */
  devDir?: string;
  /** The address the config expects, to say whether it answers. */
  expectAddress?: number;
  /** The configured kind: when its address answers, the kind's probe says whether it talks like one. */
  kind?: DisplayKindName;
  probeBus?: () => Promise<ProbeBus>;
  /** Scans the bus (i2c-bus's promisified scan, or the emulated one). */
  scan: () => Promise<number[]>;
  user?: { name: string; uid: number; gids: number[] };
  /** Group names by gid, from /etc/group. */
  groupName?: (gid: number) => string | undefined;
  stat?: (path: string) => fs.Stats;
}

const hex = (a: number): string => `0x${a.toString(16).padStart(2, '0')}`;

/** What usually sits at an address on a panel's bus, from the display kinds that answer there. */
export function likelyDevice(addr: number): string | undefined {
  const at = DISPLAY_KIND_NAMES.filter((k) => DISPLAY_KINDS[k].answersAt(addr));
  const oleds = at.filter((k) => DISPLAY_KINDS[k].family === 'OLED').map((k) => k.toUpperCase());
  const lcd = at.some((k) => DISPLAY_KINDS[k].family === 'LCD');
  if (oleds.length) return `an OLED, ${orList(oleds)}${lcd ? ' (a PCF8574A backpack can also sit here)' : ''}`;
  if (!lcd) return undefined;
  return addr >= 0x20 && addr <= 0x27 ? 'a PCF8574 LCD backpack (HD44780)' : 'a PCF8574A LCD backpack (HD44780)';
}

function defaultUser(): { name: string; uid: number; gids: number[] } {
  return { name: os.userInfo().username, uid: process.getuid?.() ?? -1, gids: process.getgroups?.() ?? [] };
}

function etcGroup(gid: number): string | undefined {
  try {
    const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
    return line?.split(':')[0];
  } catch {
    return undefined;
  }
}

export async function checkI2c(d: I2cDoctorDeps): Promise<Finding[]> {
  const path = `${d.devDir ?? '/dev'}/i2c-${d.bus}`;
  const stat = d.stat ?? fs.statSync;
  const user = d.user ?? defaultUser();
  const groupName = d.groupName ?? etcGroup;
  const out: Finding[] = [];
  let st: fs.Stats;
  try {
    st = stat(path);
  } catch {
    out.push({ ok: false, check: `I2C bus ${d.bus}`, detail: `${path} does not exist`, fix: `enable I2C: sudo raspi-config nonint do_i2c 0 (or dtparam=i2c_arm=on in /boot/firmware/config.txt), then reboot; or set display.bus to an existing /dev/i2c-N` });
    return out;
  }
  out.push({ ok: true, check: `I2C bus ${d.bus}`, detail: `${path} exists` });
  const mode = st.mode & 0o777;
  const group = groupName(st.gid) ?? String(st.gid);
  const canRw = user.uid === 0 || (st.uid === user.uid && (mode & 0o600) === 0o600) || (user.gids.includes(st.gid) && (mode & 0o060) === 0o060) || (mode & 0o006) === 0o006;
  if (!canRw) {
    out.push({ ok: false, check: 'I2C permissions', detail: `${path} is ${mode.toString(8)} owned by group ${group}; user ${user.name} cannot read and write it`, fix: `sudo usermod -aG ${group} ${user.name}, then log in again (or restart the service)` });
    return out;
  }
  out.push({ ok: true, check: 'I2C permissions', detail: `user ${user.name} can open ${path} (group ${group})` });
  let found: number[];
  try {
    found = await d.scan();
  } catch (e) {
    out.push({ ok: false, check: 'I2C scan', detail: `scanning ${path} failed: ${errorLine(e)}`, fix: `run i2cdetect -y ${d.bus} to see what the bus does` });
    return out;
  }
  const known = found.filter((a) => likelyDevice(a));
  if (found.length === 0) {
    out.push({ ok: false, check: 'I2C devices', detail: `nothing answers on ${path}`, fix: `check power, SDA (GPIO2, pin 3) and SCL (GPIO3, pin 5) wiring; i2cdetect -y ${d.bus}` });
  } else {
    const names = found.map((a) => `${hex(a)}${likelyDevice(a) ? ` (${likelyDevice(a)})` : ''}`).join(', ');
    out.push({ ok: known.length > 0, check: 'I2C devices', detail: `found ${names}`, fix: known.length ? undefined : 'no display answers at an OLED (0x3c/0x3d) or LCD backpack (0x20-0x27, 0x38-0x3f) address; check the module' });
  }
  if (d.expectAddress !== undefined) {
    const there = found.includes(d.expectAddress);
    out.push({
      ok: there,
      check: 'configured display',
      detail: there ? `${hex(d.expectAddress)} answers` : `nothing answers at the configured address ${hex(d.expectAddress)}`,
      fix: there ? undefined : known.length ? `set display.address to ${hex(known[0])} (${likelyDevice(known[0])})` : `check the wiring; i2cdetect -y ${d.bus}`,
    });
    if (there && d.kind && d.probeBus) out.push(await probe(d.kind, d.probeBus, d.bus, d.expectAddress));
  }
  return out;
}

/** The kind's own probe at the configured address: does what answers there talk like that controller? */
async function probe(kind: DisplayKindName, probeBus: () => Promise<ProbeBus>, bus: number, addr: number): Promise<Finding> {
  const { title } = DISPLAY_KINDS[kind];
  try {
    const { ok, detail } = await DISPLAY_KINDS[kind].probe(await probeBus(), addr);
    return { ok, check: 'display kind', detail: `${title} at ${hex(addr)}: ${detail}`, fix: ok ? undefined : `check display.kind against the chip on the module` };
  } catch (e) {
    return { ok: false, check: 'display kind', detail: `${title} at ${hex(addr)}: ${toI2cError(e, bus, addr).message}`, fix: `check display.kind against the chip on the module; i2cdetect -y ${bus}` };
  }
}
