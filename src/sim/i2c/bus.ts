// An emulated /dev/i2c-N with i2c-bus's method shapes (its sync `Bus` and its `PromisifiedBus`), a transaction
// log and fault injection. Behaviour follows the source of i2c-bus@5.2.3: the device node is opened lazily per
// address (ENOENT/EACCES show on first use, syscall 'open'), i2cWrite/i2cRead are plain write(2)/read(2) with no
// length limit, block calls cap at 32 bytes, a NACK is EREMOTEIO, and scan ignores every error.
import { ErrnoError, fsError, SimErrorCode, smbusError } from './errors';

/** A device on the bus, seen as the bytes of each transaction (after the address byte). */
export interface I2cDeviceModel {
  write(bytes: Uint8Array): void;
  read(length: number): Uint8Array;
  /** Power was cut and restored: back to the power-on-reset state. */
  powerOn(): void;
}

export interface Transaction {
  /** Counts every attempt on this bus, failed ones too, from 0: the number faults refer to. */
  n: number;
  addr: number;
  write?: Uint8Array;
  read?: number;
  error?: string;
}

export interface EmulatedBusOptions {
  busNumber?: number;
  /** The /dev/i2c-N node is absent (I2C not enabled): every first open fails with ENOENT. */
  missing?: boolean;
  /** The node exists but the user may not open it: EACCES. */
  denied?: boolean;
  /** Simulated SCL rate; when set, transfers take 9 bits per byte (+1 address byte) of real time. */
  bitRateHz?: number;
  now?: () => number;
}

const FIRST_SCAN_ADDR = 0x03;
const LAST_SCAN_ADDR = 0x77;

type BytesWritten = { bytesWritten: number; buffer: Buffer };
type BytesRead = { bytesRead: number; buffer: Buffer };

function checkAddress(addr: number): void {
  if (!Number.isInteger(addr) || addr < 0 || addr > 0x7f) throw new Error('Invalid I2C address ' + addr);
}
function checkByte(byte: number, what = 'byte'): void {
  if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) throw new Error(`Invalid ${what} ${byte}`);
}
function checkBufferAndLength(length: number, buffer: Buffer, max?: number): void {
  if (!Number.isInteger(length) || length < 0 || (max !== undefined && length > max)) {
    throw new Error('Invalid buffer length ' + length);
  }
  if (!Buffer.isBuffer(buffer)) throw new Error('Invalid buffer ' + buffer);
  if (buffer.length < length) throw new Error('Buffer must contain at least ' + length + ' bytes');
}

export class EmulatedI2cBus {
  readonly busNumber: number;
  readonly path: string;
  readonly log: Transaction[] = [];
  missing: boolean;
  denied: boolean;
  bitRateHz: number | undefined;
  private readonly devices = new Map<number, I2cDeviceModel>();
  private readonly unplugged = new Set<number>();
  private readonly opened = new Set<number>();
  private readonly nackAt = new Set<number>();
  private nackUntil = -Infinity;
  private counter = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(opts: EmulatedBusOptions = {}) {
    this.busNumber = opts.busNumber ?? 1;
    this.path = `/dev/i2c-${this.busNumber}`;
    this.missing = opts.missing ?? false;
    this.denied = opts.denied ?? false;
    this.bitRateHz = opts.bitRateHz;
    this.now = opts.now ?? Date.now;
  }

  attach(addr: number, device: I2cDeviceModel): this {
    checkAddress(addr);
    this.devices.set(addr, device);
    return this;
  }

  // ---- fault injection ----
  /** Fail transaction number n (see Transaction.n) with a NACK. */
  nackTransaction(n: number): void {
    this.nackAt.add(n);
  }
  /** Every transaction NACKs for the next ms milliseconds (a loose connector). */
  nackFor(ms: number): void {
    this.nackUntil = this.now() + ms;
  }
  /** The device loses power and stops answering. */
  unplug(addr: number): void {
    this.unplugged.add(addr);
  }
  /** The device is powered again, in its power-on-reset state. */
  plug(addr: number): void {
    this.unplugged.delete(addr);
    this.devices.get(addr)?.powerOn();
  }
  /** The number the next transaction will get. */
  get transactionCount(): number {
    return this.counter;
  }

  /** The trace for --i2c-trace: every transaction in order, as {"addr": 60, "write": "00ae..."} lines. */
  traceLines(): string[] {
    return this.log.map((t) => {
      const o: Record<string, unknown> = { addr: t.addr };
      if (t.write) o.write = Buffer.from(t.write).toString('hex');
      if (t.read !== undefined) o.read = t.read;
      if (t.error) o.error = t.error;
      return JSON.stringify(o);
    });
  }

  /** Runs one transaction against the device, or throws the error the kernel would report. */
  private transact(addr: number, write: Uint8Array | undefined, read: number | undefined, smbus?: string): Uint8Array {
    const n = this.counter++;
    const t: Transaction = { n, addr };
    if (write) t.write = Uint8Array.from(write);
    if (read !== undefined) t.read = read;
    this.log.push(t);
    const fail = (code: SimErrorCode, syscall: string, path?: string): ErrnoError => {
      t.error = code;
      return smbus && syscall !== 'open' ? smbusError(code, smbus) : fsError(code, syscall, path);
    };
    if (!this.opened.has(addr)) {
      if (this.missing) throw fail('ENOENT', 'open', this.path);
      if (this.denied) throw fail('EACCES', 'open', this.path);
      this.opened.add(addr);
    }
    const syscall = write ? 'write' : 'read';
    const device = this.devices.get(addr);
    if (!device || this.unplugged.has(addr) || this.nackAt.has(n) || this.now() < this.nackUntil) {
      throw fail('EREMOTEIO', syscall);
    }
    if (write) device.write(write);
    return read !== undefined ? device.read(read) : new Uint8Array(0);
  }

  private transferMs(bytes: number): number {
    return this.bitRateHz ? ((bytes + 1) * 9 * 1000) / this.bitRateHz : 0;
  }

  private blockFor(bytes: number): void {
    const until = performance.now() + this.transferMs(bytes);
    while (performance.now() < until) {
      // A sync i2c-bus call holds the thread for the whole transfer; so does this.
    }
  }

  /**
   * Async calls are serialised like the kernel's adapter lock. The device sees the bytes from the start of the
   * transfer (a model spaces them out itself); the call completes when the transfer time has passed.
   */
  private later<T>(bytes: number, fn: () => T): Promise<T> {
    const run = this.queue.then(
      () =>
        new Promise<T>((resolve, reject) => {
          setImmediate(() => {
            let settle: () => void;
            try {
              const value = fn();
              settle = () => resolve(value);
            } catch (e) {
              settle = () => reject(e);
            }
            const ms = this.transferMs(bytes);
            if (ms > 0) setTimeout(settle, ms);
            else settle();
          });
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- the sync Bus surface (what oled-i2c-bus and CLI one-shots use) ----
  i2cWriteSync(addr: number, length: number, buffer: Buffer): number {
    checkAddress(addr);
    checkBufferAndLength(length, buffer);
    this.blockFor(length);
    this.transact(addr, buffer.subarray(0, length), undefined);
    return length;
  }
  i2cReadSync(addr: number, length: number, buffer: Buffer): number {
    checkAddress(addr);
    checkBufferAndLength(length, buffer);
    this.blockFor(length);
    const got = this.transact(addr, undefined, length);
    buffer.set(got.subarray(0, length));
    return length;
  }
  sendByteSync(addr: number, byte: number): this {
    checkAddress(addr);
    checkByte(byte);
    this.transact(addr, Uint8Array.of(byte), undefined, 'sendByteSync');
    return this;
  }
  receiveByteSync(addr: number): number {
    checkAddress(addr);
    return this.transact(addr, undefined, 1, 'receiveByteSync')[0];
  }
  writeByteSync(addr: number, cmd: number, byte: number): this {
    checkAddress(addr);
    checkByte(cmd, 'I2C command');
    checkByte(byte);
    this.transact(addr, Uint8Array.of(cmd, byte), undefined, 'writeByteSync');
    return this;
  }
  writeI2cBlockSync(addr: number, cmd: number, length: number, buffer: Buffer): number {
    checkAddress(addr);
    checkByte(cmd, 'I2C command');
    checkBufferAndLength(length, buffer, 32);
    this.transact(addr, Buffer.concat([Buffer.of(cmd), buffer.subarray(0, length)]), undefined, 'writeI2cBlockSync');
    return length;
  }
  scanSync(startAddr = FIRST_SCAN_ADDR, endAddr = startAddr === FIRST_SCAN_ADDR ? LAST_SCAN_ADDR : startAddr): number[] {
    checkAddress(startAddr);
    checkAddress(endAddr);
    const found: number[] = [];
    for (let a = startAddr; a <= endAddr; a++) {
      try {
        this.receiveByteSync(a);
        found.push(a);
      } catch {
        // i2c-bus's scan swallows every error, ENOENT included (i2c-bus 5.2.3 source).
      }
    }
    return found;
  }
  closeSync(): void {
    this.opened.clear();
  }

  /** The promise form, as `bus.promisifiedBus()` / `openPromisified()` return it. */
  promisified(): EmulatedPromisifiedBus {
    return new EmulatedPromisifiedBus(this);
  }

  // ---- internals the promisified form uses ----
  asyncWrite(addr: number, bytes: Uint8Array, smbus?: string): Promise<void> {
    return this.later(bytes.length, () => void this.transact(addr, bytes, undefined, smbus));
  }
  asyncRead(addr: number, length: number, smbus?: string): Promise<Uint8Array> {
    return this.later(length, () => this.transact(addr, undefined, length, smbus));
  }
}

export class EmulatedPromisifiedBus {
  constructor(private readonly sim: EmulatedI2cBus) {}

  bus(): EmulatedI2cBus {
    return this.sim;
  }
  async close(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.sim.closeSync();
  }
  async i2cWrite(addr: number, length: number, buffer: Buffer): Promise<BytesWritten> {
    checkAddress(addr);
    checkBufferAndLength(length, buffer);
    await this.sim.asyncWrite(addr, Uint8Array.from(buffer.subarray(0, length)));
    return { bytesWritten: length, buffer };
  }
  async i2cRead(addr: number, length: number, buffer: Buffer): Promise<BytesRead> {
    checkAddress(addr);
    checkBufferAndLength(length, buffer);
    const got = await this.sim.asyncRead(addr, length);
    buffer.set(got.subarray(0, length));
    return { bytesRead: length, buffer };
  }
  async writeByte(addr: number, cmd: number, byte: number): Promise<void> {
    checkAddress(addr);
    checkByte(cmd, 'I2C command');
    checkByte(byte);
    await this.sim.asyncWrite(addr, Uint8Array.of(cmd, byte), 'writeByte');
  }
  async sendByte(addr: number, byte: number): Promise<void> {
    checkAddress(addr);
    checkByte(byte);
    await this.sim.asyncWrite(addr, Uint8Array.of(byte), 'sendByte');
  }
  async receiveByte(addr: number): Promise<number> {
    checkAddress(addr);
    return (await this.sim.asyncRead(addr, 1, 'receiveByte'))[0];
  }
  async scan(startAddr = FIRST_SCAN_ADDR, endAddr = startAddr === FIRST_SCAN_ADDR ? LAST_SCAN_ADDR : startAddr): Promise<number[]> {
    checkAddress(startAddr);
    checkAddress(endAddr);
    const found: number[] = [];
    for (let a = startAddr; a <= endAddr; a++) {
      try {
        await this.receiveByte(a);
        found.push(a);
      } catch {
        // As i2c-bus: errors during a scan only mean "not found".
      }
    }
    return found;
  }
}
