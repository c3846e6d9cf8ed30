// HD44780 character LCD behind a PCF8574 backpack, in 4-bit mode (HD44780U datasheet Table 6 and Figure 24;
// HD44780U datasheet). Each nibble is two expander bytes, E high then E low; the LCD latches on the falling edge.
// At ~90 µs per I2C byte at 100 kHz, consecutive instructions in one write are already further apart than the
// 37/41 µs they need, so only clear (≥ 2 ms) and the init steps need real waits.
import { LEVEL_CELLS, PARTIAL_CELLS, type CharFrame, type Frame, type Geometry } from '../../panel/frame';
import { CUT } from '../../panel/chargrid';
import { Level, PanelDriver, sleep } from '../display/driver';
import type { PortTransport } from '../display/transport';
import type { PinMap } from './pcf8574';
import { romCode } from './hd44780-rom';

export const HD44780 = {
  CLEAR: 0x01,
  ENTRY_INCREMENT: 0x06,
  DISPLAY_OFF: 0x08,
  DISPLAY_ON: 0x0c,
  FUNCTION_4BIT_2LINE_5X8: 0x28,
  SET_CGRAM: 0x40,
  SET_DDRAM: 0x80,
} as const;

/** DDRAM address of each row's first cell (HD44780U datasheet table). */
export const ROW_ADDRESS = { 2: [0x00, 0x40], 4: [0x00, 0x40, 0x14, 0x54] } as const;

/** What ROM A00 cannot show is drawn as this ('?'), like an unknown value elsewhere on the panel. */
export const PLACEHOLDER = 0x3f;
export const FULL_BLOCK = 0xff;

/** CGRAM slots 1-4: a cell with 1-4 of its 5 columns lit from the left, all 8 rows (HD44780U datasheet bar graphs). */
export const BAR_GLYPHS: ReadonlyArray<readonly number[]> = [0x10, 0x18, 0x1c, 0x1e].map((row) => new Array(8).fill(row));

/** CGRAM slot 5: the CUT mark, three dots on the baseline row where ROM A00 puts the period's dot. */
export const CUT_GLYPH: readonly number[] = [0, 0, 0, 0, 0, 0, 0x15, 0];
const CUT_CODE = 5;

/**
 * CGRAM slots 6, 7 and 0: a cell with its bottom 2, 4 or 6 rows lit, the middle LEVEL_CELLS of a column chart (the
 * lowest is ROM A00's "_", the highest its full block). With the bars and the cut mark that fills all eight slots.
 */
export const LEVEL_GLYPHS: ReadonlyArray<readonly number[]> = [2, 4, 6].map((lit) => Array.from({ length: 8 }, (_, r) => (r >= 8 - lit ? 0x1f : 0)));
const LEVEL_CODES = [6, 7, 0];

/** The glyph in each CGRAM slot, 0 to 7, written at init in one run from slot 0's first row. */
const CGRAM_SLOTS: ReadonlyArray<readonly number[]> = [LEVEL_GLYPHS[2], ...BAR_GLYPHS, CUT_GLYPH, LEVEL_GLYPHS[0], LEVEL_GLYPHS[1]];

/** The code to send for one character of a CharFrame. */
export function lcdCode(ch: string): number {
  const partial = (PARTIAL_CELLS as readonly string[]).indexOf(ch);
  if (partial >= 0) return partial === 4 ? FULL_BLOCK : partial + 1;
  if (ch === CUT) return CUT_CODE;
  const level = (LEVEL_CELLS as readonly string[]).indexOf(ch);
  if (level >= 1 && level <= LEVEL_CODES.length) return LEVEL_CODES[level - 1];
  return romCode(ch) ?? PLACEHOLDER;
}

/** A frame's lines as codes, cropped or padded with spaces to the LCD's size. */
export function encodeLines(grid: CharFrame, cols: number, rows: number): Uint8Array[] {
  return Array.from({ length: rows }, (_, r) => {
    const chars = [...(grid.lines[r] ?? '')];
    return Uint8Array.from({ length: cols }, (_, c) => (c < chars.length ? lcdCode(chars[c]) : 0x20));
  });
}

export interface Hd44780Options {
  cols: 16 | 20;
  rows: 2 | 4;
  pins: PinMap;
}

export class Hd44780Driver implements PanelDriver {
  readonly name = 'hd44780';
  readonly geometry: Geometry;
  private backlight = true;
  private codes: Uint8Array[] | undefined;

  constructor(
    readonly transport: PortTransport,
    private readonly o: Hd44780Options,
  ) {
    this.geometry = { kind: 'chars', cols: o.cols, rows: o.rows };
  }

  private port(bits: number, rs: boolean): number {
    const { pins } = this.o;
    let b = 0;
    pins.data.forEach((bit, i) => (b |= ((bits >> i) & 1) << bit));
    if (rs) b |= 1 << pins.rs;
    if (this.backlight !== pins.backlightActiveLow) b |= 1 << pins.backlight;
    return b;
  }

  private nibble(n: number, rs: boolean): number[] {
    const b = this.port(n, rs);
    return [b | (1 << this.o.pins.e), b];
  }

  private byte(v: number, rs: boolean): number[] {
    return [...this.nibble(v >> 4, rs), ...this.nibble(v & 0x0f, rs)];
  }

  private async instructions(...v: number[]): Promise<void> {
    await this.transport.write(v.flatMap((x) => this.byte(x, false)));
  }

  /** Figure 24, "initializing by instruction", run on every start: the nibble phase of a powered LCD is unknown. */
  async init(): Promise<void> {
    this.codes = undefined;
    // E low first; this write is also the probe: once it is answered, a replugged LCD may have just powered up
    // and needs > 40 ms before it takes instructions.
    await this.transport.write([this.port(0, false)]);
    await sleep(50);
    await this.transport.write(this.nibble(0x3, false));
    await sleep(5); // > 4.1 ms
    await this.transport.write(this.nibble(0x3, false));
    await sleep(1); // > 100 µs
    await this.transport.write([...this.nibble(0x3, false), ...this.nibble(0x2, false)]);
    await this.instructions(HD44780.FUNCTION_4BIT_2LINE_5X8, HD44780.DISPLAY_OFF, HD44780.CLEAR);
    await sleep(2); // clear: 1.52 ms, more on clones
    // All eight slots in one write: the address auto-increments from slot 0's first row.
    const glyphRows = CGRAM_SLOTS.flat().flatMap((row) => this.byte(row, true));
    await this.transport.write([...this.byte(HD44780.ENTRY_INCREMENT, false), ...this.byte(HD44780.SET_CGRAM, false), ...glyphRows]);
    await this.instructions(HD44780.DISPLAY_ON);
    this.codes = encodeLines({ cols: this.o.cols, rows: this.o.rows, lines: [] }, this.o.cols, this.o.rows);
  }

  /** Rewrites only the changed cells, one I2C write per row; every run starts with a DDRAM address. */
  async draw(frame: Frame, onGlass: Frame | undefined): Promise<void> {
    if (frame.kind !== 'chars') throw new Error('hd44780 shows character frames, not pixel frames');
    const next = encodeLines(frame.grid, this.o.cols, this.o.rows);
    const prev = onGlass ? this.codes : undefined;
    this.codes = undefined;
    for (let r = 0; r < this.o.rows; r++) {
      const bytes: number[] = [];
      let c = 0;
      while (c < this.o.cols) {
        if (prev && prev[r][c] === next[r][c]) {
          c++;
          continue;
        }
        let end = c;
        // A one-cell gap costs as much as a new address, so runs separated by one cell are joined.
        while (end + 1 < this.o.cols && (!prev || prev[r][end + 1] !== next[r][end + 1] || (end + 2 < this.o.cols && prev[r][end + 2] !== next[r][end + 2]))) end++;
        bytes.push(...this.byte(HD44780.SET_DDRAM | (ROW_ADDRESS[this.o.rows][r] + c), false));
        for (let i = c; i <= end; i++) bytes.push(...this.byte(next[r][i], true));
        c = end + 1;
      }
      if (bytes.length) await this.transport.write(bytes);
    }
    this.codes = next;
  }

  async setLevel(level: Level): Promise<void> {
    this.backlight = level !== 'off';
    await this.transport.write([this.port(0, false)]);
  }

  async blank(): Promise<void> {
    await this.instructions(HD44780.CLEAR);
    await sleep(2);
    this.backlight = false;
    await this.instructions(HD44780.DISPLAY_OFF);
    this.codes = undefined;
  }
}
