// An HD44780U behind a PCF8574 backpack, as seen from I2C (HD44780U datasheet: Table 6 instructions, Figure 24
// "4-bit interface initializing by instruction", Table 4 ROM A00; PCF8574 datasheet §8.1; HD44780U datasheet).
// Every byte written sets the expander's eight outputs; the LCD latches RS and D4-D7 when E falls. After power-on
// the controller is in 8-bit mode, so one nibble is one instruction (D0-D3 are not wired on a backpack and read 0).
// Instructions that arrive while the controller is still busy are lost, as on the chip: the model keeps time
// (≈90 µs per byte at 100 kHz, execution times from Table 6) so a driver that does not wait is caught.
import type { I2cDeviceModel } from './bus';
import type { PinMap } from '../../hw/i2c/pcf8574';
import { ROM_A00 } from '../../hw/i2c/hd44780-rom';

const BYTE_MS = 0.09;
const EXEC_MS = 0.037;
const WRITE_MS = 0.041;
const CLEAR_MS = 1.52; // Table 6 gives 1.52 ms for return home; clear is not listed and takes as long
const POWER_ON_MS = 40;

export interface Cell {
  code: number;
  /** CGRAM glyph rows (5 bits each, bit 4 leftmost) when code < 16, else undefined. */
  cgram?: readonly number[];
}

export class Hd44780Model implements I2cDeviceModel {
  port = 0xff; // PCF8574 outputs are high after power-on (§8.1)
  ddram = new Uint8Array(0x80);
  cgram = new Uint8Array(64);
  ac = 0;
  toCgram = false;
  eightBit = true;
  twoLines = false;
  increment = true;
  shiftOnWrite = false;
  displayOn = false;
  cursor = false;
  blink = false;
  shift = 0;
  /** Instructions dropped because they came while the controller was busy (RS=1 data as 0x100 | byte). */
  lost: number[] = [];
  private highNibble: number | undefined;
  private busyUntil = 0;
  private clock = 0;
  private functionSets = 0;

  constructor(
    readonly cols: 16 | 20,
    readonly rows: 2 | 4,
    readonly pins: PinMap,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.powerOn();
  }

  /** Internal reset circuit (HD44780U "Initializing by Internal Reset Circuit"): 8-bit, 1 line, display off. */
  powerOn(): void {
    this.port = 0xff;
    this.ddram.fill(0x20);
    this.cgram.fill(0);
    this.ac = 0;
    this.toCgram = false;
    this.eightBit = true;
    this.twoLines = false;
    this.increment = true;
    this.shiftOnWrite = false;
    this.displayOn = false;
    this.cursor = false;
    this.blink = false;
    this.shift = 0;
    this.highNibble = undefined;
    this.functionSets = 0;
    this.clock = this.now();
    this.busyUntil = this.clock + POWER_ON_MS;
  }

  get backlight(): boolean {
    const bit = (this.port >> this.pins.backlight) & 1;
    return this.pins.backlightActiveLow ? bit === 0 : bit === 1;
  }

  write(bytes: Uint8Array): void {
    for (const b of bytes) {
      this.clock = Math.max(this.now(), this.clock + BYTE_MS);
      const wasE = (this.port >> this.pins.e) & 1;
      this.port = b;
      if (wasE === 1 && ((b >> this.pins.e) & 1) === 0 && ((b >> this.pins.rw) & 1) === 0) this.latch(b);
    }
  }

  /** Reading the PCF8574 returns its pins; with RW low the LCD does not drive them, so that is the last byte. */
  read(length: number): Uint8Array {
    return new Uint8Array(length).fill(this.port);
  }

  private latch(b: number): void {
    const nibble = this.pins.data.reduce((n, bit, i) => n | (((b >> bit) & 1) << i), 0);
    const rs = ((b >> this.pins.rs) & 1) === 1;
    if (this.eightBit) return this.execute(rs, nibble << 4);
    if (this.highNibble === undefined) {
      this.highNibble = nibble;
      return;
    }
    const value = (this.highNibble << 4) | nibble;
    this.highNibble = undefined;
    this.execute(rs, value);
  }

  private execute(rs: boolean, v: number): void {
    if (this.clock < this.busyUntil) {
      this.lost.push(rs ? 0x100 | v : v);
      return;
    }
    // Figure 24: the first two function sets after power-on need 4.1 ms and 100 µs before the next instruction.
    const first = !rs && (v & 0xe0) === 0x20 ? this.functionSets++ : -1;
    let busy = first === 0 ? 4.1 : first === 1 ? 0.1 : EXEC_MS;
    if (rs) {
      busy = WRITE_MS;
      this.writeData(v);
    } else if (v === 0x00) {
      // Not an instruction (the PCF8574's power-on 0xFF makes the first write drop E with D4-D7 low).
    } else if (v === 0x01) {
      this.ddram.fill(0x20);
      this.ac = 0;
      this.toCgram = false;
      this.increment = true;
      this.shift = 0;
      busy = CLEAR_MS;
    } else if ((v & 0xfe) === 0x02) {
      this.ac = 0;
      this.toCgram = false;
      this.shift = 0;
      busy = CLEAR_MS;
    } else if ((v & 0xfc) === 0x04) {
      this.increment = (v & 2) !== 0;
      this.shiftOnWrite = (v & 1) !== 0;
    } else if ((v & 0xf8) === 0x08) {
      this.displayOn = (v & 4) !== 0;
      this.cursor = (v & 2) !== 0;
      this.blink = (v & 1) !== 0;
    } else if ((v & 0xf0) === 0x10) {
      const right = (v & 4) !== 0;
      if (v & 8) this.shift += right ? -1 : 1;
      else this.ac = this.nextDdram(this.ac, right);
    } else if ((v & 0xe0) === 0x20) {
      this.eightBit = (v & 0x10) !== 0;
      this.highNibble = undefined;
      this.twoLines = (v & 8) !== 0; // in 8-bit mode D3 reads 0 on a backpack: 1 line until the full 0x28
    } else if ((v & 0xc0) === 0x40) {
      this.toCgram = true;
      this.ac = v & 0x3f;
    } else {
      this.toCgram = false;
      this.ac = v & 0x7f;
    }
    this.busyUntil = this.clock + busy;
  }

  private writeData(v: number): void {
    if (this.toCgram) {
      this.cgram[this.ac] = v & 0x1f;
      this.ac = (this.ac + (this.increment ? 1 : 63)) & 0x3f;
      return;
    }
    this.ddram[this.ac] = v;
    this.ac = this.nextDdram(this.ac, this.increment);
    if (this.shiftOnWrite) this.shift += this.increment ? 1 : -1;
  }

  /** DDRAM address counter: 2-line mode uses 00-27 and 40-67, 1-line mode 00-4F (Table 6 note, Figure 4). */
  private nextDdram(ac: number, up: boolean): number {
    if (!this.twoLines) return (ac + (up ? 1 : 79)) % 80;
    const line = ac & 0x40;
    const pos = (ac & 0x3f) % 40;
    if (up) return pos === 39 ? line ^ 0x40 : line | (pos + 1);
    return pos === 0 ? (line ^ 0x40) | 39 : line | (pos - 1);
  }

  /** The cells on the glass; an unlit display shows blank cells (code 0x20). Rows follow HD44780U datasheet. */
  cells(): Cell[][] {
    const out: Cell[][] = [];
    for (let r = 0; r < this.rows; r++) {
      const row: Cell[] = [];
      const line = r % 2;
      for (let c = 0; c < this.cols; c++) {
        let code = 0x20;
        if (this.displayOn && (line === 0 || this.twoLines)) {
          const pos = (((r >= 2 ? this.cols : 0) + c + this.shift) % 40 + 40) % 40;
          code = this.twoLines ? this.ddram[line * 0x40 + pos] : this.ddram[pos];
        }
        row.push(code < 16 ? { code, cgram: Array.from(this.cgram.subarray((code & 7) * 8, (code & 7) * 8 + 8)) } : { code });
      }
      out.push(row);
    }
    return out;
  }

  /**
   * The glass as text. ROM codes become their A00 character (blank codes a space); CGRAM cells go through
   * `glyphName`, by default U+E000 + slot so a test can tell them apart.
   */
  lines(glyphName: (rows: readonly number[], slot: number) => string = (_r, slot) => String.fromCharCode(0xe000 + slot)): string[] {
    return this.cells().map((row) =>
      row.map((cell) => (cell.cgram ? glyphName(cell.cgram, cell.code & 7) : (ROM_A00[cell.code] ?? ' '))).join(''),
    );
  }
}
