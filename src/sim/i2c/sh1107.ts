// SH1107 as seen from I2C (Sino Wealth SH1107 V2.1, "Commands" 1-23, Figure 10 RAM map, Table 8 common output).
// 128 segments by 128 commons over a RAM of 16 pages of 128 columns. A RAM byte holds 8 neighbouring segments
// (page p, bit b = SEG 8p+b; with A1 both the page order and the bit order reverse, Figure 13-2), and the column
// address is the display line. Display line 0 is driven on the common set by the display offset (D3, command 9:
// "if COM16 is the display start line, the value should be 10H"), and shows the RAM column set by the start line
// (DC, command 17); C8 scans the commons the other way (command 13). Page addressing: the column counter stops at
// 127 and never changes the page (commands 1-3). Commands it does not have (DA, 8D, 40-7F start line, scroll) are
// bytes it ignores; their parameters arrive as commands of their own.
//
// The modules: a 128x128 glass is wired to all 128 commons from COM0; a 64x128 one (mounted landscape, 128 wide) to
// the 64 commons from COM96 round to COM31, which is why its drivers send offset 0x60. Both are mounted so that the
// power-on directions (A0, C0) are upright, as luma.oled's and Adafruit's init sequences leave them (inferred).
import type { Bitmap } from '../../panel/frame';
import type { I2cDeviceModel } from './bus';
import { brightness, type OledRegisters } from './oled-glass';
import { CommandDecoder, ControlledModel } from './oled-control';

const COLS = 128;
const PAGES = 16;
const COMS = 128;
const SH1107_ID = 0x07;
const PARAMS: Record<number, number> = { 0x81: 1, 0xa8: 1, 0xad: 1, 0xd3: 1, 0xd5: 1, 0xd9: 1, 0xdb: 1, 0xdc: 1 };

export class Sh1107Model extends ControlledModel implements I2cDeviceModel {
  regs!: OledRegisters;
  col = 0;
  page = 0;
  vertical = false;
  dcdc = true;
  clockDiv = 0x50;
  precharge = 0x22;
  vcom = 0x35;
  private rmw: number | undefined;
  protected readonly commands = new CommandDecoder(PARAMS, (c) => this.execute(c));
  /** The common of the glass's top row (at A0/C0), and the glass's rows. */
  private readonly topCom: number;

  constructor(readonly height: 64 | 128 = 128) {
    super();
    this.topCom = height === 64 ? 0x60 : 0;
    this.powerOn();
  }

  /** Power-on values from the command descriptions: contrast 0x80, multiplex 128, DC-DC on, display off. */
  powerOn(): void {
    this.regs = {
      ram: new Uint8Array(COLS * PAGES), ramCols: COLS, on: false, entireOn: false, invert: false, contrast: 0x80,
      segRemap: false, comReverse: false, mux: COMS, offset: 0, startLine: 0, comPins: 0,
    };
    this.col = 0;
    this.page = 0;
    this.vertical = false;
    this.dcdc = true;
    this.rmw = undefined;
    this.commands.reset();
  }


  /** Status read (command 22): BUSY (D7, never here), ON/OFF (D6, 1 = off), and the chip ID 000111 in D5-D0. */
  override read(length: number): Uint8Array {
    const out = super.read(length);
    out[0] |= SH1107_ID;
    return out;
  }

  private execute([cmd, p1]: number[]): void {
    const r = this.regs;
    if (cmd <= 0x0f) this.col = (this.col & 0x70) | cmd;
    else if (cmd <= 0x17) this.col = (this.col & 0x0f) | ((cmd & 0x07) << 4);
    else if (cmd === 0x20 || cmd === 0x21) this.vertical = cmd === 0x21;
    else if (cmd === 0x81) r.contrast = p1;
    else if (cmd === 0xa0 || cmd === 0xa1) r.segRemap = cmd === 0xa1;
    else if (cmd === 0xa4 || cmd === 0xa5) r.entireOn = cmd === 0xa5;
    else if (cmd === 0xa6 || cmd === 0xa7) r.invert = cmd === 0xa7;
    else if (cmd === 0xa8) r.mux = (p1 & 0x7f) + 1;
    else if (cmd === 0xad) this.dcdc = (p1 & 1) === 1;
    else if (cmd === 0xae || cmd === 0xaf) r.on = cmd === 0xaf;
    else if (cmd >= 0xb0 && cmd <= 0xbf) this.page = cmd & 0x0f;
    else if (cmd >= 0xc0 && cmd <= 0xcf) r.comReverse = (cmd & 0x08) !== 0;
    else if (cmd === 0xd3) r.offset = p1 & 0x7f;
    else if (cmd === 0xd5) this.clockDiv = p1;
    else if (cmd === 0xd9) this.precharge = p1;
    else if (cmd === 0xdb) this.vcom = p1;
    else if (cmd === 0xdc) r.startLine = p1 & 0x7f;
    else if (cmd === 0xe0) this.rmw = this.col;
    else if (cmd === 0xee && this.rmw !== undefined) {
      this.col = this.rmw;
      this.rmw = undefined;
    }
  }

  protected dataByte(b: number): void {
    this.regs.ram[this.page * COLS + this.col] = b;
    if (this.vertical) this.page = (this.page + 1) % PAGES;
    else if (this.col < COLS - 1) this.col++;
  }

  /** The RAM column a common shows, or -1 when the multiplex ratio leaves it undriven. */
  private columnOf(com: number): number {
    const r = this.regs;
    const scanned = r.comReverse ? r.mux - 1 - com : com;
    const line = (((scanned - r.offset) % COMS) + COMS) % COMS;
    return line < r.mux ? (line + r.startLine) % COLS : -1;
  }

  /** The lit pixels of the glass: 128 segments across, the module's commons down. */
  glass(): Bitmap {
    const width = 128;
    const { height } = this;
    const pixels = new Uint8Array(width * height);
    const r = this.regs;
    if (!r.on || !this.dcdc) return { width, height, pixels };
    for (let y = 0; y < height; y++) {
      const col = this.columnOf((this.topCom + y) % COMS);
      if (col < 0) continue;
      for (let x = 0; x < width; x++) {
        const bit = r.segRemap ? 127 - x : x;
        const lit = r.entireOn || ((r.ram[(bit >> 3) * COLS + col] >> (bit & 7)) & 1) === 1;
        pixels[y * width + x] = lit !== r.invert ? 1 : 0;
      }
    }
    return { width, height, pixels };
  }

  glassLevel(): number {
    return this.dcdc ? brightness(this.regs) : 0;
  }
}
