import { Canvas, fit } from '../../src/panel/canvas';
import { CharGrid, toA00, FULL_CELL } from '../../src/panel/chargrid';
import { fonts } from '../../src/panel/font';
import { PARTIAL_CELLS } from '../../src/panel/frame';
import { findText, litCount } from './bitmap-text';

describe('Canvas', () => {
  it('sets pixels row-major and ignores everything outside the frame', () => {
    const c = new Canvas(8, 4);
    c.set(1, 2);
    c.set(-1, 0);
    c.set(8, 0);
    c.set(0, 4);
    expect(c.pixels[2 * 8 + 1]).toBe(1);
    expect(litCount(c.toBitmap())).toBe(1);
  });

  it('clips fills, rectangles and lines to the frame', () => {
    const c = new Canvas(10, 6);
    c.fill(-5, -5, 100, 100);
    expect(litCount(c.toBitmap())).toBe(60);
    const d = new Canvas(10, 6);
    d.rect(0, 0, 10, 6);
    expect(litCount(d.toBitmap())).toBe(2 * 10 + 2 * 4);
    const e = new Canvas(10, 6);
    e.line(-20, 3, 30, 3);
    expect(litCount(e.toBitmap())).toBe(10);
    e.line(0, 0, 5, 5);
    expect([0, 1, 2, 3, 4, 5].every((i) => e.get(i, i) === 1)).toBe(true);
  });

  it('translates by its area offset and still clips to the physical frame', () => {
    const c = new Canvas(10, 6, { x: 2, y: 1, width: 6, height: 4 });
    c.set(0, 0);
    expect(c.pixels[1 * 10 + 2]).toBe(1);
    c.fill(0, 0, 50, 50);
    expect(litCount(c.toBitmap())).toBe(8 * 5);
  });

  it('draws a bar whose solid width is the used fraction and dotted width the offered fraction', () => {
    const c = new Canvas(102, 5);
    c.bar(0, 0, 102, 5, 0.3, 0.2);
    const row = Array.from(c.pixels.slice(2 * 102, 3 * 102));
    const solid = row.slice(1, 101);
    expect(solid.slice(0, 30).every((p) => p === 1)).toBe(true);
    // dotted: half the pixels of the next 20 columns
    expect(solid.slice(30, 50).filter((p) => p === 1).length).toBe(10);
    expect(solid.slice(50).every((p) => p === 0)).toBe(true);
    const full = new Canvas(20, 5);
    full.bar(0, 0, 20, 5, 7, NaN);
    expect(litCount(full.toBitmap())).toBe(100);
  });

  it('draws text that can be read back, and measures it', () => {
    const { small, medium } = fonts();
    const c = new Canvas(128, 32);
    const w = c.text(3, 2, 'CPU 3.5/12', medium);
    expect(w).toBe(70);
    expect(findText(c.toBitmap(), 'CPU 3.5/12', medium)).toEqual({ x: 3, y: 2 });
    c.text(125, 20, 'right', small, { align: 'right' });
    expect(findText(c.toBitmap(), 'right', small)).toEqual({ x: 100, y: 20 });
  });

  it('clips text at the frame edge and cuts it with an ellipsis to fit a width', () => {
    const { small } = fonts();
    const c = new Canvas(20, 8);
    c.text(10, 0, 'abcdefgh', small);
    expect(findText(c.toBitmap(), 'ab', small)).toEqual({ x: 10, y: 0 });
    expect(fit('abcdefgh', small, 20)).toBe('abc…');
    expect(fit('abc', small, 20)).toBe('abc');
    const d = new Canvas(30, 8);
    d.text(0, 0, 'abcdefgh', small, { maxWidth: 20 });
    expect(findText(d.toBitmap(), 'abc…', small)).toEqual({ x: 0, y: 0 });
  });
});

describe('CharGrid', () => {
  it('writes, clips and reads back rows of exactly cols characters', () => {
    const g = new CharGrid(16, 2);
    g.put(0, 0, 'hello');
    g.putRight(0, 'end');
    g.put(10, 1, 'too long for the row');
    g.put(0, 5, 'off the grid');
    const f = g.toFrame();
    expect(f.lines).toEqual(['hello        end', '          too lo']);
    expect(f.lines.every((l) => [...l].length === 16)).toBe(true);
  });

  it('maps characters ROM A00 lacks', () => {
    expect(toA00('\\')).toBe('/');
    expect(toA00('~')).toBe('-');
    expect(toA00('°')).toBe('°');
    expect(toA00('π')).toBe('π');
    expect(toA00('中')).toBe('?');
    const g = new CharGrid(8, 1);
    // A cut is marked with "…", which the driver loads into CGRAM (A00 has none, and "." reads as part of a name).
    g.put(0, 0, 'a\\b~c…');
    expect(g.line(0)).toBe('a/b-c…  ');
  });

  it.each([
    [0, '          '],
    [0.1, `${FULL_CELL}         `],
    [0.24, `${FULL_CELL}${FULL_CELL}${PARTIAL_CELLS[1]}       `],
    [0.26, `${FULL_CELL}${FULL_CELL}${PARTIAL_CELLS[2]}       `],
    [0.52, `${FULL_CELL.repeat(5)}${PARTIAL_CELLS[0]}    `],
    [1, FULL_CELL.repeat(10)],
    [NaN, '          '],
  ])('draws a 10-cell bar at %p in fifths of a cell', (frac, expected) => {
    const g = new CharGrid(10, 1);
    g.bar(0, 0, 10, frac);
    expect(g.line(0)).toBe(expected);
  });

  it('draws offered apart from used', () => {
    const g = new CharGrid(10, 1);
    g.bar(0, 0, 10, 0.2, 0.3);
    expect(g.line(0)).toBe(`${FULL_CELL}${FULL_CELL}---     `);
  });
});
