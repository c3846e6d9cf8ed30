// The button as a source of raw edges. Every backend (gpiomon, onoff, none) sits behind this one
// interface; the press state machine (press.ts) turns edges into actions and never knows which
// backend produced them.
import { EventEmitter } from 'events';

export type BackendName = 'gpiomon' | 'onoff' | 'none';

/** A level change of the button line as read, not yet debounced. `at` is in ms on the shared clock. */
export interface RawEdge {
  pressed: boolean;
  at: number;
}

/** Why a backend cannot run, as a class the caller can act on; the message is the one line to log. */
export type ButtonErrorCode =
  | 'missing-tool'
  | 'permission'
  | 'busy'
  | 'invalid-number'
  | 'no-chip'
  | 'no-sysfs'
  | 'read-only'
  | 'failed';

export class ButtonError extends Error {
  constructor(
    readonly code: ButtonErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ButtonError';
  }
}

/**
 * start() resolves once edges can flow and rejects with a ButtonError (one line, naming the fix).
 * Constructors only store their dependencies; nothing touches the system before start().
 * 'exit' fires when a started backend stops without being asked to (error) or after stop() (null).
 */
export interface ButtonBackend {
  readonly name: BackendName;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: 'edge', listener: (edge: RawEdge) => void): this;
  on(event: 'exit', listener: (error: ButtonError | null) => void): this;
  once(event: 'exit', listener: (error: ButtonError | null) => void): this;
  off(event: 'edge', listener: (edge: RawEdge) => void): this;
  off(event: 'exit', listener: (error: ButtonError | null) => void): this;
}

/** Chip labels of the Raspberry Pi's header GPIO controller (the label file of each sysfs gpiochip): Pi ≤ 3/Zero, Pi 4, Pi 5. */
export const PI_GPIO_LABELS: readonly string[] = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

/** The clock every backend and the press machine share: monotonic, so NTP steps at boot do not fake long presses. */
export const monotonicMs = (): number => performance.now();

/** Typed emit helpers shared by the backends. */
export class BackendEvents extends EventEmitter {
  protected emitEdge(edge: RawEdge): void {
    this.emit('edge', edge);
  }
  protected emitExit(error: ButtonError | null): void {
    this.emit('exit', error);
  }
}

/** The backend for machines without a button: starts, never emits an edge. */
export class NoneBackend extends BackendEvents implements ButtonBackend {
  readonly name = 'none' as const;
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.emitExit(null);
  }
}
