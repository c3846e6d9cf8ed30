// Every screen, drawn by the panel, goes through each real driver onto its emulated device; what the emulated
// glass shows must be the frame, pixel for pixel or character for character (issue 4, "Done when").
import { geometryOf, type Frame, type SizeName } from '../../src/panel/frame';
import { renderScreen, SCREEN_NAMES } from '../../src/panel/render';
import { renderThroughEmulator } from '../../src/sim/i2c/render-through';
import { DISPLAY_KIND_NAMES, DISPLAY_KINDS, type DisplayKindName } from '../../src/hw/display-kinds';
import { fullModel } from '../panel/fixture-model';

function frameText(frame: Frame): string {
  if (frame.kind === 'chars') return frame.grid.lines.join('\n');
  const { width, height, pixels } = frame.bitmap;
  const rows: string[] = [];
  for (let y = 0; y < height; y++) {
    let row = '';
    for (let x = 0; x < width; x++) row += pixels[y * width + x] ? '#' : '.';
    rows.push(row);
  }
  return rows.join('\n');
}

// Every kind in every size it comes in: a kind added to the registry is tested here without a line more.
const CASES: { kind: DisplayKindName; size: SizeName }[] = DISPLAY_KIND_NAMES.flatMap((kind) => DISPLAY_KINDS[kind].sizes.map((size) => ({ kind, size })));

describe.each(CASES)('$kind $size', ({ kind, size }) => {
  it.each(SCREEN_NAMES.map((s) => [s]))('%s on the glass equals the drawn frame', async (screen) => {
    const model = fullModel({ ui: { holdProgress: screen === 'pi' ? 0.5 : null, banner: null } });
    const frame = renderScreen(screen, model, geometryOf(size), { message: 'halted', version: '1.0.0' });
    const glass = await renderThroughEmulator(frame, { kind, size });
    // The LCD model names ROM A00 codes back as the characters the panel drew (π is 0xF7, ° is 0xDF).
    expect(glass.glassText.replace(/\n$/, '')).toBe(frameText(frame));
  });
});
