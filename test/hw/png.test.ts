import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { frameToPng, imageSize, LCD_BACK, LCD_CELL, LCD_INK, OLED_LIT, PngDisplay } from '../../src/hw/png';
import { geometryOf, PARTIAL_CELLS, type Frame } from '../../src/panel/frame';
import { renderScreen } from '../../src/panel/render';
import { fullModel } from '../panel/fixture-model';

const rgb = (png: PNG, x: number, y: number): number[] => Array.from(png.data.slice((y * png.width + x) * 4, (y * png.width + x) * 4 + 3));

describe('frameToPng', () => {
  it('round-trips a pixel frame: one image pixel per display pixel, lit light on black', () => {
    const f = renderScreen('overview', fullModel(), geometryOf('128x64'));
    if (f.kind !== 'pixels') throw new Error('pixels expected');
    const png = PNG.sync.read(frameToPng(f));
    expect([png.width, png.height]).toEqual([128, 64]);
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 128; x++) expect(rgb(png, x, y)).toEqual(f.bitmap.pixels[y * 128 + x] ? [...OLED_LIT] : [0, 0, 0]);
    }
  });

  it('scales by whole pixels', () => {
    const f: Frame = { kind: 'pixels', bitmap: { width: 2, height: 1, pixels: Uint8Array.from([1, 0]) } };
    const png = PNG.sync.read(frameToPng(f, 4));
    expect([png.width, png.height]).toEqual([8, 4]);
    expect(rgb(png, 3, 3)).toEqual([...OLED_LIT]);
    expect(rgb(png, 4, 0)).toEqual([0, 0, 0]);
  });

  it('draws character frames as 5x8 LCD cells with a 1-pixel gap', () => {
    const f: Frame = { kind: 'chars', grid: { cols: 2, rows: 1, lines: [`${PARTIAL_CELLS[1]} `] } };
    const { width, height } = imageSize(f);
    const png = PNG.sync.read(frameToPng(f));
    expect([png.width, png.height]).toEqual([width, height]);
    expect([width, height]).toEqual([3 + 5 + 1 + 5 + 3, 3 + 8 + 3]);
    // A 2-column partial cell: columns 0-1 ink, 2-4 unlit cell, the gap and border backlight.
    for (let y = 3; y < 11; y++) {
      expect(rgb(png, 3, y)).toEqual([...LCD_INK]);
      expect(rgb(png, 4, y)).toEqual([...LCD_INK]);
      expect(rgb(png, 5, y)).toEqual([...LCD_CELL]);
      expect(rgb(png, 8, y)).toEqual([...LCD_BACK]);
      expect(rgb(png, 9, y)).toEqual([...LCD_CELL]);
    }
    expect(rgb(png, 0, 0)).toEqual([...LCD_BACK]);
  });

  it('draws glyphs from the small font into LCD cells', () => {
    const blank = PNG.sync.read(frameToPng({ kind: 'chars', grid: { cols: 1, rows: 1, lines: [' '] } }));
    const a = PNG.sync.read(frameToPng({ kind: 'chars', grid: { cols: 1, rows: 1, lines: ['A'] } }));
    let ink = 0;
    for (let y = 0; y < a.height; y++) for (let x = 0; x < a.width; x++) if (rgb(a, x, y).join() === LCD_INK.join()) ink++;
    expect(ink).toBeGreaterThan(8);
    expect(rgb(blank, 4, 5)).toEqual([...LCD_CELL]);
  });
});

describe('PngDisplay', () => {
  it('writes the newest frame atomically and leaves no temp files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'png-display-'));
    const file = path.join(dir, 'panel.png');
    const d = new PngDisplay(geometryOf('128x32'), { file, scale: 2 });
    const model = fullModel();
    d.show(renderScreen('host', model, geometryOf('128x32')));
    const last = renderScreen('overview', model, geometryOf('128x32'));
    d.show(renderScreen('pi', model, geometryOf('128x32')));
    d.show(last);
    await d.close('keep');
    expect(fs.readdirSync(dir)).toEqual(['panel.png']);
    expect(fs.readFileSync(file).equals(frameToPng(last, 2))).toBe(true);
    await d.close('blank');
    const png = PNG.sync.read(fs.readFileSync(file));
    expect(png.data.every((v, i) => i % 4 === 3 || v === 0)).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });

  it('reports a write failure in one line and keeps going', async () => {
    const errors: string[] = [];
    const d = new PngDisplay(geometryOf('16x2'), { file: '/nonexistent-dir/x.png', onError: (m) => errors.push(m) });
    d.show(renderScreen('host', fullModel(), geometryOf('16x2')));
    await d.close('keep');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^png display: cannot write \/nonexistent-dir\/x\.png \(ENOENT\); check the directory/);
  });

  it('warns once while writes keep failing, and again only after they worked in between', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'png-display-'));
    const file = path.join(dir, 'sub', 'panel.png');
    const said: string[] = [];
    const d = new PngDisplay(geometryOf('16x2'), { file, onError: (m) => said.push(m), onRecover: (m) => said.push(m) });
    const frames = (['host', 'overview', 'agents'] as const).map((s) => renderScreen(s, fullModel(), geometryOf('16x2')));
    const showEach = async () => {
      for (const f of frames) {
        d.show(f);
        await d.close('keep');
      }
    };
    await showEach();
    expect(said).toHaveLength(1);
    fs.mkdirSync(path.dirname(file));
    await showEach();
    expect(said).toEqual([expect.stringMatching(/cannot write .*ENOENT/), `png display: writing ${file} again`]);
    fs.rmSync(path.dirname(file), { recursive: true });
    await showEach();
    expect(said).toHaveLength(3);
    fs.rmSync(dir, { recursive: true });
  });
});
