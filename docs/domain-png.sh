#!/bin/sh
# The image domains of docs/ABLATIONS.md (Domain models): the PNGs of a
# Debian package below one of its folders, as the package ships them,
# split into a training part and a test part of about 20 MB.
#
#   sh docs/domain-png.sh DIR PACKAGE FOLDER [GROUP [FROM]]
#   sh docs/domain-png.sh /tmp/astro stellarium-data usr/share/stellarium/nebulae
#   sh docs/domain-png.sh /tmp/wes wesnoth-1.16-data usr/share/games/wesnoth/1.16/data/core/images 's/[0-9]//g'
#
# writes DIR/train and DIR/test (flat names: the path below FOLDER with
# / as _). Duplicates (same content) are kept once, the first path in
# order. The split is by SHA-256 of each path, or of the path rewritten
# by the sed expression GROUP when given, so that files that belong
# together (animation frames, one icon at several sizes) fall on the
# same side: the files whose hash
# starts with FROM-f (FROM: c unless given), in hash order, go to test
# while it holds at most 20,000,000 bytes (a group goes where its first
# file goes); every other
# file is training. Needs apt-get download
# (Debian), dpkg and sha256sum.
set -eu
dir=$1 pkg=$2 folder=$3 group=${4:-} from=${5:-c}
mkdir -p "$dir" && cd "$dir"
[ -d root ] || { apt-get download "$pkg" && dpkg -x "$pkg"_*.deb root; }
rm -rf train test && mkdir train test
find "root/$folder" -type f -name '*.png' | LC_ALL=C sort | while read -r f; do
	rel=${f#root/"$folder"/}
	key=$rel
	[ -z "$group" ] || key=$(printf '%s\n' "$rel" | sed "$group")
	printf '%s %s %s %s\n' "$(printf %s "$key" | sha256sum | cut -c1-16)" "$(sha256sum <"$f" | cut -c1-64)" "$(stat -c %s "$f")" "$rel"
done >paths.txt
# keep the first path (in path order) of each content, then order by path hash
awk '!seen[$2]++' paths.txt | LC_ALL=C sort >keyed.txt
awk -v root="root/$folder" -v from="$from" '
	{ name = $4; gsub("/", "_", name) }
	!($1 in side) { side[$1] = $1 >= from && total + $3 <= 20000000 ? "test" : "train" }
	side[$1] == "test" { total += $3 }
	{ print side[$1], root "/" $4, name }
' keyed.txt | while read -r part src name; do cp "$src" "$part/$name"; done
echo "train: $(ls train | wc -l) files, $(cat train/* | wc -c) bytes; test: $(ls test | wc -l) files, $(cat test/* | wc -c) bytes"
