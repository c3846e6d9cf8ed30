import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkI2c } from '../../src/hw/i2c-doctor';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';

describe('I2C doctor', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'i2c-doctor-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const me = { name: 'pi', uid: 4242, gids: [4242] };

  it('names the missing node and how to enable I2C, without scanning', async () => {
    const scan = jest.fn(async () => [0x3c]);
    const f = await checkI2c({ bus: 1, devDir: dir, scan, user: me });
    expect(f).toEqual([expect.objectContaining({ ok: false, detail: `${dir}/i2c-1 does not exist` })]);
    expect(f[0].fix).toContain('raspi-config nonint do_i2c 0');
    expect(scan).not.toHaveBeenCalled();
  });

  it('finds a node the user cannot open and names the group to join', async () => {
    const node = path.join(dir, 'i2c-1');
    fs.writeFileSync(node, '');
    fs.chmodSync(node, 0o660);
    const st = fs.statSync(node);
    const f = await checkI2c({ bus: 1, devDir: dir, scan: async () => [], user: { name: 'pi', uid: st.uid + 1, gids: [st.gid + 1] }, groupName: () => 'i2c' });
    expect(f[1]).toMatchObject({ ok: false, check: 'I2C permissions', fix: 'sudo usermod -aG i2c pi, then log in again (or restart the service)' });
  });

  it('scans the emulated bus, names the devices and suggests the address that answers', async () => {
    const node = path.join(dir, 'i2c-1');
    fs.writeFileSync(node, '');
    fs.chmodSync(node, 0o660);
    const st = fs.statSync(node);
    const bus = new EmulatedI2cBus();
    bus.attach(0x3d, new Ssd1306Model());
    const f = await checkI2c({ bus: 1, devDir: dir, scan: () => bus.promisified().scan(), expectAddress: 0x3c, user: { name: 'pi', uid: 1, gids: [st.gid] }, groupName: () => 'i2c' });
    expect(f.map((x) => x.ok)).toEqual([true, true, true, false]);
    expect(f[2].detail).toBe('found 0x3d (an OLED, SSD1306, SSD1309, SH1106 or SH1107 (a PCF8574A backpack can also sit here))');
    expect(f[3].fix).toBe('set display.address to 0x3d (an OLED, SSD1306, SSD1309, SH1106 or SH1107 (a PCF8574A backpack can also sit here))');
  });
});
