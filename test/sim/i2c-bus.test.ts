import { EmulatedI2cBus } from '../../src/sim/i2c/bus';
import { Ssd1306Model } from '../../src/sim/i2c/ssd1306';

describe('emulated i2c-bus', () => {
  it('fails the first use of a missing bus like i2c-bus: ENOENT from open, shaped as a Node fs error', async () => {
    const bus = new EmulatedI2cBus({ missing: true });
    await expect(bus.promisified().i2cWrite(0x3c, 2, Buffer.from([0, 0xae]))).rejects.toMatchObject({
      code: 'ENOENT', errno: -2, syscall: 'open', path: '/dev/i2c-1', message: "ENOENT: no such file or directory, open '/dev/i2c-1'",
    });
    expect(() => bus.i2cWriteSync(0x3c, 1, Buffer.from([0]))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(bus.scanSync()).toEqual([]); // scan hides it, as hardware.md 1.5 warns
    expect(await bus.promisified().scan()).toEqual([]);
  });

  it('NACKs an absent address with EREMOTEIO, write(2)-style for i2cWrite and SMBus-style for receiveByte', async () => {
    const bus = new EmulatedI2cBus();
    await expect(bus.promisified().i2cWrite(0x3d, 1, Buffer.from([0]))).rejects.toMatchObject({ code: 'EREMOTEIO', errno: -121, syscall: 'write' });
    expect(() => bus.receiveByteSync(0x3d)).toThrow(expect.objectContaining({ code: 'EREMOTEIO', errno: 121, syscall: 'receiveByteSync', message: 'EREMOTEIO, Remote I/O error' }));
    await expect(bus.promisified().receiveByte(0x3d)).rejects.toMatchObject({ syscall: 'receiveByte' });
  });

  it('reports EACCES for a node the user may not open', async () => {
    const bus = new EmulatedI2cBus({ denied: true });
    await expect(bus.promisified().writeByte(0x3c, 0, 0xaf)).rejects.toMatchObject({ code: 'EACCES', syscall: 'open' });
  });

  it('validates arguments as i2c-bus does', () => {
    const bus = new EmulatedI2cBus();
    expect(() => bus.i2cWriteSync(300, 1, Buffer.alloc(1))).toThrow('Invalid I2C address 300');
    expect(() => bus.i2cWriteSync(0x3c, 4, Buffer.alloc(1))).toThrow('Buffer must contain at least 4 bytes');
    expect(() => bus.writeI2cBlockSync(0x3c, 0, 33, Buffer.alloc(40))).toThrow('Invalid buffer length 33');
  });

  it('scans, injects NACKs by transaction number and for a time window, and traces every transaction', async () => {
    let now = 1000;
    const bus = new EmulatedI2cBus({ now: () => now });
    bus.attach(0x3c, new Ssd1306Model()).attach(0x27, new Ssd1306Model());
    expect(bus.scanSync()).toEqual([0x27, 0x3c]);
    const p = bus.promisified();
    const first = bus.transactionCount;
    bus.nackTransaction(first + 1);
    await p.i2cWrite(0x3c, 2, Buffer.from([0x00, 0xae]));
    await expect(p.i2cWrite(0x3c, 2, Buffer.from([0x00, 0xaf]))).rejects.toMatchObject({ code: 'EREMOTEIO' });
    bus.nackFor(50);
    await expect(p.sendByte(0x3c, 0)).rejects.toMatchObject({ code: 'EREMOTEIO' });
    now += 51;
    await p.sendByte(0x3c, 0);
    const trace = bus.traceLines().slice(-4).map((l) => JSON.parse(l));
    expect(trace).toEqual([
      { addr: 60, write: '00ae' },
      { addr: 60, write: '00af', error: 'EREMOTEIO' },
      { addr: 60, write: '00', error: 'EREMOTEIO' },
      { addr: 60, write: '00' },
    ]);
  });
});
