package pngre

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// seeds are small PNGs written by image/png at every level, of every
// colour type and depth interlaced or not, plus the committed ones in
// testdata/.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for i, m := range []color.Model{color.GrayModel, color.RGBAModel, color.NRGBAModel} {
		for _, lv := range levels {
			out = append(out, encodePNG(f, testImage(9+i, 5, m, int64(i)), lv))
		}
	}
	for _, n := range []int{2, 4, 16, 100} { // 1-, 2-, 4- and 8-bit palette indices
		out = append(out, palettePNG(f, 11, 4, n, int64(n)))
	}
	// every colour type and bit depth, interlaced or not (interlace_test.go)
	for i, k := range kinds {
		c := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[k.ct]
		for _, il := range []bool{false, true} {
			pix := synthSamples(10, 7, c, k.depth, int64(i))
			out = append(out, synthPNG(f, 10, 7, k.ct, k.depth, il, pix, 6, func(r int) byte { return byte(r % 5) }))
		}
	}
	files, _ := filepath.Glob("testdata/*.png")
	for _, fn := range files {
		if b, err := os.ReadFile(fn); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// FuzzSplit: the parser, inflater and side-data encoder never panic, and
// whatever Split accepts, Join rebuilds exactly.
func FuzzSplit(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Split(b)
		if err != nil {
			return
		}
		got, err := Join(p.Meta, p.Tokens, p.Pixels)
		if err != nil {
			t.Fatalf("Join: %v", err)
		}
		if string(got) != string(b) {
			t.Fatal("Join differs")
		}
	})
}

// FuzzJoin: the reconstruction decoder never panics on damaged side data
// and keeps its memory bounded.
func FuzzJoin(f *testing.F) {
	for _, s := range seeds(f) {
		p, err := Split(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Meta, p.Tokens, p.Pixels)
	}
	f.Fuzz(func(t *testing.T, meta, tokens, pix []byte) {
		Join(meta, tokens, pix)
	})
}
