// Moves bytes to one I2C address and nothing else: no pixels, no characters.
// Works on i2c-bus's PromisifiedBus or the emulated one; every failure comes out as a one-line I2cError.
import type { ControllerTransport, PortTransport, WriteCounters } from '../display/transport';
import { toI2cError } from './errors';

/** The part of i2c-bus's PromisifiedBus the drivers use. */
export interface I2cBusLike {
  i2cWrite(addr: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
  close(): Promise<void>;
}

/**
 * The control byte that starts an I2C message to an OLED controller: Co=0, then D/C# (SSD1306 Rev 1.1 §8.1.5.2,
 * SH1106 V2.2 and SH1107 V2.1 "I2C-bus interface"): every remaining byte of the message is a command, or RAM data.
 */
const COMMANDS = 0x00;
const DATA = 0x40;

export class I2cTransport implements ControllerTransport, PortTransport {
  readonly sent: WriteCounters = { bytes: 0, transactions: 0 };

  constructor(
    private readonly bus: () => Promise<I2cBusLike>,
    readonly busNumber: number,
    readonly addr: number,
  ) {}

  /** One write transaction of the bytes as they are (a PCF8574 takes each byte as its port state). */
  async write(bytes: Uint8Array | readonly number[]): Promise<void> {
    const buf = Buffer.from(bytes);
    try {
      const bus = await this.bus();
      await bus.i2cWrite(this.addr, buf.length, buf);
    } catch (e) {
      throw toI2cError(e, this.busNumber, this.addr);
    }
    this.sent.bytes += buf.length;
    this.sent.transactions++;
  }

  command(bytes: readonly number[]): Promise<void> {
    return this.write([COMMANDS, ...bytes]);
  }

  data(bytes: Uint8Array): Promise<void> {
    const buf = new Uint8Array(bytes.length + 1);
    buf[0] = DATA;
    buf.set(bytes, 1);
    return this.write(buf);
  }

  async close(): Promise<void> {
    try {
      await (await this.bus()).close();
    } catch {
      // Closing a bus that never opened (ENOENT) or lost its device has nothing left to release.
    }
  }
}
