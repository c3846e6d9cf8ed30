// SSD1306 as seen from I2C (SSD1306 Rev 1.1 §8.1.5 I2C interface, §9 command table, §10.1.3 addressing modes;
// SSD1306 datasheet). The command decoder keeps its state across transactions: oled-i2c-bus sends `[00 81]` then
// `[00 8F]` and the second byte is still the contrast parameter.
import type { Bitmap } from '../../panel/frame';
import type { I2cDeviceModel } from './bus';
import { brightness, glassBitmap, OledModule, OledRegisters } from './oled-glass';
import { CommandDecoder, ControlledModel } from './oled-control';

/** Parameter bytes per command, SSD1306 datasheet table (23 fade and D6 zoom from later revisions take one). */
export const SSD1306_PARAMS: Readonly<Record<number, number>> = {
  0x20: 1, 0x21: 2, 0x22: 2, 0x23: 1, 0x26: 6, 0x27: 6, 0x29: 5, 0x2a: 5, 0xa3: 2,
  0x81: 1, 0x8d: 1, 0xa8: 1, 0xd3: 1, 0xd5: 1, 0xd6: 1, 0xd9: 1, 0xda: 1, 0xdb: 1,
};

export type AddressingMode = 'horizontal' | 'vertical' | 'page';

export class Ssd1306Model extends ControlledModel implements I2cDeviceModel {
  readonly module: OledModule;
  regs!: OledRegisters;
  mode!: AddressingMode;
  colStart = 0;
  colEnd = 127;
  pageStart = 0;
  pageEnd = 7;
  col = 0;
  page = 0;
  chargePump = false;
  scrolling = false;
  clockDiv = 0x80;
  precharge = 0x22;
  vcomh = 0x20;
  protected readonly commands: CommandDecoder;

  constructor(size: '128x64' | '128x32' = '128x64', params = SSD1306_PARAMS) {
    super();
    const [width, height] = size.split('x').map(Number);
    this.commands = new CommandDecoder(params, (c) => this.execute(c));
    this.module = { width, height, wiredComPins: height === 64 ? 0x12 : 0x02, colOffset: 0 };
    this.powerOn();
  }

  /** Reset values from the command table's "reset" column. RAM content after power-on is undefined; we use 0. */
  powerOn(): void {
    this.regs = {
      ram: new Uint8Array(128 * 8), ramCols: 128, on: false, entireOn: false, invert: false, contrast: 0x7f,
      segRemap: false, comReverse: false, mux: 64, offset: 0, startLine: 0, comPins: 0x12,
    };
    this.mode = 'page';
    this.colStart = 0;
    this.colEnd = 127;
    this.pageStart = 0;
    this.pageEnd = 7;
    this.col = 0;
    this.page = 0;
    this.chargePump = false;
    this.scrolling = false;
    this.commands.reset();
  }



  protected execute([cmd, p1, p2]: number[]): void {
    const r = this.regs;
    if (cmd <= 0x0f) {
      if (this.mode === 'page') this.col = this.colStart = (this.colStart & 0xf0) | cmd;
    } else if (cmd <= 0x1f) {
      if (this.mode === 'page') this.col = this.colStart = (this.colStart & 0x0f) | ((cmd & 0x07) << 4);
    } else if (cmd === 0x20) {
      this.mode = (['horizontal', 'vertical', 'page'] as const)[p1 & 3] ?? this.mode; // 3 is invalid: ignored
    } else if (cmd === 0x21) {
      this.colStart = this.col = p1 & 0x7f;
      this.colEnd = p2 & 0x7f;
    } else if (cmd === 0x22) {
      this.pageStart = this.page = p1 & 7;
      this.pageEnd = p2 & 7;
    } else if (cmd === 0x2e) {
      this.scrolling = false;
    } else if (cmd === 0x2f) {
      this.scrolling = true;
    } else if (cmd >= 0x40 && cmd <= 0x7f) {
      r.startLine = cmd & 0x3f;
    } else if (cmd === 0x81) {
      r.contrast = p1;
    } else if (cmd === 0x8d) {
      this.chargePump = (p1 & 0x04) !== 0;
    } else if (cmd === 0xa0 || cmd === 0xa1) {
      r.segRemap = cmd === 0xa1;
    } else if (cmd === 0xa4 || cmd === 0xa5) {
      r.entireOn = cmd === 0xa5;
    } else if (cmd === 0xa6 || cmd === 0xa7) {
      r.invert = cmd === 0xa7;
    } else if (cmd === 0xa8) {
      if ((p1 & 0x3f) >= 15) r.mux = (p1 & 0x3f) + 1; // 0..14 are invalid entries (§10.1.11)
    } else if (cmd === 0xae || cmd === 0xaf) {
      r.on = cmd === 0xaf;
    } else if (cmd >= 0xb0 && cmd <= 0xb7) {
      if (this.mode === 'page') this.page = cmd & 7;
    } else if (cmd === 0xc0 || cmd === 0xc8) {
      r.comReverse = cmd === 0xc8;
    } else if (cmd === 0xd3) {
      r.offset = p1 & 0x3f;
    } else if (cmd === 0xd5) {
      this.clockDiv = p1;
    } else if (cmd === 0xd9) {
      this.precharge = p1;
    } else if (cmd === 0xda) {
      r.comPins = p1 & 0x32;
    } else if (cmd === 0xdb) {
      this.vcomh = p1;
    }
    // E3 (NOP), scroll setup (26/27/29/2A/A3), fade and zoom only consume their parameters here.
  }

  /** GDDRAM write and pointer advance, §10.1.3 Figures 10-2..10-4. */
  protected dataByte(b: number): void {
    this.regs.ram[this.page * 128 + this.col] = b;
    if (this.mode === 'page') {
      this.col = this.col >= 127 ? this.colStart : this.col + 1;
    } else if (this.mode === 'horizontal') {
      if (this.col >= this.colEnd) {
        this.col = this.colStart;
        this.page = this.page >= this.pageEnd ? this.pageStart : this.page + 1;
      } else this.col++;
    } else if (this.page >= this.pageEnd) {
      this.page = this.pageStart;
      this.col = this.col >= this.colEnd ? this.colStart : this.col + 1;
    } else this.page++;
  }

  /** What the glass shows: lit pixels (brightness is separate, see glassLevel). */
  glass(): Bitmap {
    return glassBitmap({ ...this.regs, on: this.regs.on && this.panelPowered() }, this.module);
  }

  /** Brightness of lit pixels 0..1; 0 when the panel is off or the charge pump was never enabled. */
  glassLevel(): number {
    return this.panelPowered() ? brightness(this.regs) : 0;
  }

  /** Without the charge pump (8D 14) a module with no external VCC stays dark (§2 / application note). */
  protected panelPowered(): boolean {
    return this.chargePump;
  }
}
