#!/usr/bin/env bash
# The README's "Volumes and Beam" measurement: a mixed tree of
# training-allowed data (the training images and texts, a Go
# distribution, /usr/share/doc) coded as a set of 100 MiB volumes by
# dcar create and by dcarbeam on Beam's local runner (prism), compared
# volume by volume, extracted and compared with the tree; then one
# volume deleted: verify and extract.
#   docs/volumes-bench.sh DCAR DCARBEAM WORKDIR [PRESET_FLAG [EXTRA_DIR...]]
# EXTRA_DIRs are copied into the tree as well (the ~1 GB run added two
# directories of the Go module cache, Go source of many projects).
set -u
dcar=$1 beam=$2 work=$3 preset=${4:---fast}
shift $(($# < 4 ? $# : 4))
t() { /usr/bin/time -f '%e s wall, %U s user, %S s sys' "$@"; }
tree=$work/mixed
if [ ! -d "$tree" ]; then
	mkdir -p "$tree"
	cp -a ../shared/data/train-images ../shared/data/train-text "$tree"/
	cp -a "$(go env GOROOT)" "$tree"/go
	cp -a /usr/share/doc "$tree"/doc
fi
roots="train-images train-text go doc"
for d in "$@"; do
	[ -d "$tree/$(basename "$d")" ] || cp -a "$d" "$tree"/
	roots="$roots $(basename "$d")"
done
cd "$tree" || exit 1
echo "tree: $(du -s --apparent-size --block-size=1 $roots | awk '{s+=$1} END {print s}') bytes, $(find $roots -type f | wc -l) files"
rm -rf "$work/local" "$work/beam" "$work/x" "$work/y"
mkdir -p "$work/local" "$work/beam"
echo "== dcar create $preset --jobs 2 --volume-size 100M"
t "$dcar" create -q $preset --jobs 2 --volume-size 100M "$work/local/mixed.dcar" $roots
echo "== dcarbeam create $preset on the local runner, 2 branches x 1 job"
t "$beam" create $preset --jobs 1 --branches 2 --volume_size 100M --out "$work/beam/mixed.dcar" $roots 2>&1 | grep -v 'level=INFO'
ls -l "$work/local"
n=0; d=0
for f in "$work"/local/*; do
	n=$((n + 1))
	cmp "$f" "$work/beam/$(basename "$f")" || d=$((d + 1))
done
echo "cmp: $n files, $d differ"
echo "== dcar extract"
t "$dcar" extract -q "$work/local/mixed.dcar" -C "$work/x"
diff -r --no-dereference "$tree" "$work/x" >/dev/null && echo "diff -r: identical" || echo "diff -r: DIFFERENT"
echo "== dcar verify without mixed.dcar.002"
mv "$work/local/mixed.dcar.002" "$work/002.away"
t "$dcar" verify -q "$work/local/mixed.dcar"; echo "exit $?"
echo "== dcar extract without mixed.dcar.002"
t "$dcar" extract -q "$work/local/mixed.dcar" -C "$work/y"; echo "exit $?"
echo "restored $(find "$work/y" | wc -l) of $(find "$work/x" | wc -l) paths"
mv "$work/002.away" "$work/local/mixed.dcar.002"
