// The control byte that starts each I2C message to an SSD1306 or SH1106: Co D/C# 0 0 0 0 0 0
// (SSD1306 Rev 1.1 §8.1.5.2, SH1106 V2.2 "I2C-bus interface"; hardware.md 3.1).
// Co=0: every remaining byte of the transaction has the same D/C#. Co=1: one byte follows, then another control byte.

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
