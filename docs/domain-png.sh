#!/bin/sh
# The image domains of docs/ABLATIONS.md (Domain models): the PNGs of a
# Debian package below one of its folders, as the package ships them,
# split into a training part and a test part of about 20 MB.
#
#   sh docs/domain-png.sh DIR PACKAGE FOLDER
#   sh docs/domain-png.sh /tmp/astro stellarium-data usr/share/stellarium/nebulae
#
# writes DIR/train and DIR/test (flat names: the path below FOLDER with
# / as _). Duplicates (same content) are kept once, the first path in
# order. The split is by SHA-256 of each path: the files whose hash
# starts with c-f, in hash order, go to test while it holds at most
# 20,000,000 bytes; every other file is training. Needs apt-get download
# (Debian), dpkg and sha256sum.
set -eu
dir=$1 pkg=$2 folder=$3
mkdir -p "$dir" && cd "$dir"
[ -d root ] || { apt-get download "$pkg" && dpkg -x "$pkg"_*.deb root; }
rm -rf train test && mkdir train test
find "root/$folder" -type f -name '*.png' | LC_ALL=C sort | while read -r f; do
	rel=${f#root/"$folder"/}
	printf '%s %s %s %s\n' "$(printf %s "$rel" | sha256sum | cut -c1-16)" "$(sha256sum <"$f" | cut -c1-64)" "$(stat -c %s "$f")" "$rel"
done >paths.txt
# keep the first path (in path order) of each content, then order by path hash
awk '!seen[$2]++' paths.txt | LC_ALL=C sort >keyed.txt
awk -v root="root/$folder" '
	{ name = $4; gsub("/", "_", name) }
	$1 >= "c" && total + $3 <= 20000000 { total += $3; print "test", root "/" $4, name; next }
	{ print "train", root "/" $4, name }
' keyed.txt | while read -r part src name; do cp "$src" "$part/$name"; done
echo "train: $(ls train | wc -l) files, $(cat train/* | wc -c) bytes; test: $(ls test | wc -l) files, $(cat test/* | wc -c) bytes"
