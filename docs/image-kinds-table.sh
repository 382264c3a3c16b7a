#!/bin/sh
# Per-kind table of issue #18: for each kind directory of the corpus
# docs/image-kinds.sh builds, the files' bytes, dcar's stored bytes (one
# `dcar create --no-solid` per kind, extracted and compared), and lossless
# JPEG XL at effort 9 on the same pixels (TIFF and BMP converted to PNG by
# ImageMagick first, since cjxl does not read them; animated GIFs left out
# of the cjxl column, and of dcar's beside it, since djxl's output holds
# one frame).
# Usage: sh docs/image-kinds-table.sh DCAR CORPUS [PRESET-FLAG]
set -eu
D=${1:?usage: image-kinds-table.sh DCAR CORPUS [--fast|--best]}
K=${2:?usage: image-kinds-table.sh DCAR CORPUS [--fast|--best]}
P=${3:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
echo "| kind | files | bytes | dcar $P | vs file | cjxl -d 0 -e 9 (files) | dcar on those | dcar vs cjxl | CPU-s create / extract | µs per sample create / extract |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for dir in "$K"/*/; do
  kind=$(basename "$dir")
  rm -rf "$T/x" && mkdir -p "$T/x"
  s=$( { /usr/bin/time -f %U+%S "$D" create --no-solid -q $P "$T/a.dcar" "$dir" 2>&1 >/dev/null; } | tail -1 )
  cpu=$(python3 -c "print(round($s, 1))")
  x=$( { /usr/bin/time -f %U+%S "$D" extract -q -C "$T/x" "$T/a.dcar" 2>&1 >/dev/null; } | tail -1 )
  xcpu=$(python3 -c "print(round($x, 1))")
  diff -r "$T/x/$(echo "${dir%/}" | sed 's|^/||')" "${dir%/}" >/dev/null || { echo "$kind: ROUND TRIP DIFFERS" >&2; exit 1; }
  "$D" list --json "$T/a.dcar" > "$T/l.json"
  files=0 bytes=0 dc=0 jx=0 dcj=0 nj=0 samples=0
  for f in "$dir"*; do
    b=$(stat -c %s "$f")
    st=$(python3 -c "import json,sys; r=[e for e in json.load(open('$T/l.json')) if e['path'].endswith('/$(basename "$f")')]; print(r[0]['stored'])")
    files=$((files+1)) bytes=$((bytes+b)) dc=$((dc+st))
    # samples as the file holds them: a palette pixel is one (its index)
    samples=$((samples + $(/usr/bin/identify -format '%w %h %[type]\n' "$f" | awk '{c=3; if ($3 ~ /Palette|Bilevel|^Grayscale$/) c=1; else if ($3=="GrayscaleAlpha") c=2; else if ($3 ~ /Alpha/) c=4; s+=$1*$2*c} END {print s}')))
    frames=$(/usr/bin/identify "$f" 2>/dev/null | wc -l)
    [ "$frames" -eq 1 ] || continue
    in=$f
    case "$f" in *.tif|*.bmp) /usr/bin/convert "$f" "$T/in.png"; in=$T/in.png ;; esac
    if cjxl -d 0 -e 9 --num_threads=1 --quiet "$in" "$T/o.jxl" 2>/dev/null; then
      jx=$((jx+$(stat -c %s "$T/o.jxl"))) dcj=$((dcj+st)) nj=$((nj+1))
    fi
  done
  vs=$(python3 -c "print('%+.1f %%' % (100*($dc/$bytes-1)))")
  vj=-
  [ "$nj" -gt 0 ] && vj=$(python3 -c "print('%+.1f %%' % (100*($dcj/$jx-1)))")
  us=$(python3 -c "print('%.2f / %.2f' % (1e6*$cpu/$samples, 1e6*$xcpu/$samples))")
  echo "| $kind | $files | $bytes | $dc | $vs | $jx ($nj) | $dcj | $vj | $cpu / $xcpu | $us |"
done
