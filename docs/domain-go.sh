#!/bin/sh
# Builds the text domain of docs/ABLATIONS.md "Domain models (issue #19)"
# at $1: the Go sources of GOROOT/src sorted by path, every 5th file in
# $1/gotest (the test split, ~18 MB), the others in $1/gotrain (what
# dcar train reads; it holds back its own validation files from them).
#   sh docs/domain-go.sh /tmp/dom
#   dcar train -o /tmp/dom/go.dcm /tmp/dom/gotrain
#   dcar create --model /tmp/dom/go.dcm /tmp/dom/m.dcar /tmp/dom/gotest
set -eu
D=${1:?usage: domain-go.sh DIR}
G=$(go env GOROOT)/src
rm -rf "$D/gotest" "$D/gotrain"
mkdir -p "$D/gotest" "$D/gotrain"
cd "$G"
find . -name '*.go' -type f | LC_ALL=C sort |
  awk -v d="$D" '{ print (NR % 5 == 0 ? d "/gotest" : d "/gotrain") " " $0 }' |
  while read -r dir f; do
    mkdir -p "$dir/$(dirname "$f")"
    cp "$f" "$dir/$f"
  done
