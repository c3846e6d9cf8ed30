// A square 128x128 glass (the SH1107 modules) gets its own layout where the 128x64 one would leave the lower half
// dark: what those screens show reaches the bottom rows, and the larger type says what the short layout abbreviates.
import type { Bitmap } from '../../src/panel/frame';
import { fonts } from '../../src/panel/font';
import { renderScreen } from '../../src/panel/render';
import { findText } from './bitmap-text';
import { fullModel, NOW, RUNNING_PI } from './fixture-model';

const SQUARE = { kind: 'pixels', width: 128, height: 128 } as const;

function draw(screen: 'overview' | 'host' | 'boot' | 'unreachable' | 'pi', model = fullModel()): Bitmap {
  const f = renderScreen(screen, model, SQUARE, { version: '1.0.0' });
  if (f.kind !== 'pixels') throw new Error('expected pixels');
  return f.bitmap;
}

const litBelow = (b: Bitmap, y0: number): number => b.pixels.slice(y0 * b.width).reduce((n, p) => n + p, 0);

describe('128x128 layouts', () => {
  it.each(['overview', 'host', 'boot', 'unreachable', 'pi'] as const)('%s uses the lower half of the glass', (screen) => {
    const model = fullModel({ source: { master: 'http://10.0.0.2:5050', ok: false, downSince: NOW - 125_000, lastError: 'connect ECONNREFUSED 10.0.0.2:5050' } });
    expect(litBelow(draw(screen, model), 96)).toBeGreaterThan(20);
  });

  it('overview gives each resource a full-width bar under its value, and counts frameworks in words', () => {
    const b = draw('overview');
    const { small } = fonts();
    expect(findText(b, 'frameworks', small)).not.toBeNull();
    // The CPU bar's outline spans the logical width (2-pixel burn-in margin on each side).
    const cpuLabel = findText(b, 'CPU', small)!;
    const barTop = cpuLabel.y + 12;
    const row = Array.from({ length: 128 }, (_, x) => b.pixels[barTop * 128 + x]);
    expect(row.slice(2, 126).every((p) => p === 1)).toBe(true);
  });

  it('pi shows every certified digit in the large font, over several lines', () => {
    const digits = '3.141592653589793238462643383279';
    const b = draw('pi', fullModel({ pi: { ...RUNNING_PI, correctedDigits: digits } }));
    const { large } = fonts();
    expect(findText(b, '3.141592653', large)).not.toBeNull();
    expect(findText(b, '3279', large)).not.toBeNull();
  });
});
