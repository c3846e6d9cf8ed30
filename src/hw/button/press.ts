// The one-button grammar: raw edges in, actions and hold feedback out. Pure apart from the
// injected clock and timers, so tests drive it with fake time.
//
//   short press (< shortMaxMs)          -> next screen (and cancels a pending reset confirmation)
//   held to longMs, job idle            -> start the π job
//   held to longMs, job running/done/error -> "hold again to reset" for confirmMs; a second long
//                                          press begun inside that window -> reset
//   any press while the display is blanked -> wake only
// Between shortMaxMs and longMs nothing happens: a hesitant press neither flips the screen nor
// starts work. The long action fires while the button is still down, when the bar is full.
import type { UiState } from '../../panel/model';
import { monotonicMs, type RawEdge } from './backend';

export type PressAction = { type: 'next' | 'start' | 'reset' | 'wake' | 'confirm' };

/** What a stand-in for the button (the web controls) asks for, and what came of it: the action taken, or why none. */
export type ControlAction = 'next' | 'start' | 'reset';
export type ControlOutcome = { done: PressAction['type'] } | { refused: string };

export interface PressContext {
  job: 'idle' | 'running' | 'done' | 'error';
  /** The power policy has blanked the display (or switched the backlight off). */
  blanked: boolean;
}

export interface PressOptions {
  /** A level must hold this long to count (contact bounce lasts a few ms). */
  debounceMs: number;
  /** Presses shorter than this are "short". */
  shortMaxMs: number;
  /** Holding this long is a long press. */
  longMs: number;
  /** How long the reset confirmation stays up. */
  confirmMs: number;
  /** How often the hold bar is refreshed while the button is down. */
  progressStepMs: number;
}

export const DEFAULT_PRESS_OPTIONS: PressOptions = {
  debounceMs: 30,
  shortMaxMs: 1000,
  longMs: 1500,
  confirmMs: 5000,
  progressStepMs: 100,
};

export const CONFIRM_BANNER = 'hold again to reset';

export interface PressClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: PressClock = {
  now: monotonicMs,
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface PressDeps {
  /** Read at the moment a decision is made, so it always reflects the current job and display. */
  context: () => PressContext;
  onAction: (action: PressAction) => void;
  /** Called whenever holdProgress or banner change (and on each bar step while held). */
  onUi?: (ui: UiState) => void;
  clock?: PressClock;
  options?: Partial<PressOptions>;
}

interface Hold {
  at: number;
  /** This press only wakes the display; it does nothing else. */
  wakeOnly: boolean;
  /** The long action already fired; the release does nothing. */
  fired: boolean;
  /** Began while the reset confirmation was up: if it becomes long, it resets. */
  confirming: boolean;
}

export class PressMachine {
  private readonly opts: PressOptions;
  private readonly clock: PressClock;
  private raw = false;
  private rawAt = 0;
  private hold: Hold | null = null;
  /** Deadline of the reset confirmation, or null when none is up. */
  private confirmUntil: number | null = null;
  private settleTimer: unknown = null;
  private longTimer: unknown = null;
  private barTimer: unknown = null;
  private confirmTimer: unknown = null;

  constructor(private readonly deps: PressDeps) {
    this.opts = { ...DEFAULT_PRESS_OPTIONS, ...deps.options };
    this.clock = deps.clock ?? systemClock;
  }

  /** Feed one raw edge from a backend. The level counts once it has been stable for debounceMs. */
  edge(edge: RawEdge): void {
    this.raw = edge.pressed;
    this.rawAt = edge.at;
    this.cancel('settleTimer');
    const wait = Math.max(0, edge.at + this.opts.debounceMs - this.clock.now());
    this.settleTimer = this.clock.setTimeout(() => this.settle(), wait);
  }

  /** The hold bar and banner as they are now, for the frame being drawn. */
  ui(): UiState {
    const hold = this.hold;
    const holdProgress =
      hold && !hold.wakeOnly ? Math.min(1, Math.max(0, (this.clock.now() - hold.at) / this.opts.longMs)) : null;
    return { holdProgress, banner: this.confirmUntil === null ? null : CONFIRM_BANNER };
  }

  /** Cancel every timer; no action fires afterwards. */
  stop(): void {
    for (const t of ['settleTimer', 'longTimer', 'barTimer', 'confirmTimer'] as const) this.cancel(t);
    this.hold = null;
    this.confirmUntil = null;
  }

  private settle(): void {
    this.settleTimer = null;
    const down = this.hold !== null;
    if (this.raw === down) return;
    if (this.raw) this.pressed(this.rawAt);
    else this.released(this.rawAt);
  }

  private pressed(at: number): void {
    const ctx = this.deps.context();
    if (ctx.blanked) {
      this.hold = { at, wakeOnly: true, fired: true, confirming: false };
      this.deps.onAction({ type: 'wake' });
      return;
    }
    const confirming = this.confirmUntil !== null;
    // The confirmation window stays open while the second press is being held.
    if (confirming) this.cancel('confirmTimer');
    this.hold = { at, wakeOnly: false, fired: false, confirming };
    this.longTimer = this.clock.setTimeout(() => this.long(), Math.max(0, at + this.opts.longMs - this.clock.now()));
    this.scheduleBar();
    this.emitUi();
  }

  private released(at: number): void {
    const hold = this.hold;
    if (!hold) return;
    this.hold = null;
    this.cancel('longTimer');
    this.cancel('barTimer');
    if (!hold.fired) {
      if (at - hold.at < this.opts.shortMaxMs) {
        this.shortAction();
      } else if (hold.confirming) {
        this.reopenConfirmation();
      }
    }
    if (!hold.wakeOnly) this.emitUi();
  }

  private long(): void {
    this.longTimer = null;
    const hold = this.hold;
    if (!hold) return;
    hold.fired = true;
    this.cancel('barTimer');
    this.longAction(hold.confirming);
    this.emitUi();
  }

  /**
   * A whole press at once, from a stand-in for the button (the web controls): it decides as a real press of
   * that length would, confirmation window included. A press already being held on the button wins.
   */
  pressWhole(kind: 'short' | 'long'): PressAction['type'] | null {
    if (this.hold) return null;
    if (this.deps.context().blanked) {
      this.deps.onAction({ type: 'wake' });
      return 'wake';
    }
    const action = kind === 'short' ? this.shortAction() : this.longAction(this.confirmUntil !== null);
    this.emitUi();
    return action;
  }

  private shortAction(): 'next' {
    this.confirmUntil = null;
    this.cancel('confirmTimer');
    this.deps.onAction({ type: 'next' });
    return 'next';
  }

  /** Start an idle job; otherwise reset when confirming, or open the confirmation. */
  private longAction(confirming: boolean): 'start' | 'reset' | 'confirm' {
    this.cancel('confirmTimer');
    const action = this.deps.context().job === 'idle' ? 'start' : confirming ? 'reset' : 'confirm';
    if (action === 'confirm') {
      this.confirmUntil = this.clock.now() + this.opts.confirmMs;
      this.reopenConfirmation();
    } else this.confirmUntil = null;
    this.deps.onAction({ type: action });
    return action;
  }

  /** (Re)arm the banner's expiry at its deadline; expire it now when the deadline has passed. */
  private reopenConfirmation(): void {
    const until = this.confirmUntil;
    if (until === null) return;
    const left = until - this.clock.now();
    if (left <= 0) {
      this.confirmUntil = null;
      return;
    }
    this.confirmTimer = this.clock.setTimeout(() => {
      this.confirmTimer = null;
      this.confirmUntil = null;
      this.emitUi();
    }, left);
  }

  private scheduleBar(): void {
    this.barTimer = this.clock.setTimeout(() => {
      this.barTimer = null;
      if (!this.hold || this.hold.fired) return;
      this.emitUi();
      this.scheduleBar();
    }, this.opts.progressStepMs);
  }

  private emitUi(): void {
    this.deps.onUi?.(this.ui());
  }

  private cancel(name: 'settleTimer' | 'longTimer' | 'barTimer' | 'confirmTimer'): void {
    if (this[name] !== null) this.clock.clearTimeout(this[name]);
    this[name] = null;
  }
}
