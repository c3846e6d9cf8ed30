// The control byte that starts each I2C message to an SSD1306 or SH1106: Co D/C# 0 0 0 0 0 0
// (SSD1306 Rev 1.1 §8.1.5.2, SH1106 V2.2 "I2C-bus interface").
// Co=0: every remaining byte of the transaction has the same D/C#. Co=1: one byte follows, then another control byte.
import { statusRead, type OledRegisters } from './oled-glass';

export function feedControlled(bytes: Uint8Array, command: (b: number) => void, data: (b: number) => void): void {
  let i = 0;
  while (i < bytes.length) {
    const control = bytes[i++];
    const isData = (control & 0x40) !== 0;
    const sink = isData ? data : command;
    if ((control & 0x80) === 0) {
      while (i < bytes.length) sink(bytes[i++]);
      return;
    }
    if (i < bytes.length) sink(bytes[i++]);
  }
}

/**
 * Assembles multi-byte commands. The parameters of a command may arrive in later transactions (oled-i2c-bus sends
 * every command byte as its own write, oled-i2c-bus's source), so the state lives in the device, not the transaction.
 */
export class CommandDecoder {
  private pending: number[] = [];
  private need = 0;

  constructor(
    private readonly params: Readonly<Record<number, number>>,
    private readonly execute: (command: number[]) => void,
  ) {}

  reset(): void {
    this.pending = [];
    this.need = 0;
  }

  byte(b: number): void {
    if (this.need > 0) {
      this.pending.push(b);
      if (--this.need === 0) this.execute(this.pending);
      return;
    }
    const n = this.params[b] ?? 0;
    if (n === 0) return this.execute([b]);
    this.pending = [b];
    this.need = n;
  }
}

/** An OLED controller on I2C: each message's control bytes send its bytes to the command decoder or to RAM. */
export abstract class ControlledModel {
  abstract regs: OledRegisters;
  protected abstract readonly commands: CommandDecoder;
  protected abstract dataByte(b: number): void;

  write(bytes: Uint8Array): void {
    feedControlled(bytes, (b) => this.commands.byte(b), (b) => this.dataByte(b));
  }

  /** Status read: BUSY (D7, never here), ON/OFF (D6, 1 = off). */
  read(length: number): Uint8Array {
    return statusRead(this.regs, length);
  }
}
