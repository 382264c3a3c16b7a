#!/bin/sh
# Builds the ~100 MB "ordinary mixed folder" of the README's real-folder
# benchmark (issue #21) at $1/tree: docs/ + images/ + bin/.
# Usage: sh docs/mixed-tree.sh /tmp/tree-work   (from the repository root)
# Needs ImageMagick 6 (apt-get install -y imagemagick: /usr/bin/convert).
# Images come only from the training photos (each source photo used once).
set -eu
W=${1:?usage: mixed-tree.sh DIR}
T=$W/tree
S=$(cd "$(dirname "$0")/../../shared/data/train-images/wikipedia-photos" && pwd)
C=/usr/bin/convert   # real ImageMagick (/usr/local/bin/convert is a stand-in)

rm -rf "$T"
mkdir -p "$T"

# 1. docs/: this machine's /usr/share/doc/[a-m]*
mkdir -p "$T/docs"
cp -a /usr/share/doc/[a-m]* "$T/docs/"

# 2. images/
I=$T/images
mkdir -p "$I"
# 8-bit RGB PNG, copied as is (~10 MB)
n=1
for f in wp001 wp002 wp003 wp009 wp011 wp014; do
  cp "$S/$f.png" "$I/$(printf photo%02d $n).png"; n=$((n+1))
done
# binary PPM (P6, 8-bit), ~0.89 MP each (~8 MB)
for f in wp017 wp019 wp020; do
  $C "$S/$f.png" -resize 890000@ -depth 8 "$I/$(printf photo%02d $n).ppm"; n=$((n+1))
done
# BMP 24-bit, ~0.67 MP each (~4 MB)
for f in wp022 wp023; do
  $C "$S/$f.png" -resize 666000@ -type TrueColor -depth 8 BMP3:"$I/$(printf photo%02d $n).bmp"; n=$((n+1))
done
# TIFF: one uncompressed, one LZW (~4 MB)
$C "$S/wp024.png" -resize 666000@ -depth 8 -compress None "$I/$(printf photo%02d $n).tif"; n=$((n+1))
$C "$S/wp026.png" -resize 800000@ -depth 8 -compress LZW  "$I/$(printf photo%02d $n).tif"; n=$((n+1))
# 16-bit: PNG (RGB48), PPM (maxval 65535), TIFF (uncompressed) (~6 MB); resize done at Q16
$C "$S/wp028.png" -resize 390000@ -depth 16 PNG48:"$I/$(printf photo%02d $n).png"; n=$((n+1))
$C "$S/wp029.png" -resize 333000@ -depth 16 "$I/$(printf photo%02d $n).ppm"; n=$((n+1))
$C "$S/wp031.png" -resize 333000@ -depth 16 -compress None "$I/$(printf photo%02d $n).tif"; n=$((n+1))
# JPEG quality 90, upscaled 120% (~8 MB)
for f in wp005 wp006 wp008 wp012 wp015 wp018 wp032 wp034 wp035 wp037 \
         wp038 wp039 wp041 wp042 wp044 wp045 wp046 wp048 wp049; do
  $C "$S/$f.png" -resize 120% -quality 90 "$I/$(printf photo%02d $n).jpg"; n=$((n+1))
done

# 3. bin/ (six ELF binaries, ~7.5 MB)
mkdir -p "$T/bin"
for b in bash gpg openssl ssh strace tmux; do
  cp -a "/usr/bin/$b" "$T/bin/$b"
done

for d in "$T" "$T"/docs "$T"/images "$T"/bin; do du -sb "$d"; done
