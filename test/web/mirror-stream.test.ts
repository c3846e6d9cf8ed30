// The mirror's event stream over real loopback HTTP: a new browser gets the whole raster, later frames only
// their changed rows, a level change only the palette, and the rows decode to exactly what `render` draws.
import { PNG } from 'pngjs';
import { frameToPng, paletteOf, raster } from '../../src/hw/png';
import { geometryOf, type Frame } from '../../src/panel/frame';
import { renderScreen } from '../../src/panel/render';
import { fullModel, RUNNING_PI } from '../panel/fixture-model';
import { readEvents, startWebRig, waitFor, type SseReader, type WebRig } from './harness';

/** The page's decoding (src/web/page/mirror.js), redone here to check what the stream carries. */
function decode(events: Record<string, unknown>[]): { w: number; h: number; values: Uint8Array; pal: number[][] } {
  let w = 0, h = 0, bpp = 1, pal: number[][] = [];
  let values = new Uint8Array(0);
  for (const m of events) {
    if (m.w) {
      w = m.w as number;
      h = m.h as number;
      bpp = m.bpp as number;
      values = new Uint8Array(w * h);
    }
    if (m.pal) pal = m.pal as number[][];
    for (const [y0, b64] of (m.rows as [number, string][] | undefined) ?? []) {
      const bytes = Buffer.from(b64, 'base64');
      const rowBytes = Math.ceil((w * bpp) / 8);
      const perByte = 8 / bpp;
      for (let r = 0; r * rowBytes < bytes.length; r++) {
        for (let x = 0; x < w; x++) {
          const v = (bytes[r * rowBytes + Math.floor(x / perByte)] >> (8 - bpp * (1 + (x % perByte)))) & ((1 << bpp) - 1);
          values[(y0 + r) * w + x] = bpp === 1 ? v * 2 : v;
        }
      }
    }
  }
  return { w, h, values, pal };
}

/** RGB of the decoded stream, as a PNG's pixels are. */
function rgb(d: ReturnType<typeof decode>): Buffer {
  const out = Buffer.alloc(d.w * d.h * 4);
  d.values.forEach((v, i) => {
    const c = d.pal[v];
    out.set([c[0], c[1], c[2], 255], 4 * i);
  });
  return out;
}

const pngPixels = (frame: Frame, level: 'normal' | 'dim' | 'off' = 'normal'): Buffer => PNG.sync.read(frameToPng(frame, 1, level)).data;

describe('mirror stream', () => {
  let rig: WebRig;
  let reader: SseReader | undefined;
  afterEach(async () => {
    reader?.close();
    await rig.close();
  });

  test.each(['128x64', '128x32', '20x4', '16x2'] as const)('%s: the stream decodes to the pixels render draws, at every level', async (size) => {
    const geometry = geometryOf(size);
    rig = await startWebRig(geometry);
    const model = fullModel();
    const first = renderScreen('overview', model, geometry);
    rig.display.show(first);
    reader = await readEvents(`${rig.url}/events`);
    await waitFor('the first frame', () => reader!.events.length === 1);
    expect(rgb(decode(reader.events))).toEqual(pngPixels(first));
    const second = renderScreen('pi', model, geometry);
    rig.display.show(second);
    await waitFor('the second frame', () => reader!.events.length === 2);
    expect(reader.events[1].w).toBeUndefined();
    expect(rgb(decode(reader.events))).toEqual(pngPixels(second));
    expect(rig.inner.last).toBe(second);
    for (const level of ['dim', 'off', 'normal'] as const) {
      const n = reader.events.length;
      rig.display.setLevel(level);
      await waitFor(`level ${level}`, () => reader!.events.length === n + 1);
      expect(reader.events[n]).toEqual({ pal: paletteOf(second.kind, level), level, seq: expect.any(Number) });
      expect(rgb(decode(reader.events))).toEqual(pngPixels(second, level));
      expect(rig.inner.level).toBe(level);
    }
  });

  test('a π-screen update at 128x64 sends only the changed rows, well under a whole frame', async () => {
    const geometry = geometryOf('128x64');
    rig = await startWebRig(geometry);
    const before = renderScreen('pi', fullModel(), geometry);
    rig.display.show(before);
    reader = await readEvents(`${rig.url}/events`);
    await waitFor('the first frame', () => reader!.events.length === 1);
    const after = renderScreen('pi', fullModel({ pi: { ...RUNNING_PI, termsDone: RUNNING_PI.termsDone + 2.5e9, elapsedSeconds: 102, etaSeconds: 708 } }), geometry);
    const sent = reader.bytes;
    rig.display.show(after);
    await waitFor('the update', () => reader!.events.length === 2);
    const rows = reader.events[1].rows as [number, string][];
    const changed = raster(before).data.some((v, i) => v !== raster(after).data[i]);
    expect(changed).toBe(true);
    expect(rows.length).toBeGreaterThan(0);
    expect(reader.bytes - sent).toBeLessThan(1200);
    expect(rgb(decode(reader.events))).toEqual(pngPixels(after));
  });

  test('a frame equal to the last sends nothing', async () => {
    const geometry = geometryOf('20x4');
    rig = await startWebRig(geometry);
    const frame = renderScreen('overview', fullModel(), geometry);
    rig.display.show(frame);
    reader = await readEvents(`${rig.url}/events`);
    await waitFor('the first frame', () => reader!.events.length === 1);
    rig.display.show(renderScreen('overview', fullModel(), geometry));
    rig.display.show(renderScreen('host', fullModel(), geometry));
    await waitFor('the host screen', () => reader!.events.length === 2);
    expect(reader.events).toHaveLength(2);
  });
});
