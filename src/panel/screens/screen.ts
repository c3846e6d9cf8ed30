// What every screen module provides, and the small helpers they share.
// Screens read the model defensively: a partial model (a source that never answered, a field an old master
// leaves out) must draw placeholders, never throw.
import type { Canvas } from '../canvas';
import type { CharGrid } from '../chargrid';
import type { Geometry } from '../frame';
import type { PanelModel } from '../model';
import type { AgentSummary, ClusterSnapshot, ResourceUse } from '../../mesos/snapshot';
import type { Font } from '../font';
import { cutEnd, fitName } from '../format';

export interface ScreenContext {
  model: PanelModel;
  /** Page of a paged screen (agents, frameworks), already reduced to 0..pages-1. */
  page: number;
  /** Text of the `message` screen; lines split on "\n". */
  message: string;
  /** The program's version, for the boot screen. */
  version: string;
}

export interface Screen {
  pixels(c: Canvas, ctx: ScreenContext): void;
  chars(g: CharGrid, ctx: ScreenContext): void;
  /** How many pages the screen needs at this geometry; 1 when absent. */
  pages?(model: PanelModel, geometry: Geometry): number;
  /**
   * What the screen draws that changes while the model's objects stay the same (render.ts frameInputs): the time,
   * at the resolution the screen shows it, and anything the daemon makes anew at every tick. Two calls that return
   * the same value (Object.is) must draw the same frame. Absent: the screen draws nothing of the kind.
   */
  varying?(model: PanelModel, page: number, geometry: Geometry): unknown;
}

export function snapshotOf(model: PanelModel): ClusterSnapshot | null {
  return model?.snapshot ?? null;
}

export function resource(s: ClusterSnapshot | null, name: 'cpus' | 'mem' | 'disk'): Partial<ResourceUse> {
  return s?.[name] ?? {};
}

export function agentList(model: PanelModel): AgentSummary[] {
  const list = snapshotOf(model)?.agentList;
  return Array.isArray(list) ? list : [];
}

/** "3/4": active agents of all agents the master lists (inactive ones included, unreachable ones apart). */
export function agentsText(s: ClusterSnapshot | null): string {
  const a = s?.agents;
  if (!a || !Number.isFinite(a.active)) return '?/?';
  return `${a.active}/${a.active + (Number.isFinite(a.inactive) ? a.inactive : 0)}`;
}

export function runningTasks(s: ClusterSnapshot | null): number | null {
  if (!s?.tasks) return null;
  return s.tasks.TASK_RUNNING ?? 0;
}

/** host of a "host:port" or URL; the port is almost always 5050, so small displays drop it. */
export function hostOnly(endpoint: string | null | undefined): string {
  if (!endpoint) return '?';
  const noScheme = endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(noScheme) ?? /^([^:]+)(?::\d+)?$/.exec(noScheme);
  return m ? m[1] : noScheme;
}

/**
 * The leader in `width` characters: its host, with the port only when it is not Mesos' 5050 (masters sharing a
 * host differ by port alone), an address keeping its last digits.
 */
export function leaderText(endpoint: string | null | undefined, width: number): string {
  const host = hostOnly(endpoint);
  const port = /:(\d+)$/.exec(endpoint?.replace(/\/.*$/, '').replace(/^[a-z]+:\/\//i, '') ?? '')?.[1];
  const text = port && port !== '5050' && !host.includes(':') ? `${host}:${port}` : host;
  return fitName(text, width);
}

/** The short name of an agent: its first DNS label, unless it is an IP address. */
export function shortHost(host: string | null | undefined): string {
  if (!host) return '?';
  return /^[\d.]+$/.test(host) || host.includes(':') ? host : host.split('.')[0];
}

/**
 * Word-wraps text to lines of at most `width` units (characters, or pixels of `font`), breaking long words,
 * and cuts to maxLines with "…" on the last line when it does not all fit.
 */
export function wrap(text: string, width: number, maxLines: number, font?: Font): string[] {
  const measure = (s: string): number => (font ? font.width(s) : [...s].length);
  const lines: string[] = [];
  let cur = '';
  const push = (): void => {
    lines.push(cur);
    cur = '';
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    const joined = cur ? `${cur} ${w}` : w;
    if (measure(joined) <= width) {
      cur = joined;
      continue;
    }
    if (cur) push();
    while (measure(w) > width) {
      let n = [...w].length - 1;
      while (n > 1 && measure([...w].slice(0, n).join('')) > width) n--;
      cur = [...w].slice(0, n).join('');
      push();
      w = [...w].slice(n).join('');
    }
    cur = w;
  }
  if (cur) push();
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    let last = kept[maxLines - 1];
    while (last && measure(`${last}…`) > width) last = [...last].slice(0, -1).join('');
    kept[maxLines - 1] = `${last}…`;
    return kept;
  }
  return lines;
}

/** Pads or cuts a string to exactly n characters (for LCD columns), marking a cut with CUT. */
export function cell(text: string, n: number, align: 'left' | 'right' = 'left'): string {
  const chars = [...text];
  if (chars.length > n) return cutEnd(text, n);
  const pad = ' '.repeat(n - chars.length);
  return align === 'left' ? text + pad : pad + text;
}

/** Lines per page and page count for a list screen. */
export function pageCount(items: number, perPage: number): number {
  return Math.max(1, Math.ceil(items / Math.max(1, perPage)));
}
