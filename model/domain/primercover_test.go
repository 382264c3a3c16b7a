package domain

import (
	"slices"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

// coverImages prefers images whose patterns recur in other images to
// images of patterns of their own (which it does not take at all),
// within its budget, and chooses the same whatever the order of map
// iteration.
func TestCoverImages(t *testing.T) {
	stage := func(b []byte) model.StageImage {
		im, ok := pixelsOf(b)
		if !ok {
			t.Fatal("a test image does not decode")
		}
		return model.StageImage{Pix: im.pix, W: im.w, Rows: im.h, Ch: im.ch}
	}
	noisy := func(k int) model.StageImage {
		p := testImage(48, 40, 3)
		for i := range p {
			p[i] ^= byte(k * 37)
		}
		return model.StageImage{Pix: p, W: 48, Rows: 40, Ch: 3}
	}
	// Three screenshots sharing frames and marks, two noise images.
	imgs := []model.StageImage{noisy(1), stage(flatPNG(t, 96, 64, 1)), noisy(2), stage(flatPNG(t, 96, 64, 2)), stage(flatPNG(t, 96, 64, 3))}
	most := int64(2 * 96 * 64 * 3)
	got := coverImages(imgs, most)
	if len(got) == 0 {
		t.Fatal("no image chosen")
	}
	var n int64
	for _, im := range got {
		if im.W != 96 {
			t.Fatal("a noise image was chosen before a screenshot")
		}
		n += int64(len(im.Pix))
	}
	if n > most {
		t.Fatalf("%d sub-pixels chosen, budget %d", n, most)
	}
	for range 3 {
		again := coverImages(imgs, most)
		for i := range again {
			if !slices.Equal(again[i].Pix, got[i].Pix) {
				t.Fatal("two choices differ")
			}
		}
	}
	if one := coverImages(imgs[:1], 1); len(one) != 1 {
		t.Fatalf("the first image is taken whatever its size: %d chosen", len(one))
	}
}
