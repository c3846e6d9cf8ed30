// What an OLED module's glass shows, given its controller's display RAM and registers. Shared by the SSD1306 and
// SH1106 models; the controllers differ in commands and RAM width, not in how rows and columns reach the glass.
//
// Rows (SSD1306 Rev 1.1 §10.1.12 display offset, §10.1.6 start line, §10.1.14 COM scan, §10.1.18 + Table 10-3 COM
// pins; SSD1306 datasheet): display line d (0..mux-1) shows RAM row (d + startLine) mod 64 and is driven on COM
// c = (d - offset) mod 64; C8 scans COM[mux-1]..COM0; the COM pins configuration (DA) routes that row signal to a
// chip pin, sequentially or alternating between the two pin banks, optionally swapping the banks. The module is wired
// for one configuration (128x64 modules: alternative, 0x12; 128x32: sequential, 0x02) and mounted so that A1 + C8 is
// upright, as every driver (luma, oled-i2c-bus) assumes. A wrong DA value therefore shows the familiar interleaved
// picture, as on real glass (inferred from Table 10-3, not measured).
// Columns: SEG s = remap ? ramCols-1-col : col; the glass shows SEGs ramCols-1-colOffset down to that minus width-1.
import type { Bitmap } from '../../panel/frame';

export interface OledRegisters {
  ram: Uint8Array; // ramCols * 8 pages, page-major, bit 0 = top row of the page
  ramCols: number;
  on: boolean;
  entireOn: boolean;
  invert: boolean;
  contrast: number;
  segRemap: boolean;
  comReverse: boolean;
  mux: number; // rows driven, 16..64 (A8 param + 1)
  offset: number;
  startLine: number;
  comPins: number; // DA param
}

export interface OledModule {
  width: number;
  height: number;
  /** The COM pin configuration the module's glass is wired for (DA value). */
  wiredComPins: number;
  /** RAM columns left of the first visible one when segments are not remapped (SH1106 modules: 2, sometimes 0). */
  colOffset: number;
}

function pinOfRowSignal(c: number, comPins: number): number {
  const alternative = (comPins & 0x10) !== 0;
  const swap = (comPins & 0x20) !== 0;
  const pin = alternative ? (c % 2 === 0 ? c / 2 : 32 + (c - 1) / 2) : c;
  return swap ? pin ^ 32 : pin;
}

/** Glass row (0 = top) of a chip COM pin on this module, or -1 when that pin is not connected. */
function glassRowOfPin(pin: number, module: OledModule): number {
  // Invert the routing the module was designed for, with C8 (reverse scan) and mux = module height as upright.
  for (let c = 0; c < module.height; c++) {
    const designed = pinOfRowSignal(module.height - 1 - c, module.wiredComPins);
    if (designed === pin) return c;
  }
  return -1;
}

/** The lit pixels of the glass, row-major, one byte per pixel (the Bitmap contract). */
export function glassBitmap(r: OledRegisters, module: OledModule): Bitmap {
  const { width, height } = module;
  const pixels = new Uint8Array(width * height);
  if (!r.on) return { width, height, pixels };
  const rowOnGlass = new Int16Array(64).fill(-1);
  for (let pin = 0; pin < 64; pin++) rowOnGlass[pin] = glassRowOfPin(pin, module);
  const lastSeg = r.ramCols - 1 - module.colOffset;
  for (let c = 0; c < 64; c++) {
    const d = (c + r.offset) % 64;
    if (d >= r.mux) continue; // COM not driven at this multiplex ratio
    const ramRow = (d + r.startLine) % 64;
    const scanned = r.comReverse ? (r.mux - 1 - c + 64) % 64 : c;
    const y = rowOnGlass[pinOfRowSignal(scanned, r.comPins)];
    if (y < 0) continue;
    const page = ramRow >> 3;
    const bit = 1 << (ramRow & 7);
    for (let x = 0; x < width; x++) {
      const seg = lastSeg - x;
      const col = r.segRemap ? r.ramCols - 1 - seg : seg;
      const lit = r.entireOn || (r.ram[page * r.ramCols + col] & bit) !== 0;
      pixels[y * width + x] = lit !== r.invert ? 1 : 0;
    }
  }
  return { width, height, pixels };
}

/** Relative brightness of a lit pixel, 0..1: contrast (0x81) sets the segment current (§10.1.7). */
export function brightness(r: OledRegisters): number {
  return r.on ? 0.25 + (0.75 * r.contrast) / 255 : 0;
}

/** The status byte both chips return on a read: D6 set while the display is off, BUSY (D7) never set here. */
export function statusRead(r: OledRegisters, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = r.on ? 0x00 : 0x40;
  return out;
}
