// PanelModel + screen name + geometry → Frame. Pure: no I/O beyond the fonts, which are read once and cached.
//
// Pixel screens lay out in the frame minus a margin of SHIFT_MARGIN on each side; the burn-in offset moves
// that area around inside the frame without clipping anything a screen drew.
import { Canvas } from './canvas';
import { CharGrid } from './chargrid';
import { fonts } from './font';
import type { Frame, Geometry } from './frame';
import type { PanelModel } from './model';
import { agents } from './screens/agents';
import { attention } from './screens/attention';
import { frameworks } from './screens/frameworks';
import { boot } from './screens/boot';
import { message } from './screens/message';
import { host } from './screens/host';
import { overview } from './screens/overview';
import { pi } from './screens/pi';
import { wrap, type Screen, type ScreenContext } from './screens/screen';
import { unreachable } from './screens/unreachable';
import { SQUARE_HEIGHT, SQUARE_LAYOUTS, type PixelLayout } from './screens/square';

export const SCREEN_NAMES = ['overview', 'agents', 'frameworks', 'host', 'unreachable', 'pi', 'boot', 'message', 'attention'] as const;
export type ScreenName = (typeof SCREEN_NAMES)[number];

const SCREENS: Record<ScreenName, Screen> = { overview, agents, frameworks, host, unreachable, pi, boot, message, attention };

/** The largest burn-in shift in each direction, in pixels; burnin.ts stays within it. */
export const SHIFT_MARGIN = { x: 2, y: 1 } as const;

export interface RenderOpts {
  /** Page of a paged screen; wraps around, so any integer is valid. */
  page?: number;
  /** Burn-in shift for pixel displays, each component within ±SHIFT_MARGIN (clamped). */
  offset?: { x: number; y: number };
  /** Text for the `message` screen ("halted", "rebooting"); "\n" separates lines. */
  message?: string;
  /** Version shown on the boot screen. */
  version?: string;
}

export function isScreenName(name: string): name is ScreenName {
  return (SCREEN_NAMES as readonly string[]).includes(name);
}

/** How many pages a screen has at this geometry (agents and frameworks page when they do not fit). */
export function pagesOf(name: ScreenName, model: PanelModel, geometry: Geometry): number {
  return SCREENS[name].pages?.(model, geometry) ?? 1;
}

function screenOf(name: ScreenName): Screen {
  const screen = SCREENS[name];
  if (!screen) throw new Error(`unknown screen "${name}"; use one of ${SCREEN_NAMES.join(', ')}`);
  return screen;
}

/** The page drawn: opts.page wrapped into the screen's pages. */
function pageIn(name: ScreenName, model: PanelModel, geometry: Geometry, page = 0): number {
  const pages = pagesOf(name, model, geometry);
  return ((page % pages) + pages) % pages;
}

/**
 * Everything renderScreen(name, model, geometry, opts) reads, for a caller to compare element by element
 * (Object.is): where two lists are the same, so are the frames, and a loop drawing several times a second can skip
 * the drawing. The objects a source replaces when they change (the snapshot, the history, the host's figures, the
 * notices) stand for their contents; the source's status, made anew by some sources at every call, by the fields
 * screens show; the time (the outage's included) and the π view by each screen's own account (Screen.varying).
 */
export function frameInputs(name: ScreenName, model: PanelModel, geometry: Geometry, opts: RenderOpts = {}): unknown[] {
  const screen = screenOf(name);
  const page = pageIn(name, model, geometry, opts.page);
  const source = model?.source;
  return [
    name,
    page,
    geometry,
    opts.offset?.x,
    opts.offset?.y,
    opts.message,
    opts.version,
    model?.ui?.holdProgress,
    model?.ui?.banner,
    model?.snapshot,
    model?.host,
    model?.attention,
    model?.history,
    source?.master,
    source?.lastError,
    source?.via,
    screen.varying?.(model, page, geometry),
  ];
}

/** Whether two frameInputs lists are the same, and so draw the same frame. */
export function sameInputs(a: readonly unknown[] | null, b: readonly unknown[]): boolean {
  return a !== null && a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

export function renderScreen(name: ScreenName, model: PanelModel, geometry: Geometry, opts: RenderOpts = {}): Frame {
  const screen = screenOf(name);
  const ctx: ScreenContext = {
    model,
    page: pageIn(name, model, geometry, opts.page),
    message: opts.message ?? '',
    version: opts.version ?? '?',
  };
  if (geometry.kind === 'chars') {
    const g = new CharGrid(geometry.cols, geometry.rows);
    screen.chars(g, ctx);
    overlayChars(g, model);
    return { kind: 'chars', grid: g.toFrame() };
  }
  const clampTo = (v: number | undefined, m: number): number => Math.max(-m, Math.min(m, Math.round(v ?? 0)));
  const ox = clampTo(opts.offset?.x, SHIFT_MARGIN.x);
  const oy = clampTo(opts.offset?.y, SHIFT_MARGIN.y);
  const c = new Canvas(geometry.width, geometry.height, {
    x: SHIFT_MARGIN.x + ox,
    y: SHIFT_MARGIN.y + oy,
    width: geometry.width - 2 * SHIFT_MARGIN.x,
    height: geometry.height - 2 * SHIFT_MARGIN.y,
  });
  const square: PixelLayout | undefined = c.height >= SQUARE_HEIGHT ? SQUARE_LAYOUTS[name as keyof typeof SQUARE_LAYOUTS] : undefined;
  (square ?? screen.pixels)(c, ctx);
  overlayPixels(c, model);
  return { kind: 'pixels', bitmap: c.toBitmap() };
}

function holdOf(model: PanelModel): number | null {
  const h = model?.ui?.holdProgress;
  return typeof h === 'number' && Number.isFinite(h) ? Math.max(0, Math.min(1, h)) : null;
}

/**
 * The banner replaces the screen with a bordered box (text half hidden behind a box only confuses at a glance);
 * the hold bar fills along the bottom edge.
 */
function overlayPixels(c: Canvas, model: PanelModel): void {
  const banner = model?.ui?.banner;
  if (banner) {
    const { small, medium } = fonts();
    // Medium when it fits (two lines on a tall display), else small on two lines.
    const font = c.height >= 48 || medium.width(banner) <= c.width - 8 ? medium : small;
    const lines = wrap(banner, c.width - 8, 2, font);
    const h = lines.length * font.lineHeight + 5;
    const y = c.height >= 48 ? Math.floor((c.height - 9 - h) / 2) : 0;
    c.fill(0, 0, c.width, c.height, 0);
    c.rect(0, y, c.width, h);
    lines.forEach((l, i) => c.text(Math.floor(c.width / 2), y + 3 + i * font.lineHeight, l, font, { align: 'center' }));
  }
  const hold = holdOf(model);
  if (hold !== null) {
    const h = c.height >= 48 ? 7 : 5;
    c.fill(0, c.height - h - 1, c.width, h + 1, 0);
    c.bar(0, c.height - h, c.width, h, hold);
  }
}

function overlayChars(g: CharGrid, model: PanelModel): void {
  const banner = model?.ui?.banner;
  if (banner) {
    const first = g.rows >= 4 ? 1 : 0;
    const lines = wrap(banner, g.cols, g.rows >= 4 ? 2 : g.rows, undefined);
    for (let r = first; r < first + Math.max(lines.length, g.rows >= 4 ? 2 : 1); r++) g.clearRow(r);
    lines.forEach((l, i) => g.putCenter(first + i, l));
  }
  const hold = holdOf(model);
  if (hold !== null) {
    const row = g.rows - 1;
    g.clearRow(row);
    const label = 'HOLD ';
    g.put(0, row, label);
    g.bar(label.length, row, g.cols - label.length, hold);
  }
}

