#!/bin/sh
# Builds the training set of the text model's warm start (bitcm.Warm,
# issue #15) at $1: short texts of many kinds, as the files dcar meets;
# and at $1.tune a disjoint set of short texts (the same kinds) that
# bitcm's tuning measurements use for small files.
#   sh docs/warm-text.sh /tmp/warm-text            (from the repository root)
#   go run ./cmd/dcartrain -warm-text model/bitcm/warm-text4.dcwarm.zst /tmp/warm-text
#   (-warm-text-version 3 or 2 for the version 3 or 2 model's,
#   warm-text3.dcwarm.zst, warm-text.dcwarm.zst)
# Sources: the training novels (one piece of 4-54 KB from each) and files
# of GOROOT/src (sources, testdata, docs). Left out, so that the tuning
# measurements of model/bitcm stay on text the warm start never saw: the
# novels and Go files of its tuning sets (bitcm's package doc).
set -eu
W=${1:?usage: warm-text.sh DIR}
N=$(cd "$(dirname "$0")/../../shared/data/train-text/gutenberg-novels" && pwd)
G=$(go env GOROOT)/src
rm -rf "$W" "$W.tune"
mkdir -p "$W" "$W.tune"
i=0
for f in "$N"/*.txt; do
  case $(basename "$f") in
  Carmilla.txt | Doyle_TheSignoftheFour.txt | Fitzgerald_TheGreatGatsby.txt | Gilbert_SojournerTruth.txt | \
    Alcott_LittleMen.txt | Austen_Persuasion.txt | Buchan_MrStandfast.txt) continue ;;
  esac
  i=$((i + 1))
  size=$(((i * 7919) % 50000 + 4000))
  dd if="$f" of="$W/$(printf n%02d $i).txt" bs=1000 skip=$((100 + i)) count=$((size / 1000)) 2>/dev/null
done
find "$G" -type f -size +1k -size -128k \( -name '*.go' -o -name '*.html' -o -name '*.txt' -o -name '*.json' \
  -o -name '*.xml' -o -name '*.c' -o -name '*.s' -o -name '*.md' -o -name '*.h' -o -name '*.css' -o -name '*.js' \
  -o -name '*.golden' -o -name '*.csv' -o -name '*.sh' -o -name '*.tmpl' -o -name '*.y' -o -name '*.bash' \) |
  grep -v -e '/net/http/server.go$' -e '/runtime/proc.go$' -e 'trace_viewer_full.html$' | LC_ALL=C sort |
  awk 'NR % 23 == 7 || NR % 67 == 18' | head -600 | while read -r f; do
  i=$((i + 1))
  d=$W
  [ $((i % 4)) = 0 ] && d=$W.tune
  cp "$f" "$d/$(printf g%03d $i)-$(basename "$f")"
done
for f in Alcott_LittleMen Austen_Persuasion Buchan_MrStandfast; do
  tail -c 12000 "$N/$f.txt" >"$W.tune/n-$f.txt"
done
