import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkI2c } from '../../src/hw/i2c-doctor';
import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';
import type { I2cDeviceModel } from '../../src/sim/i2c/bus';
import { Sh1106Model } from '../../src/sim/i2c/sh1106';
import { Sh1107Model } from '../../src/sim/i2c/sh1107';
import { Ssd1309Model } from '../../src/sim/i2c/ssd1309';
import { Hd44780Model } from '../../src/sim/i2c/hd44780';
import { LCM1602 } from '../../src/hw/i2c/pcf8574';
import type { DisplayKindName } from '../../src/hw/display-kinds';

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

describe('display kind probes', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'i2c-probe-'));
    fs.writeFileSync(path.join(dir, 'i2c-1'), '');
    fs.chmodSync(path.join(dir, 'i2c-1'), 0o666);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function probe(kind: DisplayKindName, device: I2cDeviceModel, addr = 0x3c) {
    const bus = new EmulatedI2cBus();
    bus.attach(addr, device);
    const f = await checkI2c({ bus: 1, devDir: dir, kind, expectAddress: addr, scan: () => bus.promisified().scan(), probeBus: async () => bus.promisified(), user: { name: 'pi', uid: 0, gids: [] } });
    return { finding: f[f.length - 1], bus };
  }

  it('tells an SH1107 from an SH1106 by its status byte, and names the kind to set', async () => {
    expect((await probe('sh1107', new Sh1107Model())).finding).toEqual({ ok: true, check: 'display kind', detail: 'SH1107 OLED at 0x3c: status byte 0x47, display off, chip ID 07' });
    const wrong = (await probe('sh1106', new Sh1107Model())).finding;
    expect(wrong).toMatchObject({ ok: false, detail: 'SH1106 OLED at 0x3c: status byte 0x47, display off: this is an SH1107; set display.kind to sh1107' });
    expect((await probe('sh1107', new Sh1106Model())).finding.detail).toBe('SH1107 OLED at 0x3c: status byte 0x40, display off: this is an SH1106; set display.kind to sh1106');
  });

  it('sends an SSD1309 only a NOP, and reads a PCF8574 without writing to it', async () => {
    const oled = await probe('ssd1309', new Ssd1309Model());
    expect(oled.finding).toMatchObject({ ok: true, detail: 'SSD1309 OLED at 0x3c: takes a command (NOP)' });
    expect(oled.bus.log.filter((t) => t.write).map((t) => Buffer.from(t.write!).toString('hex'))).toEqual(['00e3']);
    const lcd = await probe('hd44780', new Hd44780Model(16, 2, LCM1602), 0x27);
    expect(lcd.finding).toMatchObject({ ok: true, detail: "HD44780 LCD on a PCF8574 backpack at 0x27: the expander's port reads 0xff" });
    expect(lcd.bus.log.some((t) => t.write)).toBe(false);
  });
});
