// pi: the Leibniz job. Certified digits (corrected large, raw small), progress, speed, tasks, elapsed and ETA;
// how to start when idle; the reason when the framework cannot run. A job asked for by digits, once certified,
// has thousands: it shows how many (large) and the last ones that locked in (small, cut from the left).
import type { Canvas } from '../canvas';
import type { CharGrid } from '../chargrid';
import { fonts, type Font } from '../font';
import { duration, fraction, percent, rate, si } from '../format';
import type { PiView } from '../../pi/view';
import type { PanelModel } from '../model';
import { CUT } from '../chargrid';
import { cell, wrap, type Screen, type ScreenContext } from './screen';

interface PiText {
  state: PiView['state'] | 'none';
  problem: string | null;
  /** The large line: the corrected digits, or how many a digits job certified. */
  headline: string;
  /** The small line under it: the raw digits, or a digits job's latest digits. */
  detail: string;
  /** A digits job's latest certified decimals, which a narrow line shows from the right; null for other jobs. */
  latest: string | null;
  /** The raw sum's certified digits. */
  raw: string;
  progress: number | null;
  terms: string;
  rate: string;
  tasks: { running: string; finished: string; failed: string };
  elapsed: string;
  eta: string;
}

/** Digits are certified, so cutting them short is still correct; "…" says there are more. */
function digits(d: string | undefined): string {
  return typeof d === 'string' && d ? d : '?';
}

export function textOf(p: PiView | null | undefined): PiText {
  const t = p?.tasks;
  const certified = p?.digits?.phase === 'certified' ? p.digits : null;
  return {
    state: p?.state ?? 'none',
    problem: p?.problem ?? null,
    headline: certified ? `${certified.decimals} digits` : digits(p?.correctedDigits),
    detail: certified ? `${CUT}${certified.latest}` : `raw ${digits(p?.rawDigits)}`,
    latest: certified?.latest ?? null,
    raw: digits(p?.rawDigits),
    progress: fraction(p?.termsDone, p?.termsTotal),
    terms: `${si(p?.termsDone)}/${si(p?.termsTotal)}`,
    rate: rate(p?.termsPerSecond),
    tasks: { running: String(t?.running ?? '?'), finished: String(t?.finished ?? '?'), failed: String(t?.failed ?? '?') },
    elapsed: duration(p?.elapsedSeconds),
    eta: p?.state === 'done' ? 'done' : duration(p?.etaSeconds ?? null),
  };
}

/** How many leading characters of `text` fit in `width` pixels of `font`. */
export function fitChars(text: string, width: number, font: Font): number {
  let n = text.length;
  while (n > 0 && font.width(text.slice(0, n)) > width) n--;
  return n;
}

/** The last digits that fit `width` pixels after "…": the ones that locked in last are the ones worth showing. */
export function tailFit(latest: string, width: number, font: Font): string {
  let n = latest.length;
  while (n > 0 && font.width(`${CUT}${latest.slice(-n)}`) > width) n--;
  return `${CUT}${latest.slice(latest.length - n)}`;
}

/** The largest font in which the digits fit the width; the small one cuts them with "…". */
function digitFont(text: string, width: number, choices: Font[]): Font {
  return choices.find((f) => f.width(text) <= width) ?? choices[choices.length - 1];
}

export function pixelMessage(c: Canvas, title: string, body: string): void {
  const { small, medium } = fonts();
  c.text(0, 0, title, medium);
  const [top, step, lines] = c.height >= 48 ? [16, 9, 5] : [14, 8, 2];
  wrap(body, c.width, lines, small).forEach((l, i) => c.text(0, top + i * step, l, small));
}

function pixels(c: Canvas, { model }: ScreenContext): void {
  const { small, medium, large } = fonts();
  const p = textOf(model?.pi);
  if (p.state === 'none') return pixelMessage(c, 'π', 'The π job is not configured on this panel.');
  if (p.problem || p.state === 'error') return pixelMessage(c, 'π: problem', p.problem ?? 'the job stopped with an error');
  if (p.state === 'idle') {
    c.text(0, 0, 'π Leibniz', medium);
    c.text(c.width, 3, `${si(model?.pi?.termsTotal)} terms`, small, { align: 'right' });
    if (c.height >= 48) {
      c.text(Math.floor(c.width / 2), 20, 'hold button', medium, { align: 'center' });
      c.text(Math.floor(c.width / 2), 34, 'to start', medium, { align: 'center' });
      c.text(Math.floor(c.width / 2), 51, 'short press: next screen', small, { align: 'center' });
    } else {
      c.text(0, 17, 'hold button to start', small);
    }
    return;
  }
  const tall = c.height >= 48;
  const head = p.headline;
  const big = digitFont(head, c.width, tall ? [large, medium, small] : [medium, small]);
  const detail = p.latest === null ? p.detail : tailFit(p.latest, c.width, small);
  // Every certified digit is worth showing: on a tall display, digits too long for one line of the small font
  // take two lines, and the rows below close up to make room.
  const split = tall && big.width(head) > c.width ? fitChars(head, c.width, small) : head.length;
  c.text(0, 0, head.slice(0, split), big, { maxWidth: c.width });
  if (split < head.length) c.text(0, small.lineHeight + 1, head.slice(split), small, { maxWidth: c.width });
  if (tall) {
    const twoLines = split < head.length;
    const y = twoLines ? 2 * (small.lineHeight + 1) : big.lineHeight + 1;
    const row = twoLines ? small.lineHeight + 1 : 9;
    c.text(0, y, detail, small, { maxWidth: c.width });
    c.bar(0, y + row + 1, c.width, twoLines ? 5 : 7, p.progress);
    const y2 = y + row + (twoLines ? 7 : 10);
    c.text(0, y2, p.terms, small);
    c.text(Math.floor(c.width * 0.55), y2, p.rate, small, { align: 'center' });
    c.text(c.width, y2, p.state === 'done' ? 'done' : percent(p.progress), small, { align: 'right' });
    const t = p.tasks;
    c.text(0, y2 + row, `run ${t.running}  done ${t.finished}  fail ${t.failed}`, small, { maxWidth: c.width });
    c.text(0, y2 + 2 * row, p.elapsed, small);
    c.text(c.width, y2 + 2 * row, p.state === 'done' ? 'finished' : `ETA ${p.eta}`, small, { align: 'right' });
  } else if (p.latest !== null) {
    // A finished digits job: its latest digits where the bar was, the time it took below.
    c.text(0, 14, detail, small, { maxWidth: c.width });
    c.text(0, 22, p.elapsed, small);
    c.text(c.width, 22, `${p.tasks.running}r ${p.tasks.finished}ok ${p.tasks.failed}f`, small, { align: 'right' });
  } else {
    const barW = Math.floor(c.width * 0.45);
    c.bar(0, 15, barW, 6, p.progress);
    c.text(c.width, 14, `${p.state === 'done' ? 'done' : percent(p.progress)} ${p.rate}`, small, { align: 'right', maxWidth: c.width - barW - 3 });
    c.text(0, 22, p.state === 'done' ? p.elapsed : `ETA ${p.eta}`, small);
    c.text(c.width, 22, `${p.tasks.running}r ${p.tasks.finished}ok ${p.tasks.failed}f`, small, { align: 'right' });
  }
}

function chars(g: CharGrid, { model }: ScreenContext): void {
  const p = textOf(model?.pi);
  const wide = g.rows >= 4;
  if (p.state === 'none' || p.problem || p.state === 'error') {
    g.put(0, 0, p.state === 'none' ? 'π: off' : 'π: problem');
    const why = p.state === 'none' ? 'not configured' : (p.problem ?? 'job error');
    wrap(why, g.cols, g.rows - 1).forEach((l, i) => g.put(0, 1 + i, l));
    return;
  }
  if (p.state === 'idle') {
    g.put(0, 0, wide ? `π idle, ${si(model?.pi?.termsTotal)} terms` : 'π: hold button');
    if (wide) {
      g.put(0, 1, 'Hold the button');
      g.put(0, 2, 'to start');
    } else g.put(0, 1, 'to start');
    return;
  }
  g.put(0, 0, cell(p.latest === null ? `π${p.headline}` : `π ${p.headline}`, g.cols));
  const pct = p.state === 'done' ? 'done' : percent(p.progress);
  const eta = p.state === 'done' ? p.elapsed.replace(' ', '') : p.eta.replace(' ', '');
  // A digits job's latest digits, as many as the row holds after "…".
  const detail = p.latest === null ? cell(p.detail, g.cols) : `${CUT}${p.latest.slice(-(g.cols - 1))}`;
  if (!wide && p.latest !== null) {
    g.put(0, 1, detail);
    return;
  }
  if (wide) {
    g.put(0, 1, detail);
    const right = ` ${cell(pct, 4, 'right')} ${p.rate.replace(' ', '')}`;
    g.bar(0, 2, g.cols - right.length, p.progress);
    g.putRight(2, right);
    const left = `${p.tasks.running}r ${p.tasks.finished}ok ${p.tasks.failed}f`;
    const full = p.state === 'done' ? eta : `ETA ${eta}`;
    const end = left.length + 1 + full.length <= g.cols ? full : eta;
    g.put(0, 3, cell(left, g.cols - end.length - 1));
    g.putRight(3, end);
  } else {
    const right = ` ${cell(pct, 4, 'right')} ${eta}`;
    g.bar(0, 1, g.cols - right.length, p.progress);
    g.putRight(1, right);
  }
}

/** The π view: the daemon makes it anew at every tick, with the time elapsed and left in it. */
const varying = (model: PanelModel): unknown => JSON.stringify(model?.pi ?? null);

export const pi: Screen = { pixels, chars, varying };
