import type { Frame, Geometry } from '../panel/frame';

/**
 * Anything that shows frames: an I2C display, the terminal, a PNG file.
 * show() never throws and never waits on the glass: the newest frame replaces one still queued,
 * so the poller and the π job are never held up by a slow or unplugged display.
 */
export interface Display {
  readonly name: string;
  readonly geometry: Geometry;
  show(frame: Frame): void;
  /** Brightness for burn-in and power policy: OLED contrast or LCD backlight. */
  setLevel(level: 'normal' | 'dim' | 'off'): void;
  /** What keeps frames from reaching the device (unplugged, NACKing), or null while they do; for /health. */
  problem?(): string | null;
  /** Finish the frame in flight, then leave the glass as asked: blank and asleep, or showing the last frame. */
  close(leave: 'blank' | 'keep'): Promise<void>;
}
