import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addressesOf, readHostInfo } from '../../src/hw/host-info';
import { memoryLogger } from '../../src/log';

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'host-info-'));
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
  return root;
}

const IFACES = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
  eth0: [
    { address: 'fe80::1', family: 'IPv6', internal: false },
    { address: '192.168.1.20', family: 'IPv4', internal: false },
    { address: 'fd00::20', family: 'IPv6', internal: false },
  ],
  wlan0: [{ address: '10.0.0.5', family: 'IPv4', internal: false }],
} as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;

describe('readHostInfo', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  it('reads hostname, uptime, load and the CPU thermal zone from the root prefix', async () => {
    const root = tree({
      'proc/sys/kernel/hostname': 'pi-master\n',
      'proc/uptime': '273605.12 1067123.45\n',
      'proc/loadavg': '0.42 0.30 0.25 1/234 5678\n',
      'sys/class/thermal/thermal_zone0/type': 'battery\n',
      'sys/class/thermal/thermal_zone0/temp': '30000\n',
      'sys/class/thermal/thermal_zone1/type': 'cpu-thermal\n',
      'sys/class/thermal/thermal_zone1/temp': '48312\n',
    });
    roots.push(root);
    const info = await readHostInfo({ root, networkInterfaces: () => IFACES });
    expect(info).toEqual({ hostname: 'pi-master', addresses: ['192.168.1.20', '10.0.0.5', 'fd00::20'], uptimeSeconds: 273605.12, load1: 0.42, temperatureC: 48.3 });
  });

  it('never throws: missing files give placeholders and debug lines', async () => {
    const root = tree({ 'proc/loadavg': 'garbage' });
    roots.push(root);
    const logger = memoryLogger();
    const info = await readHostInfo({ root, logger, hostname: () => 'from-os', networkInterfaces: () => { throw new Error('EPERM'); } });
    expect(info).toEqual({ hostname: 'from-os', addresses: [], uptimeSeconds: 0, load1: 0, temperatureC: null });
    expect(logger.lines.some((l) => /^debug: host info: cannot read .*proc\/uptime \(ENOENT\)$/.test(l))).toBe(true);
    expect(logger.lines.some((l) => /no thermal zones/.test(l))).toBe(true);
    expect(logger.lines.some((l) => /cannot list network interfaces \(EPERM\)/.test(l))).toBe(true);
  });

  it('skips thermal zones that read nonsense', async () => {
    const root = tree({ 'sys/class/thermal/thermal_zone0/temp': 'n/a', 'sys/class/thermal/thermal_zone1/temp': '-274000', 'sys/class/thermal/thermal_zone2/temp': '51000' });
    roots.push(root);
    expect((await readHostInfo({ root, networkInterfaces: () => ({}) })).temperatureC).toBe(51);
  });

  it('reads this machine without throwing', async () => {
    const info = await readHostInfo();
    expect(info.hostname.length).toBeGreaterThan(0);
    expect(Array.isArray(info.addresses)).toBe(true);
  });

  it('lists IPv4 first and leaves out internal and link-local addresses', () => {
    expect(addressesOf(IFACES)).toEqual(['192.168.1.20', '10.0.0.5', 'fd00::20']);
  });
});
