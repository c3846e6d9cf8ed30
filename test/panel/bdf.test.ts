import * as fs from 'fs';
import * as path from 'path';
import { parseBdf } from '../../src/panel/bdf';
import { Font, fontDir, fonts, loadBdf } from '../../src/panel/font';

const TINY = `STARTFONT 2.1
FONT tiny
FONTBOUNDINGBOX 3 4 0 -1
STARTPROPERTIES 2
FONT_ASCENT 3
FONT_DESCENT 1
ENDPROPERTIES
CHARS 2
STARTCHAR A
ENCODING 65
DWIDTH 4 0
BBX 3 4 0 -1
BITMAP
40
A0
E0
A0
ENDCHAR
STARTCHAR dot
ENCODING 46
DWIDTH 2 0
BBX 1 1 0 0
BITMAP
80
ENDCHAR
ENDFONT
`;

describe('parseBdf', () => {
  it('reads metrics and unpacks bitmaps MSB first', () => {
    const f = parseBdf(TINY, 'tiny.bdf');
    expect(f).toMatchObject({ name: 'tiny', ascent: 3, descent: 1 });
    const a = f.glyphs.get(65)!;
    expect(a).toMatchObject({ advance: 4, width: 3, height: 4, xOffset: 0, yOffset: -1 });
    expect(Array.from(a.bits)).toEqual([0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1]);
    expect(f.glyphs.get(46)!.bits[0]).toBe(1);
  });

  it.each([
    ['a truncated file', TINY.slice(0, TINY.indexOf('ENDFONT')), /tiny\.bdf:\d+: ENDFONT missing/],
    ['a short bitmap row', TINY.replace('A0\nE0', 'A0\nZZ'), /tiny\.bdf:16: bitmap row 3 of 4 is "ZZ"/],
    ['a missing ENDCHAR', TINY.replace('A0\nENDCHAR', 'A0\nSTARTCHAR'), /tiny\.bdf:18: ENDCHAR expected/],
    ['a BBX with words', TINY.replace('BBX 3 4 0 -1', 'BBX three 4 0 -1'), /tiny\.bdf:12: BBX needs 4 integers/],
    ['not BDF at all', '<html>', /tiny\.bdf:1: not a BDF file/],
  ])('rejects %s with one line naming file and line', (_name, text, message) => {
    let err: Error | null = null;
    try {
      parseBdf(text, 'tiny.bdf');
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('\n');
  });
});

describe('shipped fonts', () => {
  it('are found relative to the package, not the cwd', () => {
    expect(fontDir()).toBe(path.resolve(__dirname, '../../fonts'));
    for (const f of fs.readdirSync(fontDir()).filter((n) => n.endsWith('.bdf'))) expect(loadBdf(f).glyphs.size).toBeGreaterThan(90);
  });

  it('cover printable ASCII and the symbols the screens use, with fixed cells', () => {
    const { small, medium, large } = fonts();
    for (const [font, cell, height] of [[small, 5, 8], [medium, 7, 13], [large, 9, 15]] as [Font, number, number][]) {
      expect(font.lineHeight).toBe(height);
      for (let cp = 32; cp < 127; cp++) expect(font.glyph(cp).advance).toBe(cell);
      for (const ch of '°π…') expect(font.has(ch.codePointAt(0)!)).toBe(true);
    }
  });

  it('falls back to misc-fixed for what Spleen lacks, and to "?" for what no font has', () => {
    const { small } = fonts();
    expect(small.glyph('π'.codePointAt(0)!).bits.some((b) => b === 1)).toBe(true);
    expect(small.glyph(0x4e2d)).toBe(small.glyph(63));
    expect(small.width('ab中')).toBe(15);
  });
});
