#!/usr/bin/env bash
# Side-by-side timing: perechen's PDF render against LibreOffice converting
# the same XLSX (issue 4's target: perechen ≥ 20× faster). Not part of the
# test suite: LibreOffice is slow to install and slow to run.
#
#   make bench-compare            ROWS=10000 by default
#   ROWS=2000 scripts/bench-compare.sh
set -euo pipefail

ROWS=${ROWS:-10000}
GO=${GO:-go}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

now_ms() { date +%s%3N; }

$GO build -trimpath -o "$work/perechen" ./cmd/perechen
$GO build -trimpath -o "$work/genxlsx" ./scripts/genxlsx
xlsx="$work/perechen-$ROWS.xlsx"
"$work/genxlsx" -rows "$ROWS" -out "$xlsx"
echo "input: $ROWS rows, $(stat -c %s "$xlsx") bytes XLSX"

mkdir -p "$work/perechen-out" "$work/lo-out"
t0=$(now_ms)
if "$work/perechen" render --help >/dev/null 2>&1; then
  how="perechen render --format pdf"
  "$work/perechen" render --format pdf --out "$work/perechen-out" "$xlsx" >/dev/null
else
  # until `perechen render` is merged: the same read → parse → PDF path
  how="genxlsx -pdf (read, parse, render)"
  "$work/genxlsx" -pdf "$xlsx" -out "$work/perechen-out/perechen.pdf"
fi
t1=$(now_ms)
ours=$((t1 - t0))
pdf=$(ls "$work"/perechen-out/*.pdf | head -1)
echo "perechen: ${ours} ms ($how), $(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages/ {print $2 " pages, "}')$(stat -c %s "$pdf") bytes"

soffice=$(command -v libreoffice || command -v soffice || true)
if [ -z "$soffice" ]; then
  echo "libreoffice: not installed (apt-get install -y libreoffice-calc); comparison skipped"
  exit 0
fi
# a private profile: no first-start wizard, no lock shared with a running instance
profile="file://$work/lo-profile"
"$soffice" -env:UserInstallation="$profile" --headless --terminate_after_init >/dev/null 2>&1 || true
t0=$(now_ms)
"$soffice" -env:UserInstallation="$profile" --headless --convert-to pdf --outdir "$work/lo-out" "$xlsx" >/dev/null 2>&1
t1=$(now_ms)
theirs=$((t1 - t0))
lopdf="$work/lo-out/perechen-$ROWS.pdf"
echo "libreoffice: ${theirs} ms, $(pdfinfo "$lopdf" 2>/dev/null | awk '/^Pages/ {print $2 " pages, "}')$(stat -c %s "$lopdf" 2>/dev/null || echo '?') bytes"
awk -v a="$theirs" -v b="$ours" 'BEGIN { r = a / (b > 0 ? b : 1); printf "perechen is %.1f× faster (target ≥ 20×)\n", r; exit (r >= 20 ? 0 : 1) }'
