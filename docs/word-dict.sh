#!/bin/sh
# Builds the corpora of the word code's dictionary (bitcm.Config.WordCode,
# model/bitcm/words6.txt) at $1: $1/prose, the training novels, and
# $1/code, text files of GOROOT/src; dcartrain weighs the two the same.
#   sh docs/word-dict.sh /tmp/word-dict            (from the repository root)
#   go run ./cmd/dcartrain -word-dict model/bitcm/words6.txt /tmp/word-dict/*
# (Version 5's words.txt came from the same corpora with version 5's
# rules, by dcartrain before commit 9e09ec1.)
# Left out, so that the measurements stay on text the dictionary never
# saw: the novels of bitcm's tuning sets (mid, small, the 1 MB novel),
# net/http/server.go, runtime/proc.go, the trace viewer's HTML, and every
# fifth GOROOT file in path order (the 3rd, 8th, ...: the word code's
# source-code measurements, docs/ABLATIONS.md).
set -eu
W=${1:?usage: word-dict.sh DIR}
N=$(cd "$(dirname "$0")/../../shared/data/train-text/gutenberg-novels" && pwd)
G=$(go env GOROOT)/src
rm -rf "$W"
mkdir -p "$W/prose" "$W/code"
for f in "$N"/*.txt; do
  case $(basename "$f") in
  Carmilla.txt | Doyle_TheSignoftheFour.txt | Fitzgerald_TheGreatGatsby.txt | Gilbert_SojournerTruth.txt | \
    Alcott_LittleMen.txt | Austen_Persuasion.txt | Buchan_MrStandfast.txt | bronte_shirley.txt) continue ;;
  esac
  cp "$f" "$W/prose/"
done
find "$G" -type f \( -name '*.go' -o -name '*.html' -o -name '*.txt' -o -name '*.json' \
  -o -name '*.xml' -o -name '*.c' -o -name '*.s' -o -name '*.md' -o -name '*.h' -o -name '*.css' -o -name '*.js' \
  -o -name '*.golden' -o -name '*.csv' -o -name '*.sh' -o -name '*.tmpl' -o -name '*.y' -o -name '*.bash' \) |
  grep -v -e '/net/http/server.go$' -e '/runtime/proc.go$' -e 'trace_viewer_full.html$' | LC_ALL=C sort |
  awk 'NR % 5 != 3' | while read -r f; do
  cp "$f" "$W/code/$(echo "${f#"$G"/}" | tr / _)"
done
