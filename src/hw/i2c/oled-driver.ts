// One driver for both OLED controllers: frames become page-major RAM, and only the windows that differ from what
// is on the glass are sent. The controller profile (ssd1306.ts, sh1106.ts) knows the bytes.
import type { Frame, Geometry } from '../../panel/frame';
import type { Level, PanelDriver } from './driver';
import type { I2cTransport } from './transport';
import { changedWindows, packPages, Window } from './oled-pages';
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
  readonly defaultContrast: number;
  /** Fixed bytes a window costs besides its data: decides when two runs are cheaper joined. */
  readonly windowOverhead: number;
  /** Whether one window may span several pages (SSD1306 page window) or must stay in one (SH1106). */
  readonly stacksPages: boolean;
  init(o: OledOptions): number[];
  writeWindow(t: I2cTransport, ram: Uint8Array, w: Window): Promise<void>;
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
    readonly transport: I2cTransport,
    private readonly opts: OledOptions,
  ) {
    this.name = ctl.name;
    this.geometry = { kind: 'pixels', width: ctl.width, height: ctl.height };
  }

  async init(): Promise<void> {
    this.glassOn = false;
    this.ram = undefined;
    await this.transport.write([0x00, ...this.ctl.init(this.opts)]);
    if (this.level !== 'normal') await this.applyLevel();
  }

  async draw(frame: Frame, onGlass: Frame | undefined): Promise<void> {
    if (frame.kind !== 'pixels') throw new Error(`${this.name} shows pixel frames, not character frames`);
    const { width, height } = this.ctl;
    const next = packPages(frame.bitmap, width, height);
    const windows =
      onGlass && this.ram
        ? changedWindows(this.ram, next, width, this.ctl.windowOverhead, this.ctl.stacksPages)
        : this.ctl.stacksPages
          ? [{ p0: 0, p1: height / 8 - 1, c0: 0, c1: width - 1 }]
          : Array.from({ length: height / 8 }, (_, p) => ({ p0: p, p1: p, c0: 0, c1: width - 1 }));
    this.ram = undefined; // unknown until every window is written
    for (const w of windows) await this.ctl.writeWindow(this.transport, next, w);
    this.ram = next;
    if (!this.glassOn && this.level !== 'off') {
      await this.transport.write([0x00, DISPLAY_ON]);
      this.glassOn = true;
    }
  }

  async setLevel(level: Level): Promise<void> {
    this.level = level;
    await this.applyLevel();
  }

  private async applyLevel(): Promise<void> {
    if (this.level === 'off') {
      await this.transport.write([0x00, DISPLAY_OFF]);
      this.glassOn = false;
      return;
    }
    const contrast = this.level === 'dim' ? (this.opts.dimContrast ?? 0x01) : (this.opts.contrast ?? this.ctl.defaultContrast);
    // Turning the glass on before the first frame would show whatever the RAM holds; draw() does that.
    await this.transport.write(this.ram && !this.glassOn ? [0x00, SET_CONTRAST, contrast, DISPLAY_ON] : [0x00, SET_CONTRAST, contrast]);
    if (this.ram) this.glassOn = true;
  }

  async blank(): Promise<void> {
    const { width, height } = this.ctl;
    const dark = new Uint8Array((width * height) / 8);
    await this.transport.write([0x00, DISPLAY_OFF]);
    this.glassOn = false;
    // Clearing after AE keeps the old picture from flashing; an unknown RAM is cleared by the next full frame.
    if (this.ram) {
      const ram = this.ram;
      this.ram = undefined;
      for (const w of changedWindows(ram, dark, width, this.ctl.windowOverhead, this.ctl.stacksPages)) {
        await this.ctl.writeWindow(this.transport, dark, w);
      }
      this.ram = dark;
    }
  }
}
