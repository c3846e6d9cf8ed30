// The fonts the screens draw with, loaded from fonts/ at first use and cached for the life of the process.
import * as fs from 'fs';
import * as path from 'path';
import { parseBdf, type BdfFont, type Glyph } from './bdf';

/**
 * fonts/ sits at the package root. From src/panel that is two levels up, from dist/src/panel three;
 * resolving from this file (not the cwd) keeps it working under systemd and cron.
 */
export function fontDir(): string {
  const candidates = [path.resolve(__dirname, '../../fonts'), path.resolve(__dirname, '../../../fonts')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'spleen-5x8.bdf'))) ?? candidates[0];
}

/** A font with an optional fallback for the glyphs it lacks (Spleen has no π, misc-fixed does). */
export class Font {
  readonly ascent: number;
  readonly descent: number;
  readonly lineHeight: number;
  /** Advance of a space, which in these fixed-cell fonts is every glyph's advance. */
  readonly cellWidth: number;

  constructor(
    private readonly bdf: BdfFont,
    private readonly fallback: Font | null = null,
  ) {
    this.ascent = bdf.ascent;
    this.descent = bdf.descent;
    this.lineHeight = bdf.ascent + bdf.descent;
    this.cellWidth = bdf.glyphs.get(32)?.advance ?? bdf.glyphs.values().next().value?.advance ?? 0;
  }

  get name(): string {
    return this.bdf.name;
  }

  /** The glyph for a code point: this font's, the fallback's, '?' or the font's default glyph. */
  glyph(cp: number): Glyph {
    const own = this.bdf.glyphs.get(cp) ?? this.fallback?.ownGlyph(cp);
    if (own) return own;
    const q = this.bdf.glyphs.get(63) ?? (this.bdf.defaultChar !== null ? this.bdf.glyphs.get(this.bdf.defaultChar) : undefined);
    return q ?? (this.bdf.glyphs.values().next().value as Glyph);
  }

  has(cp: number): boolean {
    return this.bdf.glyphs.has(cp) || Boolean(this.fallback?.has(cp));
  }

  private ownGlyph(cp: number): Glyph | undefined {
    return this.bdf.glyphs.get(cp) ?? this.fallback?.ownGlyph(cp);
  }

  /** Width in pixels of a string drawn in this font. */
  width(text: string): number {
    let w = 0;
    for (const ch of text) w += this.glyph(ch.codePointAt(0) as number).advance;
    return w;
  }
}

const parsed = new Map<string, BdfFont>();

/** Parses fonts/<file> once. Throws a one-line BdfError, or an error naming the missing file. */
export function loadBdf(file: string, dir = fontDir()): BdfFont {
  const full = path.join(dir, file);
  let font = parsed.get(full);
  if (!font) {
    let text: string;
    try {
      text = fs.readFileSync(full, 'latin1');
    } catch (e) {
      throw new Error(`font ${full} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); reinstall mesos-panel with its fonts/ folder`);
    }
    font = parseBdf(text, full);
    parsed.set(full, font);
  }
  return font;
}

export interface FontSet {
  /** 5x8: detail lines, labels; 25 columns on a 128-pixel display. */
  small: Font;
  /** 7x13 bold: headline numbers; 18 columns. */
  medium: Font;
  /** 9x15 bold: the π digits; 14 columns. */
  large: Font;
}

let fontSet: FontSet | null = null;

export function fonts(): FontSet {
  if (!fontSet) {
    const fixed5x8 = new Font(loadBdf('misc-fixed-5x8.bdf'));
    fontSet = {
      small: new Font(loadBdf('spleen-5x8.bdf'), fixed5x8),
      medium: new Font(loadBdf('misc-fixed-7x13B.bdf'), fixed5x8),
      large: new Font(loadBdf('misc-fixed-9x15B.bdf'), fixed5x8),
    };
  }
  return fontSet;
}
