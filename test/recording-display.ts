// A display that keeps what the daemon last showed it, for tests of the running panel.
import type { Display } from '../src/hw/display';
import type { Frame, Geometry } from '../src/panel/frame';

export class RecordingDisplay implements Display {
  readonly name = 'recording';
  last: Frame | null = null;
  level: 'normal' | 'dim' | 'off' = 'normal';
  closedWith: 'blank' | 'keep' | null = null;
  constructor(readonly geometry: Geometry) {}
  show(frame: Frame): void {
    this.last = frame;
  }
  setLevel(level: 'normal' | 'dim' | 'off'): void {
    this.level = level;
  }
  async close(leave: 'blank' | 'keep'): Promise<void> {
    this.closedWith = leave;
  }
  /** The character frame shown last, its rows joined by '|'; '' before one, or for pixels. */
  text(): string {
    return this.last?.kind === 'chars' ? this.last.grid.lines.join('|') : '';
  }
}
