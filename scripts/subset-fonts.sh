#!/usr/bin/env bash
# Regenerates render/fonts/ from Debian's fonts-dejavu-core (2.37): DejaVu
# Sans Condensed regular and bold, cut down to the scripts a Перечень is
# written in. Six thousand glyphs of the full fonts (Armenian, Georgian,
# Hebrew, Arabic, Braille, …) cost every PDF render time to parse and the
# daemon memory once it has rendered; the subset keeps about a fifth.
# Characters outside it print as the font's empty box, as characters outside
# the full DejaVu already did.
#
#   apt-get install -y fonts-dejavu-core python3-fonttools
#   scripts/subset-fonts.sh
set -euo pipefail

src=${SRC:-/usr/share/fonts/truetype/dejavu}
out=$(cd "$(dirname "$0")/.." && pwd)/render/fonts
py=${PYTHON:-/usr/bin/python3}

# Latin with Latin-1 and Extended-A, combining accents, Greek, Cyrillic with
# its supplement, general punctuation (— « » … •), currency (₽), letterlike
# symbols and number forms (№, Roman numerals), arrows, mathematical
# operators, geometric shapes (■ ●), check marks, the replacement character.
unicodes="U+0020-007E,U+00A0-017F,U+0300-036F,U+0370-03FF,U+0400-052F,U+2000-206F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2713-2718,U+FFFD"

for name in DejaVuSansCondensed DejaVuSansCondensed-Bold; do
  "$py" -m fontTools.subset "$src/$name.ttf" \
    --unicodes="$unicodes" \
    --layout-features='' --drop-tables+=GSUB,GPOS,GDEF,MATH,FFTM,kern \
    --name-IDs='*' --name-languages='*' --notdef-outline --recalc-bounds \
    --output-file="$out/$name.ttf"
done
ls -l "$out"/*.ttf
