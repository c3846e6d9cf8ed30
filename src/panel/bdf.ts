// A parser for the BDF 2.1 bitmap font format (Adobe's Glyph Bitmap Distribution Format): just the parts a
// fixed-cell panel needs. Glyph bitmaps are unpacked once into one byte per pixel so drawing is a plain loop.

export interface Glyph {
  /** Advance in pixels (DWIDTH). */
  readonly advance: number;
  /** Bounding box: size, and offset of its bottom-left corner from the origin on the baseline (BBX). */
  readonly width: number;
  readonly height: number;
  readonly xOffset: number;
  readonly yOffset: number;
  /** width × height, row-major from the top, 1 = ink. */
  readonly bits: Uint8Array;
}

export interface BdfFont {
  readonly name: string;
  /** Pixels above the baseline and below it; their sum is the line height. */
  readonly ascent: number;
  readonly descent: number;
  readonly glyphs: ReadonlyMap<number, Glyph>;
  /** Code point of the glyph to draw for characters the font lacks, when the font names one that exists. */
  readonly defaultChar: number | null;
}

export class BdfError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}; regenerate the font with scripts/convert-fonts.sh`);
    this.name = 'BdfError';
  }
}

function ints(words: string[], count: number, fail: (p: string) => never): number[] {
  const out = words.slice(1, 1 + count).map(Number);
  if (out.length !== count || out.some((n) => !Number.isInteger(n))) fail(`${words[0]} needs ${count} integers`);
  return out;
}

/** Parses BDF text. `file` is only used in error messages. Throws BdfError naming the file and line. */
export function parseBdf(text: string, file: string): BdfFont {
  const lines = text.split(/\r?\n/);
  let i = 0;
  const fail = (problem: string): never => {
    throw new BdfError(file, i + 1, problem);
  };
  const words = (): string[] => lines[i].trim().split(/\s+/);
  if (!/^STARTFONT\s/.test(lines[0] ?? '')) fail('not a BDF file (no STARTFONT)');

  let name = file;
  let bbox: number[] | null = null;
  let ascent: number | null = null;
  let descent: number | null = null;
  let defaultChar: number | null = null;
  const glyphs = new Map<number, Glyph>();

  // Reads one STARTCHAR..ENDCHAR block; leaves i on its ENDCHAR line.
  const glyph = (): void => {
    let encoding: number | null = null;
    let advance: number | null = null;
    let box: number[] | null = null;
    for (i++; i < lines.length; i++) {
      const w = words();
      if (w[0] === 'ENCODING') encoding = ints(w, 1, fail)[0];
      else if (w[0] === 'DWIDTH') advance = ints(w, 2, fail)[0];
      else if (w[0] === 'BBX') {
        box = ints(w, 4, fail);
        if (box[0] < 0 || box[1] < 0) fail('BBX has a negative size');
      } else if (w[0] === 'ENDCHAR') fail('glyph has no BITMAP');
      else if (w[0] === 'BITMAP') {
        if (encoding === null) fail('BITMAP before ENCODING');
        if (!box) return fail('BITMAP before BBX');
        const [bw, bh, xo, yo] = box;
        const bits = new Uint8Array(bw * bh);
        const hexLen = Math.ceil(bw / 8) * 2;
        for (let row = 0; row < bh; row++) {
          i++;
          const hex = (lines[i] ?? '').trim();
          if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length < hexLen) {
            fail(`bitmap row ${row + 1} of ${bh} is ${hex ? `"${hex}"` : 'missing'}, expected ${hexLen} hex digits`);
          }
          for (let x = 0; x < bw; x++) bits[row * bw + x] = (parseInt(hex[x >> 2], 16) >> (3 - (x & 3))) & 1;
        }
        i++;
        if ((lines[i] ?? '').trim() !== 'ENDCHAR') fail('ENDCHAR expected after the bitmap rows');
        // ENCODING -1 marks a glyph outside the encoding: unreachable by code point, so not kept.
        if ((encoding as number) >= 0) {
          glyphs.set(encoding as number, { advance: advance ?? bw, width: bw, height: bh, xOffset: xo, yOffset: yo, bits });
        }
        return;
      }
    }
    i = lines.length - 1;
    fail('glyph not closed by ENDCHAR');
  };

  let ended = false;
  for (; i < lines.length && !ended; i++) {
    const w = words();
    if (w[0] === 'FONT') name = lines[i].trim().slice(5);
    else if (w[0] === 'FONTBOUNDINGBOX') bbox = ints(w, 4, fail);
    else if (w[0] === 'FONT_ASCENT') ascent = ints(w, 1, fail)[0];
    else if (w[0] === 'FONT_DESCENT') descent = ints(w, 1, fail)[0];
    else if (w[0] === 'DEFAULT_CHAR') defaultChar = ints(w, 1, fail)[0];
    else if (w[0] === 'STARTCHAR') glyph();
    else if (w[0] === 'ENDFONT') ended = true;
  }
  i = Math.min(i, lines.length - 1);
  if (!ended) fail('ENDFONT missing (file truncated?)');
  if (ascent === null || descent === null) {
    if (!bbox) return fail('neither FONTBOUNDINGBOX nor FONT_ASCENT/FONT_DESCENT given');
    ascent ??= bbox[1] + bbox[3];
    descent ??= -bbox[3];
  }
  if (glyphs.size === 0) fail('no glyphs');
  return { name, ascent, descent, glyphs, defaultChar: defaultChar !== null && glyphs.has(defaultChar) ? defaultChar : null };
}
