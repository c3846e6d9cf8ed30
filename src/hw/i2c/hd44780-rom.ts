// The HD44780U character generator ROM, code A00 (Japanese standard font), HD44780U datasheet Table 4;
// HD44780U datasheet. 0x5C is ¥ and 0x7E/0x7F are → and ←, so backslash and tilde do not exist. 0xDF is the
// semi-voiced mark, a small ring that is the usual degree sign. Codes 0x00-0x07 (mirrored at 0x08-0x0F) are CGRAM.

const KATAKANA = '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゛°';
const HIGH = 'αäβεμσρg√⁻jˣ¢£ñöpqθ∞ΩüΣπx̄y千万円÷ █';

/** What each ROM code shows, as the nearest Unicode character; undefined for CGRAM codes and blank codes. */
export const ROM_A00: ReadonlyArray<string | undefined> = (() => {
  const t: (string | undefined)[] = new Array(256).fill(undefined);
  for (let c = 0x20; c <= 0x7d; c++) t[c] = String.fromCharCode(c);
  t[0x5c] = '¥';
  t[0x7e] = '→';
  t[0x7f] = '←';
  [...KATAKANA].forEach((ch, i) => (t[0xa1 + i] = ch));
  // x̄ is two code points; keep it as one cell.
  const high = [...HIGH.replace('x̄', '\u0000')].map((ch) => (ch === '\u0000' ? 'x̄' : ch));
  high.forEach((ch, i) => (t[0xe0 + i] = ch === ' ' ? undefined : ch));
  t[0xe4] = 'µ'; // the ROM's mu, as U+00B5 (what the panel's fonts and frames use)
  return t;
})();

const REVERSE: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  ROM_A00.forEach((ch, code) => ch !== undefined && !m.has(ch) && m.set(ch, code));
  m.set('μ', 0xe4); // Greek mu, same glyph
  m.set('°', 0xdf);
  m.set(' ', 0x20);
  return m;
})();

/** The ROM code that shows this character, or undefined when ROM A00 has no such glyph. */
export function romCode(ch: string): number | undefined {
  return REVERSE.get(ch);
}
