#!/bin/sh
# Regenerates the BDF subsets in fonts/ from the Debian font packages. Run once on a Debian machine
# after `apt-get install -y xfonts-base pcf2bdf fonts-spleen`; CI never runs it, the output is committed.
# The subset keeps printable ASCII plus the few symbols the screens draw, so the files stay small.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/fonts"
misc=/usr/share/fonts/X11/misc
command -v pcf2bdf >/dev/null || { echo "convert-fonts: pcf2bdf missing; run apt-get install -y pcf2bdf" >&2; exit 1; }
[ -d "$misc" ] || { echo "convert-fonts: $misc missing; run apt-get install -y xfonts-base fonts-spleen" >&2; exit 1; }

# Code points kept: space..tilde, char 0 (the X11 default glyph), ° ± µ · × π … ← ↑ → ↓, the block elements
# U+2580..U+259F and the triangles ▲ ▶ ▼ ◀.
ascii=""
cp=32; while [ $cp -le 126 ]; do ascii="$ascii $cp"; cp=$((cp + 1)); done
keep="$ascii 0 176 177 181 183 215 960 8230 8592 8593 8594 8595 9650 9654 9660 9664"
cp=9600; while [ $cp -le 9631 ]; do keep="$keep $cp"; cp=$((cp + 1)); done

subset() { # $1 = source .pcf.gz, $2 = output .bdf, $3 = code points to keep
  tmp=$(mktemp)
  gzip -dc "$1" > "$tmp.pcf"
  pcf2bdf -o "$tmp" "$tmp.pcf"
  awk -v keep="$3" '
    BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want[k[i]] = 1 }
    /^CHARS / { inchars = 1; next }
    !inchars { print; next }
    /^STARTCHAR/ { buf = $0 "\n"; inchar = 1; ok = 0; next }
    inchar && /^ENCODING/ { ok = ($2 in want); buf = buf $0 "\n"; next }
    inchar && /^ENDCHAR/ { if (ok) { glyphs = glyphs buf $0 "\n"; count++ } inchar = 0; next }
    inchar { buf = buf $0 "\n"; next }
    /^ENDFONT/ { printf "CHARS %d\n%s", count, glyphs; print; next }
  ' "$tmp" > "$2"
  rm -f "$tmp" "$tmp.pcf"
  echo "$2: $(grep -c '^STARTCHAR' "$2") glyphs"
}

# Spleen 1.9.1 draws some Latin-1 symbols blank (° among them), so only its ASCII is kept; the rest falls back
# to misc-fixed 5x8 at run time.
subset "$misc/spleen-5x8.pcf.gz" "$out/spleen-5x8.bdf" "$ascii"
subset "$misc/5x8.pcf.gz" "$out/misc-fixed-5x8.bdf" "$keep"
subset "$misc/7x13B.pcf.gz" "$out/misc-fixed-7x13B.bdf" "$keep"
subset "$misc/9x15B.pcf.gz" "$out/misc-fixed-9x15B.bdf" "$keep"
