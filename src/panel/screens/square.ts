// Layouts for a square glass (128x128, the SH1107 modules), for the screens whose 128x64 layout would leave the
// lower half dark: larger type, a bar under each value instead of beside it, and room for what 64 rows cut short.
// The list screens (agents, frameworks) and the message already fill any height and need none.
import type { Canvas } from '../canvas';
import { fonts } from '../font';
import { percent, si } from '../format';
import { hostOf } from './host';
import { resourceRows, tasksAndHour } from './overview';
import { fitChars, pixelMessage, textOf } from './pi';
import { agentsText, hostOnly, snapshotOf, wrap, type ScreenContext } from './screen';
import { statusOf } from './unreachable';

/** The logical height from which a pixel screen counts as square and gets these layouts. */
export const SQUARE_HEIGHT = 96;

export type PixelLayout = (c: Canvas, ctx: ScreenContext) => void;

function overview(c: Canvas, { model }: ScreenContext): void {
  const { small, medium } = fonts();
  const s = snapshotOf(model);
  c.text(0, 0, s?.leader ?? '?', small, { maxWidth: c.width });
  const fw = s?.frameworks?.active;
  c.text(0, 10, `${agentsText(s)} agents`, small);
  c.text(c.width, 10, `${Number.isFinite(fw) ? fw : '?'} frameworks`, small, { align: 'right' });
  // Each resource: its label and value on one line, a full-width bar under it.
  resourceRows(s).forEach((r, i) => {
    const y = 22 + i * 31;
    c.text(0, y + 3, r.label, small);
    c.text(c.width, y, r.value, medium, { align: 'right' });
    c.bar(0, y + 15, c.width, 11, r.used, r.offered);
  });
  tasksAndHour(c, 116, model, null);
}

function host(c: Canvas, { model }: ScreenContext): void {
  const { small, medium } = fonts();
  const h = hostOf(model?.host);
  const name = wrap(h.name, c.width, 2, medium);
  name.forEach((l, i) => c.text(0, i * 14, l, medium));
  h.addrs.slice(0, 4).forEach((a, i) => c.text(0, name.length * 14 + 4 + i * 10, a, small, { maxWidth: c.width }));
  c.text(0, 78, 'up', small);
  c.text(c.width, 75, h.up, medium, { align: 'right' });
  c.text(0, 95, 'load', small);
  c.text(c.width, 92, h.load, medium, { align: 'right' });
  c.text(0, 112, 'temp', small);
  c.text(c.width, 109, h.temp, medium, { align: 'right' });
}

function boot(c: Canvas, { model, version }: ScreenContext): void {
  const { small, medium } = fonts();
  c.text(Math.floor(c.width / 2), 8, 'mesos-panel', medium, { align: 'center' });
  c.text(Math.floor(c.width / 2), 25, `v${version}`, small, { align: 'center' });
  (model?.host?.addresses ?? ['no address']).slice(0, 3).forEach((a, i) => c.text(0, 48 + i * 10, a, small, { maxWidth: c.width }));
  c.text(0, 92, 'waiting for master', small);
  c.text(0, 104, hostOnly(model?.source?.master), medium, { maxWidth: c.width });
}

function unreachable(c: Canvas, { model }: ScreenContext): void {
  const { small, medium } = fonts();
  const s = statusOf(model?.source, model?.now);
  c.text(0, 0, 'NO MASTER', medium);
  wrap(s.master, c.width, 2, small).forEach((l, i) => c.text(0, 16 + i * 9, l, small));
  wrap(s.error, c.width, 7, small).forEach((l, i) => c.text(0, 38 + i * 9, l, small));
  // How long it has been down, large at the foot, readable across the room.
  c.text(0, c.height - 13, 'down', small);
  c.text(c.width, c.height - 16, s.down, medium, { align: 'right' });
}

/** The π job: every certified digit in the large font over up to four lines, then the progress and the numbers. */
function pi(c: Canvas, { model }: ScreenContext): void {
  const { small, medium, large } = fonts();
  const p = textOf(model?.pi);
  if (p.state === 'none' || p.problem || p.state === 'error' || p.state === 'idle') {
    if (p.state !== 'idle') return pixelMessage(c, p.state === 'none' ? 'π' : 'π: problem', p.state === 'none' ? 'The π job is not configured on this panel.' : (p.problem ?? 'the job stopped with an error'));
    c.text(0, 0, 'π Leibniz', medium);
    c.text(0, 16, `${si(model?.pi?.termsTotal)} terms`, small);
    c.text(Math.floor(c.width / 2), 44, 'hold button', medium, { align: 'center' });
    c.text(Math.floor(c.width / 2), 60, 'to start', medium, { align: 'center' });
    c.text(Math.floor(c.width / 2), 100, 'short press: next screen', small, { align: 'center' });
    return;
  }
  let rest = p.corrected;
  for (let line = 0; line < 4 && rest; line++) {
    const n = line === 3 ? rest.length : fitChars(rest, c.width, large);
    c.text(0, line * large.lineHeight, rest.slice(0, n), large, { maxWidth: c.width });
    rest = rest.slice(n);
  }
  // The progress and the numbers sit at the foot, whatever the number of digit lines above them.
  const y = c.height - 52;
  c.text(0, y, `raw ${p.raw}`, small, { maxWidth: c.width });
  c.bar(0, y + 11, c.width, 9, p.progress);
  const y2 = y + 23;
  c.text(0, y2, p.terms, small);
  c.text(Math.floor(c.width * 0.55), y2, p.rate, small, { align: 'center' });
  c.text(c.width, y2, p.state === 'done' ? 'done' : percent(p.progress), small, { align: 'right' });
  c.text(0, y2 + 10, `run ${p.tasks.running}  done ${p.tasks.finished}  fail ${p.tasks.failed}`, small, { maxWidth: c.width });
  c.text(0, y2 + 20, p.elapsed, small);
  c.text(c.width, y2 + 20, p.state === 'done' ? 'finished' : `ETA ${p.eta}`, small, { align: 'right' });
}

export const SQUARE_LAYOUTS = { overview, host, boot, unreachable, pi } satisfies Record<string, PixelLayout>;
