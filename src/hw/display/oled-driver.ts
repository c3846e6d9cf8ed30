// One driver for every OLED controller: frames become display RAM, and only the windows that differ from what
// is on the glass are sent. The controller profile (ssd1306.ts, ssd1309.ts, sh1106.ts, sh1107.ts) knows the bytes.
import type { Frame, Geometry } from '../../panel/frame';
import type { Level, PanelDriver } from './driver';
import type { ControllerTransport } from './transport';
import { changedWindows, RamLayout, Window } from './oled-pages';
import { OLED_COMMANDS } from './oled-commands';

export interface OledOptions {
  rotation: 0 | 180;
  /** Contrast for level 'normal'; the controller's default when absent. */
  contrast?: number;
  /** Contrast for level 'dim'. */
  dimContrast?: number;
  invert?: boolean;
}

export interface OledController {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** How the frame lies in the controller's RAM. */
  readonly ram: RamLayout;
  readonly defaultContrast: number;
  /** Fixed bytes a window costs besides its data: decides when two runs are cheaper joined. */
  readonly windowOverhead: number;
  /** Whether one window may span several pages (SSD1306 page window) or must stay in one (SH110x). */
  readonly stacksPages: boolean;
  init(o: OledOptions): number[];
  writeWindow(t: ControllerTransport, ram: Uint8Array, w: Window): Promise<void>;
}

const { DISPLAY_OFF, DISPLAY_ON, SET_CONTRAST } = OLED_COMMANDS;

export class OledDriver implements PanelDriver {
  readonly name: string;
  readonly geometry: Geometry;
  private glassOn = false;
  private level: Level = 'normal';
  /** RAM content of the frame last drawn in full; valid only while the runner passes that frame back. */
  private ram: Uint8Array | undefined;

  constructor(
    private readonly ctl: OledController,
    readonly transport: ControllerTransport,
    private readonly opts: OledOptions,
  ) {
    this.name = ctl.name;
    this.geometry = { kind: 'pixels', width: ctl.width, height: ctl.height };
  }

  async init(): Promise<void> {
    this.glassOn = false;
    this.ram = undefined;
    await this.transport.command(this.ctl.init(this.opts));
    if (this.level !== 'normal') await this.applyLevel();
  }

  async draw(frame: Frame, onGlass: Frame | undefined): Promise<void> {
    if (frame.kind !== 'pixels') throw new Error(`${this.name} shows pixel frames, not character frames`);
    const { columns, pages } = this.ctl.ram;
    const next = this.ctl.ram.pack(frame.bitmap);
    const windows =
      onGlass && this.ram
        ? changedWindows(this.ram, next, columns, this.ctl.windowOverhead, this.ctl.stacksPages)
        : this.ctl.stacksPages
          ? [{ p0: 0, p1: pages - 1, c0: 0, c1: columns - 1 }]
          : Array.from({ length: pages }, (_, p) => ({ p0: p, p1: p, c0: 0, c1: columns - 1 }));
    this.ram = undefined; // unknown until every window is written
    for (const w of windows) await this.ctl.writeWindow(this.transport, next, w);
    this.ram = next;
    if (!this.glassOn && this.level !== 'off') {
      await this.transport.command([DISPLAY_ON]);
      this.glassOn = true;
    }
  }

  async setLevel(level: Level): Promise<void> {
    this.level = level;
    await this.applyLevel();
  }

  private async applyLevel(): Promise<void> {
    if (this.level === 'off') {
      await this.transport.command([DISPLAY_OFF]);
      this.glassOn = false;
      return;
    }
    const contrast = this.level === 'dim' ? (this.opts.dimContrast ?? 0x01) : (this.opts.contrast ?? this.ctl.defaultContrast);
    // Turning the glass on before the first frame would show whatever the RAM holds; draw() does that.
    await this.transport.command(this.ram && !this.glassOn ? [SET_CONTRAST, contrast, DISPLAY_ON] : [SET_CONTRAST, contrast]);
    if (this.ram) this.glassOn = true;
  }

  async blank(): Promise<void> {
    const { columns, pages } = this.ctl.ram;
    const dark = new Uint8Array(columns * pages);
    await this.transport.command([DISPLAY_OFF]);
    this.glassOn = false;
    // Clearing after AE keeps the old picture from flashing; an unknown RAM is cleared by the next full frame.
    if (this.ram) {
      const ram = this.ram;
      this.ram = undefined;
      for (const w of changedWindows(ram, dark, columns, this.ctl.windowOverhead, this.ctl.stacksPages)) {
        await this.ctl.writeWindow(this.transport, dark, w);
      }
      this.ram = dark;
    }
  }
}
