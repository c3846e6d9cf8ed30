// What the frame runner needs from a controller driver. A driver turns frames into bytes for one controller; the
// runner (runner.ts) decides when, retries, and keeps one frame in flight.
import type { Frame, Geometry } from '../../panel/frame';
import type { Transport } from './transport';

export type Level = 'normal' | 'dim' | 'off';

export interface PanelDriver {
  readonly name: string;
  readonly geometry: Geometry;
  readonly transport: Transport;
  /** Full initialisation from an unknown state (power-on, replug, a restarted daemon). Leaves the glass dark. */
  init(): Promise<void>;
  /** Puts `frame` on the glass. `onGlass` is the last frame known to be there in full, or undefined: send it all. */
  draw(frame: Frame, onGlass: Frame | undefined): Promise<void>;
  setLevel(level: Level): Promise<void>;
  /** Clear and sleep (AE / display off and backlight off). */
  blank(): Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
