import type { Frame, Geometry } from '../panel/frame';
import type { Display } from './display';

/** display.kind "none": the daemon runs (π job, status) with no glass at all. */
export class NullDisplay implements Display {
  readonly name = 'none';
  shown = 0;
  constructor(readonly geometry: Geometry) {}
  show(_frame: Frame): void {
    this.shown++;
  }
  setLevel(): void {}
  async close(): Promise<void> {}
}
