// Which screen shows: a pure state machine over the model, driven by short presses and an optional timer.
//
// The cycle is overview → agents (one entry per page) → frameworks (per page) → pi → host → attention (per notice). The first slot
// ("main") shows `boot` until the first snapshot, `unreachable` while the master is down, else `overview`.
// Entries with nothing to show are skipped: agents and frameworks without a snapshot or with an empty list,
// pi when the model has no π job. The state remembers the slot and page, not an index, so the view stays put
// when the list changes under it (the master goes down, an agent joins).
import type { Geometry } from './frame';
import type { PanelModel } from './model';
import { pagesOf, type ScreenName } from './render';

export type Slot = 'main' | 'agents' | 'frameworks' | 'pi' | 'host' | 'attention';
export const SLOTS: readonly Slot[] = ['main', 'agents', 'frameworks', 'pi', 'host', 'attention'];

/** The slot each screen a user can enable (config screens.enabled) fills; overview stands for the whole main slot. */
export const SLOT_OF_SCREEN = {
  overview: 'main',
  agents: 'agents',
  frameworks: 'frameworks',
  pi: 'pi',
  host: 'host',
} as const satisfies Record<string, Slot>;

export interface CycleEntry {
  slot: Slot;
  screen: ScreenName;
  page: number;
}

export interface CycleState {
  slot: Slot;
  page: number;
  /** ms since epoch of the last change of screen, for auto-advance. */
  since: number;
}

export interface CycleOpts {
  /** Advance by itself after this many ms without a press; null or 0 = only on presses. */
  autoAdvanceMs?: number | null;
}

export function mainScreen(model: PanelModel): ScreenName {
  if (model?.source && model.source.ok === false && model.source.downSince != null) return 'unreachable';
  if (!model?.snapshot) return model?.source?.lastError ? 'unreachable' : 'boot';
  return 'overview';
}

/** The screens the cycle visits now, in order, with one entry per page of a paged screen. */
export function cycleEntries(model: PanelModel, geometry: Geometry): CycleEntry[] {
  const out: CycleEntry[] = [{ slot: 'main', screen: mainScreen(model), page: 0 }];
  const s = model?.snapshot;
  const paged = (slot: 'agents' | 'frameworks', list: unknown): void => {
    if (!Array.isArray(list) || list.length === 0) return;
    const n = pagesOf(slot, model, geometry);
    for (let page = 0; page < n; page++) out.push({ slot, screen: slot, page });
  };
  paged('agents', s?.agentList);
  paged('frameworks', s?.frameworkList);
  if (model?.pi) out.push({ slot: 'pi', screen: 'pi', page: 0 });
  out.push({ slot: 'host', screen: 'host', page: 0 });
  // The notices kept, one a page, last in the cycle: the button pages through them.
  const notices = Array.isArray(model?.attention) ? model.attention.length : 0;
  for (let page = 0; page < notices; page++) out.push({ slot: 'attention', screen: 'attention', page });
  return out;
}

/**
 * All that cycleEntries reads of the model, which a loop can keep its entries by: the main screen, the lengths of
 * the paged lists (their pages depend on nothing else), whether there is a π job, and the number of notices.
 */
export function entriesKey(model: PanelModel): string {
  const s = model?.snapshot;
  const length = (list: unknown): number => (Array.isArray(list) ? list.length : -1);
  const notices = Array.isArray(model?.attention) ? model.attention.length : 0;
  return `${mainScreen(model)} ${length(s?.agentList)} ${length(s?.frameworkList)} ${Boolean(model?.pi)} ${notices}`;
}

export function initialCycle(now: number): CycleState {
  return { slot: 'main', page: 0, since: now };
}

/** Index of the state's entry; when its entry has gone, the next one in cycle order that still exists. */
function indexOf(state: CycleState, entries: CycleEntry[]): number {
  const exact = entries.findIndex((e) => e.slot === state.slot && e.page === state.page);
  if (exact >= 0) return exact;
  const sameSlot = entries.findIndex((e) => e.slot === state.slot);
  if (sameSlot >= 0) {
    const pages = entries.filter((e) => e.slot === state.slot);
    return sameSlot + Math.min(state.page, pages.length - 1);
  }
  const order = SLOTS.indexOf(state.slot);
  const later = entries.findIndex((e) => SLOTS.indexOf(e.slot) > order);
  return later >= 0 ? later : 0;
}

/** The entry to draw now. */
export function currentEntry(state: CycleState, entries: CycleEntry[]): CycleEntry {
  return entries[indexOf(state, entries)] ?? { slot: 'main', screen: 'boot', page: 0 };
}

/** A short press: the next entry, wrapping around. */
export function nextScreen(state: CycleState, entries: CycleEntry[], now: number): CycleState {
  if (entries.length === 0) return { ...state, since: now };
  const exact = entries.some((e) => e.slot === state.slot && e.page === state.page);
  // When the current entry vanished, indexOf already points at its successor: show that, do not skip it.
  const i = exact ? (indexOf(state, entries) + 1) % entries.length : indexOf(state, entries);
  return { slot: entries[i].slot, page: entries[i].page, since: now };
}

/** Called on every tick: advances when auto-advance is on and its time has come. */
export function tickCycle(state: CycleState, entries: CycleEntry[], now: number, opts: CycleOpts = {}): CycleState {
  const every = opts.autoAdvanceMs ?? 0;
  if (!(every > 0) || now - state.since < every) return state;
  return nextScreen(state, entries, now);
}
