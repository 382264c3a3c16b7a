#!/bin/sh
# Builds the image-kinds corpus of issue #18 at $1: one directory per
# kind (PNG grey 1-4 bit, palette, 16-bit, interlaced, alpha; GIF; TIFF
# with LZW/Deflate/PackBits; 16-bit PNM; BMP), each file made from a
# training photo (train-images/wikipedia-photos, never the evaluation
# images) or drawn, by ImageMagick, optipng, pngcrush, gifsicle, tiffcp
# and Go's image/png and image/gif (docs/imagekinds/main.go).
# Usage: sh docs/image-kinds.sh /tmp/kinds   (from the repository root)
# Needs: apt-get install -y imagemagick optipng pngcrush gifsicle libtiff-tools
set -eu
O=${1:?usage: image-kinds.sh DIR}
R=$(cd "$(dirname "$0")/.." && pwd)
S=$R/../shared/data/train-images/wikipedia-photos
C=/usr/bin/convert
rm -rf "$O"
mkdir -p "$O"/ppm8 "$O"/png-alpha "$O"/png-grey-low "$O"/png-palette "$O"/png-16 "$O"/png-interlaced "$O"/gif "$O"/tiff "$O"/pnm16 "$O"/bmp
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Sources: 0.25 MP crops of six training photos, resized at 16 bits.
n=0
for f in wp005 wp006 wp008 wp012 wp015 wp018; do
  n=$((n+1))
  $C "$S/$f.png" -resize 250000@ -depth 16 "$T/s$n.png"
done
# A drawn chart and a page of rendered text (palette material).
$C -size 800x500 xc:white -fill '#3366cc' -draw 'rectangle 60,400 140,120' -fill '#dc3912' -draw 'rectangle 180,400 260,200' \
  -fill '#ff9900' -draw 'rectangle 300,400 380,80' -fill '#109618' -draw 'rectangle 420,400 500,260' \
  -stroke black -draw 'line 40,400 760,400' -draw 'line 40,400 40,40' -stroke none -fill black -pointsize 22 \
  -annotate +60+440 'Q1      Q2      Q3      Q4' -annotate +560+120 'revenue by quarter' "$T/chart.png"
$C -size 900x600 xc:white -fill black -pointsize 18 -annotate +30+40 \
  "$(sed -n 1,22p "$R/README.md" | cut -c1-80)" "$T/text.png"

# The reference kind: 8-bit RGB PPMs of three of the sources (speed per sample is compared with it)
for i in 1 2 3; do $C "$T/s$i.png" -depth 8 "$O/ppm8/rgb8-$i.ppm"; done

# PNG, grey at 1, 2 and 4 bits (dithered photos), by ImageMagick and optipng
$C "$T/s1.png" -depth 8 -colorspace Gray -dither FloydSteinberg -monochrome -define png:bit-depth=1 -define png:color-type=0 "$O/png-grey-low/grey1.png"
$C "$T/s2.png" -colorspace Gray -colors 4 -depth 2 -define png:bit-depth=2 -define png:color-type=0 "$O/png-grey-low/grey2.png"
$C "$T/s3.png" -colorspace Gray -colors 16 -depth 4 -define png:bit-depth=4 -define png:color-type=0 "$O/png-grey-low/grey4.png"
cp "$O/png-grey-low/grey4.png" "$O/png-grey-low/grey4-optipng.png" && optipng -quiet -o2 "$O/png-grey-low/grey4-optipng.png"

# PNG with alpha and small palettes: RGBA 8, grey+alpha 8 and 16 (an alpha ramp), 2- and 1-bit palettes
$C "$T/s2.png" -depth 8 \( +clone -sparse-color barycentric '0,0 white %[w],%[h] gray20' \) -alpha off -compose CopyOpacity -composite PNG32:"$O/png-alpha/rgba8.png"
$C "$T/s3.png" -colorspace Gray -depth 8 \( +clone -sparse-color barycentric '0,0 white %[w],0 gray40' \) -alpha off -compose CopyOpacity -composite -define png:color-type=4 "$O/png-alpha/ga8.png"
$C "$T/s4.png" -colorspace Gray -depth 16 \( +clone -sparse-color barycentric '0,0 white 0,%[h] gray40' \) -alpha off -compose CopyOpacity -composite -define png:color-type=4 -define png:bit-depth=16 "$O/png-alpha/ga16.png"
$C "$T/s5.png" -depth 8 -colors 4 -define png:bit-depth=2 -define png:color-type=3 "$O/png-palette/photo4.png"
$C "$T/chart.png" -colors 2 -define png:bit-depth=1 -define png:color-type=3 "$O/png-palette/chart2.png"

# PNG, palette: chart, text, photo at 256 and 16 colours; optipng and pngcrush
$C "$T/chart.png" -colors 16 PNG8:"$O/png-palette/chart.png"
cp "$O/png-palette/chart.png" "$O/png-palette/chart-optipng.png" && optipng -quiet -o2 "$O/png-palette/chart-optipng.png"
$C "$T/text.png" -colors 64 PNG8:"$O/png-palette/text.png"
$C "$T/s4.png" -depth 8 -colors 256 PNG8:"$O/png-palette/photo256.png"
$C "$T/s5.png" -depth 8 +dither -colors 16 PNG8:"$O/png-palette/poster16.png"
cp "$O/png-palette/photo256.png" "$O/png-palette/photo256-optipng.png" && optipng -quiet -o2 "$O/png-palette/photo256-optipng.png"
pngcrush -q -reduce "$O/png-palette/text.png" "$O/png-palette/text-pngcrush.png"

# PNG, 16 bits: RGB48 and grey16 resized at Q16, RGBA64 with an alpha ramp, RGB widened from 8 bits
$C "$T/s1.png" PNG48:"$O/png-16/rgb48.png"
$C "$T/s2.png" -colorspace Gray -depth 16 -define png:bit-depth=16 "$O/png-16/grey16.png"
$C "$T/s3.png" \( +clone -sparse-color barycentric '0,0 white %[w],%[h] gray30' \) -alpha off -compose CopyOpacity -composite PNG64:"$O/png-16/rgba64.png"
$C "$T/s6.png" -depth 8 -depth 16 -define png:bit-depth=16 "$O/png-16/widened.png"

# PNG, Adam7 interlaced: ImageMagick and optipng; 8-bit, palette, grey 8 and 4 bits, 16-bit
$C "$T/s4.png" -depth 8 -interlace PNG PNG24:"$O/png-interlaced/rgb8.png"
$C "$T/s5.png" -depth 8 -colors 200 PNG8:"$T/p.png" && optipng -quiet -i1 -out "$O/png-interlaced/palette-optipng.png" "$T/p.png"
$C "$T/s6.png" -colorspace Gray -depth 8 "$T/g.png" && optipng -quiet -i1 -o3 -out "$O/png-interlaced/grey-optipng.png" "$T/g.png"
$C "$T/s3.png" -colorspace Gray -depth 8 -colors 16 -depth 4 -define png:bit-depth=4 -define png:color-type=0 -interlace PNG "$O/png-interlaced/grey4.png"
$C "$T/s2.png" -interlace PNG PNG48:"$O/png-interlaced/rgb48.png"

# Go's image/png and image/gif (16-bit grey, NRGBA64, paletted; an animated GIF)
go run "$R/docs/imagekinds" "$T/s1.png" "$O"

# GIF: 256 colours dithered, 16 without dither, interlaced, a chart, animated (optimised layers), gifsicle -O3
$C "$T/s1.png" -depth 8 -colors 256 "$O/gif/photo256.gif"
$C "$T/s2.png" -depth 8 +dither -colors 16 "$O/gif/poster16.gif"
$C "$T/s3.png" -depth 8 -colors 128 -interlace GIF "$O/gif/interlaced.gif"
$C "$T/chart.png" "$O/gif/chart.gif"
$C "$T/s4.png" -depth 8 -resize 320x \( +clone -roll +20+0 \) \( +clone -roll +20+0 \) \( +clone -roll +20+0 \) -set delay 20 -loop 0 -colors 128 -layers optimize "$O/gif/animated.gif"
gifsicle -O3 "$O/gif/photo256.gif" -o "$O/gif/photo256-gifsicle.gif"

# TIFF: LZW, LZW + predictor, Deflate + predictor, PackBits, 16-bit LZW, palette, tiles; tiffcp
$C "$T/s1.png" -depth 8 -compress LZW "$O/tiff/lzw.tif"
$C "$T/s2.png" -depth 8 -compress LZW -define tiff:predictor=2 "$O/tiff/lzw-pred.tif"
$C "$T/s3.png" -depth 8 -compress Zip -define tiff:predictor=2 "$O/tiff/zip-pred.tif"
$C "$T/s4.png" -colorspace Gray -depth 8 -compress RLE "$O/tiff/packbits-grey.tif"
$C "$T/s5.png" -depth 16 -compress LZW -define tiff:predictor=2 "$O/tiff/lzw16.tif"
$C "$T/chart.png" -colors 16 -type Palette -compress LZW "$O/tiff/palette.tif"
$C "$T/s6.png" -depth 8 -compress LZW -define tiff:tile-geometry=128x128 "$O/tiff/tiled.tif"
$C "$T/s6.png" -depth 8 -compress None "$T/plain.tif" && tiffcp -c lzw:2 "$T/plain.tif" "$O/tiff/tiffcp-lzw.tif"

# 16-bit PNM: PPM and PGM (maxval 65535), PAM
$C "$T/s3.png" -depth 16 "$O/pnm16/rgb16.ppm"
$C "$T/s4.png" -colorspace Gray -depth 16 "$O/pnm16/grey16.pgm"
$C "$T/s5.png" -depth 16 "$O/pnm16/rgb16.pam"

# BMP: 8-bit palette, RLE8, 4-bit palette
$C "$T/s5.png" -depth 8 -colors 256 -type Palette BMP3:"$O/bmp/palette8.bmp"
$C "$T/s6.png" -depth 8 -colors 256 -type Palette -compress RLE BMP3:"$O/bmp/rle8.bmp"
$C "$T/chart.png" -colors 16 -type Palette BMP3:"$O/bmp/palette4.bmp"
ls -l "$O"/*
