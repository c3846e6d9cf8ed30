// Numbers formatted for a glance from across a room: few digits, units that fit, "?" for anything unknown.
import { CUT } from './chargrid';

export const UNKNOWN = '?';

function known(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** 0.25 → "0.25", 3.5 → "3.5", 12 → "12", 123.4 → "123", 12345 → "12k". Below 10 one decimal, dropping ".0". */
export function num(n: number | null | undefined): string {
  if (!known(n)) return UNKNOWN;
  const a = Math.abs(n);
  if (a >= 9999.5) return si(n, '');
  if (a >= 99.95) return String(Math.round(n));
  if (a >= 9.95) return String(Math.round(n));
  if (a > 0 && a < 0.95) return trim(n.toFixed(2));
  return trim(n.toFixed(1));
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** "3.5/12" */
export function pair(used: number | null | undefined, total: number | null | undefined): string {
  return `${num(used)}/${num(total)}`;
}

/** "3.5/12 CPU" */
export function cpus(used: number | null | undefined, total: number | null | undefined): string {
  return `${pair(used, total)} CPU`;
}

const MB_UNITS = ['MB', 'GB', 'TB', 'PB'];

/** The unit a megabyte quantity reads best in: the largest where the total is at least 1 (Mesos MB are MiB). */
export function mbUnit(totalMb: number | null | undefined): { unit: string; div: number } {
  let i = 0;
  if (known(totalMb)) while (i < MB_UNITS.length - 1 && Math.abs(totalMb) >= 1024 ** (i + 1)) i++;
  return { unit: MB_UNITS[i], div: 1024 ** i };
}

/** "1.2/7.6 GB": both sides in the total's unit, mem and disk arrive in MB. */
export function bytesPair(usedMb: number | null | undefined, totalMb: number | null | undefined, space = true): string {
  const { unit, div } = mbUnit(totalMb);
  const u = known(usedMb) ? usedMb / div : null;
  const t = known(totalMb) ? totalMb / div : null;
  return `${num(u)}/${num(t)}${space ? ' ' : ''}${space ? unit : unit[0]}`;
}

/** "3d 4h", "4h 05m", "12m 05s", "45s"; negative or unknown → "?". */
export function duration(seconds: number | null | undefined): string {
  if (!known(seconds) || seconds < 0) return UNKNOWN;
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${pad2(m)}m`;
  if (m > 0) return `${m}m ${pad2(sec)}s`;
  return `${sec}s`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Time since `then` at `now`, both ms since epoch: "12m 05s". */
export function age(now: number | null | undefined, then: number | null | undefined): string {
  if (!known(now) || !known(then)) return UNKNOWN;
  return duration(Math.max(0, now - then) / 1000);
}

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234 → "1.2k", 5e8 → "500M", 1e15 → "1P": at most 3 significant digits. */
export function si(n: number | null | undefined, unit = ''): string {
  if (!known(n)) return UNKNOWN;
  let i = 0;
  let v = Math.abs(n);
  while (v >= 999.5 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v >= 99.5 || i === 0 ? Math.round(v).toString() : v >= 9.95 ? Math.round(v).toString() : trim(v.toFixed(1));
  return `${n < 0 ? '-' : ''}${digits}${SI[i]}${unit}`;
}

/** "1.2 G/s": an SI rate per second. */
export function rate(perSecond: number | null | undefined): string {
  if (!known(perSecond)) return `${UNKNOWN}/s`;
  return `${si(perSecond)} /s`.replace(/(\d)([kMGTPE]) \/s$/, '$1 $2/s');
}

/** "42%" from a fraction; unknown → "?%". */
export function percent(frac: number | null | undefined): string {
  return known(frac) ? `${Math.round(frac * 100)}%` : `${UNKNOWN}%`;
}

/** "48.3°C", or "?" when there is no thermal zone. */
export function celsius(c: number | null | undefined): string {
  return known(c) ? `${c.toFixed(1)}°C` : UNKNOWN;
}

/** A load average: "0.42", "1.5", "12". */
export function load(n: number | null | undefined): string {
  if (!known(n)) return UNKNOWN;
  return n < 10 ? n.toFixed(2).replace(/(\.\d)0$/, '$1') : String(Math.round(n));
}

/** The fraction used/total, or null when it is meaningless (no total). */
export function fraction(part: number | null | undefined, total: number | null | undefined): number | null {
  return known(part) && known(total) && total > 0 ? part / total : null;
}

/** "1.2 GB" (or "1.2G" compact) from MB. */
export function bytes(mb: number | null | undefined, space = true): string {
  const { unit, div } = mbUnit(mb);
  return `${num(known(mb) ? mb / div : null)}${space ? ' ' : ''}${space ? unit : unit[0]}`;
}

/** An IP address (v4, or v6 with its colons), whose distinguishing part is its end. */
function isAddress(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}

/** Text cut to `width` characters with CUT at the end when it is longer. */
export function cutEnd(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? '' : chars.slice(0, width - 1).join('') + CUT;
}

/** Text cut to `width` characters keeping its end after CUT, from a separator on when there is one ("…0.15"). */
export function cutStart(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  const tail = chars.slice(chars.length - (width - 1)).join('');
  const whole = /[.:-]$/.test(chars[chars.length - width]) ? tail : tail.replace(/^[^.:-]*[.:-](?=.)/, '');
  return CUT + whole.replace(/^[.:-]+(?=.)/, '');
}

/** A host name or address in `width` characters: an address keeps its last digits, a name its first letters. */
export function fitName(name: string, width: number): string {
  return isAddress(name) ? cutStart(name, width) : cutEnd(name, width);
}

/**
 * Names listed together, each in `width` characters, told apart: when one does not fit, the start they all share
 * (up to a ".", "-" or ":") gives way to CUT, so "ip-172-31-7-100" and "ip-172-31-44-22" read "…7-100" and "…44-22".
 */
export function distinctNames(names: readonly string[], width: number): string[] {
  if (names.every((n) => [...n].length <= width)) return [...names];
  const shared = new Set(names).size > 1 ? sharedStart(names) : 0;
  return names.map((n) => {
    if ([...n].length <= width) return n;
    const rest = n.slice(shared);
    return shared > 0 && rest ? CUT + fitName(rest, width - 1).replace(new RegExp(`^${CUT}`), '') : fitName(n, width);
  });
}

/** Length of the start all names share, ending at a separator, so that no name loses part of a word or number. */
function sharedStart(names: readonly string[]): number {
  let n = 0;
  const first = names[0] ?? '';
  while (n < first.length && names.every((x) => x[n] === first[n])) n++;
  const common = first.slice(0, n);
  const sep = Math.max(common.lastIndexOf('.'), common.lastIndexOf('-'), common.lastIndexOf(':'));
  return sep + 1;
}
