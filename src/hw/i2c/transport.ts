// Moves bytes to one I2C address and nothing else: no pixels, no characters (style.md 1, "transport").
// Works on i2c-bus's PromisifiedBus or the emulated one; every failure comes out as a one-line I2cError.
import { toI2cError } from './errors';

/** The part of i2c-bus's PromisifiedBus the drivers use. */
export interface I2cBusLike {
  i2cWrite(addr: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
  close(): Promise<void>;
}

export interface WriteCounters {
  bytes: number;
  transactions: number;
}

export class I2cTransport {
  /** Bytes after the address byte, and write transactions, since construction. */
  readonly sent: WriteCounters = { bytes: 0, transactions: 0 };

  constructor(
    private readonly bus: () => Promise<I2cBusLike>,
    readonly busNumber: number,
    readonly addr: number,
  ) {}

  async write(bytes: Uint8Array | number[]): Promise<void> {
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

  async close(): Promise<void> {
    try {
      await (await this.bus()).close();
    } catch {
      // Closing a bus that never opened (ENOENT) or lost its device has nothing left to release.
    }
  }
}
