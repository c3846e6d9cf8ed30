// SSD1309 as seen from I2C (SSD1309 Rev 1.1: §9 command tables, §10 command descriptions): the SSD1306's decoder and
// addressing, with the SSD1309's differences. The glass is powered by the module's own VCC, so no charge pump is
// needed to light it, and 8D is not a command: like any byte outside the tables it is ignored here (note (1) of
// Table 9-6 forbids it), and a parameter sent after it arrives as a command of its own, as on the chip. DC (GPIO)
// takes one parameter, and FD 16 locks the chip until FD 12 (§10.22): no command and no RAM access meanwhile.
import { SSD1306_PARAMS, Ssd1306Model } from './ssd1306';

const PARAMS: Readonly<Record<number, number>> = (() => {
  const p: Record<number, number> = { ...SSD1306_PARAMS, 0xdc: 1, 0xfd: 1 };
  delete p[0x8d];
  return p;
})();

export class Ssd1309Model extends Ssd1306Model {
  locked = false;
  /** Command bytes the SSD1309 does not have that reached it (8D), for tests. */
  refused: number[] = [];

  constructor() {
    super('128x64', PARAMS);
  }

  /** Reset values that differ from the SSD1306 (Table 9-5: clock 0x70, VCOMH 0x34). */
  override powerOn(): void {
    super.powerOn();
    this.clockDiv = 0x70;
    this.vcomh = 0x34;
    this.locked = false;
  }

  protected override execute(command: number[]): void {
    const [cmd, p1] = command;
    if (cmd === 0xfd) {
      this.locked = (p1 & 0x04) !== 0;
      return;
    }
    if (this.locked) return;
    if (cmd === 0x8d) {
      this.refused.push(cmd);
      return;
    }
    super.execute(command);
  }

  protected override dataByte(b: number): void {
    if (!this.locked) super.dataByte(b);
  }

  protected override panelPowered(): boolean {
    return true;
  }
}
