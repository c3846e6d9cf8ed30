// This Pi's own facts for the host screen: hostname, addresses, uptime, load and temperature. /proc and /sys are
// read through a root prefix so tests can point at a fake tree. Nothing here throws: a missing file gives a
// placeholder value and one debug line, because a panel without a thermal zone is still a working panel.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HostInfo } from '../panel/model';
import type { Logger } from '../log';
import { errorLine } from '../lib/error-line';

export interface HostInfoOpts {
  /** Prefix for /proc and /sys; "" on a real system. */
  root?: string;
  networkInterfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
  hostname?: () => string;
  logger?: Logger;
}

/** Zone types that measure the SoC or CPU; preferred over board or battery sensors when several zones exist. */
const CPU_ZONES = /cpu|soc|x86_pkg|k10temp|coretemp/i;

async function read(file: string, log: (m: string) => void): Promise<string | null> {
  try {
    return (await fs.promises.readFile(file, 'utf8')).trim();
  } catch (e) {
    log(`host info: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return null;
  }
}

/** Non-internal addresses, IPv4 first; link-local IPv6 (fe80::) is left out since nobody can type it usefully. */
export function addressesOf(ifaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string[] {
  const all = Object.values(ifaces).flatMap((list) => list ?? []).filter((a) => !a.internal);
  const v4 = all.filter((a) => a.family === 'IPv4' || (a.family as unknown) === 4).map((a) => a.address);
  const v6 = all.filter((a) => (a.family === 'IPv6' || (a.family as unknown) === 6) && !/^fe80:/i.test(a.address)).map((a) => a.address);
  return [...new Set([...v4, ...v6])];
}

async function temperature(root: string, log: (m: string) => void): Promise<number | null> {
  const dir = path.join(root, '/sys/class/thermal');
  let zones: string[];
  try {
    zones = (await fs.promises.readdir(dir)).filter((z) => /^thermal_zone\d+$/.test(z)).sort((a, b) => Number(a.slice(12)) - Number(b.slice(12)));
  } catch (e) {
    log(`host info: no thermal zones in ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return null;
  }
  const readings: { type: string; c: number }[] = [];
  for (const z of zones) {
    const raw = await read(path.join(dir, z, 'temp'), log);
    const milli = raw === null ? NaN : Number(raw);
    // Some zones read as 0 or absurd values while their sensor is off; those say nothing.
    if (!Number.isFinite(milli) || milli <= -50_000 || milli >= 200_000) continue;
    const type = (await fs.promises.readFile(path.join(dir, z, 'type'), 'utf8').catch(() => '')).trim();
    readings.push({ type, c: Math.round(milli / 100) / 10 });
  }
  if (readings.length === 0) {
    if (zones.length === 0) log(`host info: no thermal zones in ${dir}`);
    return null;
  }
  return (readings.find((r) => CPU_ZONES.test(r.type)) ?? readings[0]).c;
}

export async function readHostInfo(opts: HostInfoOpts = {}): Promise<HostInfo> {
  const root = opts.root ?? '';
  const log = (m: string): void => opts.logger?.debug(m);
  let hostname = await read(path.join(root, '/proc/sys/kernel/hostname'), log);
  if (!hostname) {
    try {
      hostname = (opts.hostname ?? os.hostname)();
    } catch {
      hostname = '';
    }
  }
  let addresses: string[] = [];
  try {
    addresses = addressesOf((opts.networkInterfaces ?? os.networkInterfaces)());
  } catch (e) {
    // Under a systemd sandbox without AF_NETLINK, getifaddrs fails; the rest of the screen still helps.
    log(`host info: cannot list network interfaces (${errorLine(e)})`);
  }
  const uptime = Number((await read(path.join(root, '/proc/uptime'), log))?.split(/\s+/)[0]);
  const load1 = Number((await read(path.join(root, '/proc/loadavg'), log))?.split(/\s+/)[0]);
  return {
    hostname: hostname ?? '',
    addresses,
    uptimeSeconds: Number.isFinite(uptime) ? uptime : 0,
    load1: Number.isFinite(load1) ? load1 : 0,
    temperatureC: await temperature(root, log),
  };
}
