package domain

import (
	"slices"

	"github.com/dcar-archiver/dcar/model"
)

// Choosing the images of the stage's primer by coverage, as zstd's COVER
// chooses a dictionary's segments (and Primers a text primer's chunks):
// the primer pays for its bytes only through patterns that recur in
// other images (a toolkit's widgets and glyphs), so an image is worth
// its place by how many other images share the exact pixel patterns it
// holds, per pattern it holds.
//
// A pattern is the exact 3×3 window of whole pixels around a pixel, for
// the windows that are not one flat colour (flat areas are cheap and
// everywhere), sampled by hash (one in coverSample) to bound memory.

// coverSample keeps one pattern hash in coverSample.
const coverSample = 8

// patterns returns the sampled patterns of im, each once.
func patterns(im model.StageImage) []uint64 {
	w, h, ch := im.W, im.Rows, im.Ch
	seen := map[uint64]struct{}{}
	px := func(x, y int) uint64 {
		var v uint64
		for c := range ch {
			v = v<<8 | uint64(im.Pix[(y*w+x)*ch+c])
		}
		return v
	}
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			h := uint64(14695981039346656037)
			first, flat := px(x-1, y-1), true
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					v := px(x+dx, y+dy)
					flat = flat && v == first
					h = (h ^ v) * 1099511628211
				}
			}
			h ^= uint64(ch)
			h *= 0x9E3779B97F4A7C15
			if flat || h>>32%coverSample != 0 {
				continue
			}
			seen[h] = struct{}{}
		}
	}
	out := make([]uint64, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	slices.Sort(out) // a map's order is random: the choice must not be
	return out
}

// coverImages chooses from imgs, greedily, the images whose patterns
// not yet covered recur in the most other images per pattern, until
// their sub-pixels would exceed most (the first is taken whatever its
// size). The result reads the best image last (what the stage read last
// it holds best).
func coverImages(imgs []model.StageImage, most int64) []model.StageImage {
	pats := make([][]uint64, len(imgs))
	df := map[uint64]int32{}
	for i, im := range imgs {
		pats[i] = patterns(im)
		for _, p := range pats[i] {
			df[p]++
		}
	}
	covered := map[uint64]bool{}
	taken := make([]bool, len(imgs))
	var out []model.StageImage
	var n int64
	for {
		best, bestScore := -1, 0.0
		for i, im := range imgs {
			if taken[i] || len(out) > 0 && n+int64(len(im.Pix)) > most {
				continue
			}
			var gain int64
			for _, p := range pats[i] {
				if !covered[p] {
					gain += int64(df[p] - 1)
				}
			}
			if score := float64(gain) / float64(len(pats[i])+1); best < 0 || score > bestScore {
				best, bestScore = i, score
			}
		}
		if best < 0 || bestScore <= 0 && len(out) > 0 {
			break
		}
		taken[best] = true
		out = append(out, imgs[best])
		n += int64(len(imgs[best].Pix))
		for _, p := range pats[best] {
			covered[p] = true
		}
	}
	slices.Reverse(out)
	return out
}
