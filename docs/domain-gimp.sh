#!/bin/sh
# The image domain of docs/ABLATIONS.md ("An image domain: GIMP's
# documentation images"): the PNGs of Debian's gimp-help-en package
# (screenshots of dialogs and menus, and example images), as the package
# ships them, split into a training part and a ~20 MB test part.
#
#   sh docs/domain-gimp.sh DIR
#
# writes DIR/train and DIR/test (flat names: the path below the package
# root with / as _). Duplicates (same content) are kept once, the first
# path in order. The split is by SHA-256 of each path: the files whose
# hash starts with 8-f, in hash order, go to test until it holds
# 20,000,000 bytes; every other file is training. Needs apt-get (Debian)
# and sha256sum.
set -eu
dir=$1
mkdir -p "$dir" && cd "$dir"
[ -d root ] || { apt-get download gimp-help-en && dpkg -x gimp-help-en_*.deb root; }
rm -rf train test && mkdir train test
find root -type f -name '*.png' | LC_ALL=C sort | while read -r f; do
	rel=${f#root/}
	printf '%s %s %s %s\n' "$(printf %s "$rel" | sha256sum | cut -c1-16)" "$(sha256sum <"$f" | cut -c1-64)" "$(stat -c %s "$f")" "$rel"
done >paths.txt
# keep the first path (in path order) of each content, then order by path hash
awk '!seen[$2]++' paths.txt | LC_ALL=C sort >keyed.txt
awk -v root=root '
	{ name = $4; gsub("/", "_", name) }
	$1 >= "8" && total + $3 <= 20000000 { total += $3; print "test", root "/" $4, name; next }
	{ print "train", root "/" $4, name }
' keyed.txt | while read -r part src name; do cp "$src" "$part/$name"; done
echo "train: $(ls train | wc -l) files, $(cat train/* | wc -c) bytes; test: $(ls test | wc -l) files, $(cat test/* | wc -c) bytes"
