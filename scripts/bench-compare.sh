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

$GO build -trimpath -tags "${BUILD_TAGS:-}" -o "$work/perechen" ./cmd/perechen
$GO build -trimpath -o "$work/genxlsx" ./scripts/genxlsx
xlsx="$work/perechen-$ROWS.xlsx"
"$work/genxlsx" -rows "$ROWS" -out "$xlsx"
echo "input: $ROWS rows, $(stat -c %s "$xlsx") bytes XLSX"

mkdir -p "$work/perechen-out" "$work/lo-out"
# Best of RUNS for each side: the machine may be busy with other work.
RUNS=${RUNS:-3}
how="perechen render --format pdf, best of $RUNS"
ours=
for _ in $(seq "$RUNS"); do
  t0=$(now_ms)
  "$work/perechen" render --format pdf --out "$work/perechen-out" "$xlsx" >/dev/null
  t1=$(now_ms)
  d=$((t1 - t0)); if [ -z "$ours" ] || [ "$d" -lt "$ours" ]; then ours=$d; fi
done
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
theirs=
for _ in $(seq "$RUNS"); do
  t0=$(now_ms)
  "$soffice" -env:UserInstallation="$profile" --headless --convert-to pdf --outdir "$work/lo-out" "$xlsx" >/dev/null 2>&1
  t1=$(now_ms)
  d=$((t1 - t0)); if [ -z "$theirs" ] || [ "$d" -lt "$theirs" ]; then theirs=$d; fi
done
lopdf="$work/lo-out/perechen-$ROWS.pdf"
echo "libreoffice: ${theirs} ms (best of $RUNS), $(pdfinfo "$lopdf" 2>/dev/null | awk '/^Pages/ {print $2 " pages, "}')$(stat -c %s "$lopdf" 2>/dev/null || echo '?') bytes"
awk -v a="$theirs" -v b="$ours" 'BEGIN { r = a / (b > 0 ? b : 1); printf "perechen is %.1f× faster (target ≥ 20×)\n", r; exit (r >= 20 ? 0 : 1) }'
