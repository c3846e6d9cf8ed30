// Burn-in and power policy as a pure function of time: OLEDs swim a few pixels every minute (as PiKVM's
// kvmd-oled does), dim and then blank when nothing worth seeing changes and nobody presses the button, and may
// sleep through night hours; LCDs only switch their backlight off. A button press always wakes the glass.
import type { CycleEntry } from './cycle';
import type { PanelModel } from './model';
import { SHIFT_MARGIN } from './render';

export type PowerLevel = 'normal' | 'dim' | 'off';

export interface PowerPolicy {
  kind: 'oled' | 'lcd';
  /** Move the image every this many ms (OLED). 0 turns shifting off. */
  shiftEveryMs: number;
  /** Dim after this long with no press and no change worth seeing (OLED); null = never. */
  dimAfterMs: number | null;
  /** Blank (OLED) or backlight off (LCD) after this long; null = never. */
  offAfterMs: number | null;
  /** Local-time window such as "22:00-07:00" in which the glass stays off unless woken; null = none. */
  nightHours: string | null;
  /** How long a press wakes the glass during night hours. */
  nightWakeMs: number;
}

export const DEFAULT_POWER_POLICY: PowerPolicy = {
  kind: 'oled',
  shiftEveryMs: 60_000,
  dimAfterMs: 10 * 60_000,
  offAfterMs: 60 * 60_000,
  nightHours: null,
  nightWakeMs: 60_000,
};

/** The burn-in settings as the config holds them (burnIn), in minutes and seconds. */
export interface BurnInSettings {
  shiftEverySeconds: number;
  /** 0 = never. */
  dimAfterMinutes: number;
  /** 0 = never. */
  blankAfterMinutes: number;
  nightHours: string | null;
}

/** The policy for a display of this kind, from the configured burn-in settings. */
export function powerPolicy(b: BurnInSettings, kind: PowerPolicy['kind']): PowerPolicy {
  return {
    kind,
    shiftEveryMs: b.shiftEverySeconds * 1000,
    dimAfterMs: b.dimAfterMinutes > 0 ? b.dimAfterMinutes * 60_000 : null,
    offAfterMs: b.blankAfterMinutes > 0 ? b.blankAfterMinutes * 60_000 : null,
    nightHours: b.nightHours,
    nightWakeMs: 5 * 60_000,
  };
}

/** What counts as a change worth waking the glass for: the master coming or going, agents, π digits. */
export function changeSignature(model: PanelModel, entry: CycleEntry): string {
  const s = model.snapshot;
  return [entry.screen, model.source.ok, s?.leader, s?.agents.active, s?.agents.inactive, model.pi?.state, model.pi?.correctedDigits].join('|');
}

export interface PowerInput {
  now: number;
  /** ms since epoch of the last button press, or null if never. */
  lastPress: number | null;
  /** ms since epoch of the last change worth seeing (new π digits, master lost, a screen change), or null. */
  lastChange: number | null;
  /** Minutes since local midnight at `now`; defaults to the system time zone. Injected for tests. */
  localMinutes?: (now: number) => number;
}

export interface PowerState {
  offset: { x: number; y: number };
  level: PowerLevel;
}

/** Parses "HH:MM-HH:MM" into minutes since midnight. Throws a one-line error naming the bad value. */
export function parseNightHours(text: string): { start: number; end: number } {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const mins = m ? [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])] : null;
  if (!m || !mins || Number(m[1]) > 23 || Number(m[3]) > 23 || Number(m[2]) > 59 || Number(m[4]) > 59 || mins[0] === mins[1]) {
    throw new Error(`night hours "${text}" is not a window like "22:00-07:00" (24-hour local time, start differs from end)`);
  }
  return { start: mins[0], end: mins[1] };
}

export function inWindow(minutes: number, w: { start: number; end: number }): boolean {
  return w.start < w.end ? minutes >= w.start && minutes < w.end : minutes >= w.start || minutes < w.end;
}

/**
 * The swim path: a serpentine over every offset within SHIFT_MARGIN, so each step moves one pixel and every
 * pixel spends equal time at each position.
 */
export const SHIFT_PATH: ReadonlyArray<{ x: number; y: number }> = (() => {
  const path: { x: number; y: number }[] = [];
  for (let y = -SHIFT_MARGIN.y; y <= SHIFT_MARGIN.y; y++) {
    const xs: number[] = [];
    for (let x = -SHIFT_MARGIN.x; x <= SHIFT_MARGIN.x; x++) xs.push(x);
    if ((y + SHIFT_MARGIN.y) % 2 === 1) xs.reverse();
    for (const x of xs) path.push({ x, y });
  }
  return path;
})();

const localMinutesOf = (now: number): number => {
  const d = new Date(now);
  return d.getHours() * 60 + d.getMinutes();
};

export function powerState(policy: PowerPolicy, input: PowerInput): PowerState {
  const { now } = input;
  const offset =
    policy.kind === 'oled' && policy.shiftEveryMs > 0 ? SHIFT_PATH[Math.floor(now / policy.shiftEveryMs) % SHIFT_PATH.length] : { x: 0, y: 0 };
  const sincePress = input.lastPress === null ? Infinity : now - input.lastPress;
  const lastActivity = Math.max(input.lastPress ?? -Infinity, input.lastChange ?? -Infinity);
  // With no press and no change recorded yet the daemon has only just started: not idle.
  const idle = Number.isFinite(lastActivity) ? now - lastActivity : 0;

  if (policy.nightHours) {
    const minutes = (input.localMinutes ?? localMinutesOf)(now);
    if (inWindow(minutes, parseNightHours(policy.nightHours)) && !(sincePress < policy.nightWakeMs)) return { offset, level: 'off' };
  }
  if (policy.offAfterMs !== null && idle >= policy.offAfterMs) return { offset, level: 'off' };
  // An LCD backlight behind a PCF8574 is on or off; there is no dim.
  if (policy.kind === 'oled' && policy.dimAfterMs !== null && idle >= policy.dimAfterMs) return { offset, level: 'dim' };
  return { offset, level: 'normal' };
}
