package data

import (
	"math/rand/v2"

	"github.com/dcar-archiver/dcar/model"
)

// Mix sets the modality/source proportions of sampled batches.
type Mix struct {
	ImageFrac float64 // fraction of sequences that are image patches
	CodeFrac  float64 // fraction of text sequences taken from Go source
}

// ImagePatch returns the 768 sub-pixels of the 16×16 patch at (x, y).
func ImagePatch(im *RGB, x, y int) []int32 {
	s := make([]int32, 0, Patch*Patch*3)
	for r := 0; r < Patch; r++ {
		row := im.Pix[3*((y+r)*im.W+x):]
		for _, v := range row[:3*Patch] {
			s = append(s, int32(v))
		}
	}
	return s
}

func (s *Split) randomPatch(rng *rand.Rand) []int32 {
	n := s.pixCum[len(s.pixCum)-1]
	k := rng.IntN(n)
	i := 0
	for s.pixCum[i] <= k {
		i++
	}
	if i > 0 {
		k -= s.pixCum[i-1]
	}
	im := s.Images[i]
	w := im.W - Patch + 1
	return ImagePatch(im, k%w, k/w)
}

func randomWindow(rng *rand.Rand, text []byte, n int) []int32 {
	if len(text) <= n {
		n = len(text)
	}
	off := rng.IntN(len(text) - n + 1)
	return model.ByteTokenizer{}.Encode(make([]int32, 0, n), text[off:off+n])
}

// sample draws one sequence from split s.
func (d *Dataset) sample(s *Split, rng *rand.Rand, mix Mix) Sample {
	hasImg, hasProse, hasCode := len(s.Images) > 0, len(s.Prose) > 0, len(s.Code) > 0
	img := hasImg && (!(hasProse || hasCode) || rng.Float64() < mix.ImageFrac)
	if img {
		return Sample{model.Sequence{Mod: model.Image, Syms: s.randomPatch(rng)}, SrcImage}
	}
	code := hasCode && (!hasProse || rng.Float64() < mix.CodeFrac)
	if code {
		return Sample{model.Sequence{Mod: model.Text, Syms: randomWindow(rng, s.Code, d.SeqLen)}, SrcCode}
	}
	return Sample{model.Sequence{Mod: model.Text, Syms: randomWindow(rng, s.Prose, d.SeqLen)}, SrcProse}
}

// Batch draws n training sequences (both modalities mixed per mix). The
// result depends only on rng's state.
func (d *Dataset) Batch(rng *rand.Rand, n int, mix Mix) []Sample {
	out := make([]Sample, n)
	for i := range out {
		out[i] = d.sample(&d.Train, rng, mix)
	}
	return out
}

// Validation returns a fixed set of held-out sequences: n image patches,
// n prose windows and n code windows (those sources that exist).
func (d *Dataset) Validation(seed uint64, n int) []Sample {
	rng := rand.New(rand.NewPCG(seed, 0xda7a))
	var out []Sample
	s := &d.Val
	for i := 0; i < n && len(s.Images) > 0; i++ {
		out = append(out, Sample{model.Sequence{Mod: model.Image, Syms: s.randomPatch(rng)}, SrcImage})
	}
	for i := 0; i < n && len(s.Prose) > 0; i++ {
		out = append(out, Sample{model.Sequence{Mod: model.Text, Syms: randomWindow(rng, s.Prose, d.SeqLen)}, SrcProse})
	}
	for i := 0; i < n && len(s.Code) > 0; i++ {
		out = append(out, Sample{model.Sequence{Mod: model.Text, Syms: randomWindow(rng, s.Code, d.SeqLen)}, SrcCode})
	}
	return out
}

// Summary describes the loaded data.
func (s *Split) Summary() (images, pixels, prose, code int) {
	for _, im := range s.Images {
		pixels += im.W * im.H
	}
	return len(s.Images), pixels, len(s.Prose), len(s.Code)
}
