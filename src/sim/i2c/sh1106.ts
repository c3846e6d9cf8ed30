// SH1106 as seen from I2C (SH1106 V2.2 command table 1-20): 132x64 RAM, page addressing only,
// the column counter stops at 131 and never advances the page. Commands it does not have (20/21/22, 8D, scroll) are
// single bytes it does not recognise; their parameters then arrive as commands of their own, as on the chip
// (8D 14 sets the upper column nibble, which the next page write overrides).
import type { Bitmap } from '../../panel/frame';
import type { I2cDeviceModel } from './bus';
import { brightness, glassBitmap, OledModule, OledRegisters } from './oled-glass';
import { CommandDecoder, ControlledModel } from './oled-control';

const RAM_COLS = 132;
const PARAMS: Record<number, number> = { 0x81: 1, 0xa8: 1, 0xad: 1, 0xd3: 1, 0xd5: 1, 0xd9: 1, 0xda: 1, 0xdb: 1 };

export class Sh1106Model extends ControlledModel implements I2cDeviceModel {
  readonly module: OledModule;
  regs!: OledRegisters;
  col = 0;
  page = 0;
  dcdc = true;
  pumpVoltage = 0x32;
  clockDiv = 0x50;
  vcom = 0x35;
  private rmw: number | undefined;
  protected readonly commands = new CommandDecoder(PARAMS, (c) => this.execute(c));

  /** @param colOffset RAM columns left of the glass with A0: 2 on most 1.3" modules, 0 on some (luma.oled #376). */
  constructor(colOffset = 2) {
    super();
    this.module = { width: 128, height: 64, wiredComPins: 0x12, colOffset };
    this.powerOn();
  }

  /** Power-on values (SH1106 command descriptions): contrast 0x80, DC-DC on, page 0, column 0, display off. */
  powerOn(): void {
    this.regs = {
      ram: new Uint8Array(RAM_COLS * 8), ramCols: RAM_COLS, on: false, entireOn: false, invert: false, contrast: 0x80,
      segRemap: false, comReverse: false, mux: 64, offset: 0, startLine: 0, comPins: 0x12,
    };
    this.col = 0;
    this.page = 0;
    this.dcdc = true;
    this.rmw = undefined;
    this.commands.reset();
  }



  private execute([cmd, p1]: number[]): void {
    const r = this.regs;
    if (cmd <= 0x0f) this.col = (this.col & 0xf0) | cmd;
    else if (cmd <= 0x1f) this.col = (this.col & 0x0f) | ((cmd & 0x0f) << 4);
    else if (cmd >= 0x30 && cmd <= 0x33) this.pumpVoltage = cmd;
    else if (cmd >= 0x40 && cmd <= 0x7f) r.startLine = cmd & 0x3f;
    else if (cmd === 0x81) r.contrast = p1;
    else if (cmd === 0xa0 || cmd === 0xa1) r.segRemap = cmd === 0xa1;
    else if (cmd === 0xa4 || cmd === 0xa5) r.entireOn = cmd === 0xa5;
    else if (cmd === 0xa6 || cmd === 0xa7) r.invert = cmd === 0xa7;
    else if (cmd === 0xa8) r.mux = Math.max(1, (p1 & 0x3f) + 1);
    else if (cmd === 0xad) this.dcdc = (p1 & 1) === 1;
    else if (cmd === 0xae || cmd === 0xaf) r.on = cmd === 0xaf;
    else if (cmd >= 0xb0 && cmd <= 0xb7) this.page = cmd & 7;
    else if (cmd >= 0xc0 && cmd <= 0xcf) r.comReverse = (cmd & 0x08) !== 0;
    else if (cmd === 0xd3) r.offset = p1 & 0x3f;
    else if (cmd === 0xd5) this.clockDiv = p1;
    else if (cmd === 0xda) r.comPins = p1 & 0x32;
    else if (cmd === 0xdb) this.vcom = p1;
    else if (cmd === 0xe0) this.rmw = this.col;
    else if (cmd === 0xee && this.rmw !== undefined) {
      this.col = this.rmw;
      this.rmw = undefined;
    }
  }

  protected dataByte(b: number): void {
    if (this.col < RAM_COLS) this.regs.ram[this.page * RAM_COLS + this.col] = b;
    if (this.col < RAM_COLS - 1) this.col++;
  }

  glass(): Bitmap {
    return glassBitmap({ ...this.regs, on: this.regs.on && this.dcdc }, this.module);
  }

  glassLevel(): number {
    return this.dcdc ? brightness(this.regs) : 0;
  }
}
