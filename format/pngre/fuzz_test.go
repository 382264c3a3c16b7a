package pngre

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

// seeds are small PNGs written by image/png at every level, plus the
// committed ones in testdata/.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for i, m := range []color.Model{color.GrayModel, color.RGBAModel, color.NRGBAModel} {
		for _, lv := range levels {
			out = append(out, encodePNG(f, testImage(9+i, 5, m, int64(i)), lv))
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

// FuzzInflate: the token-level inflater never panics and its tokens
// re-emit the stream.
func FuzzInflate(f *testing.F) {
	for _, s := range seeds(f) {
		if l, err := parsePNG(s); err == nil {
			f.Add(l.stream, l.hdr.filteredLen())
		}
	}
	f.Fuzz(func(t *testing.T, z []byte, want int) {
		if want < 0 || want > 1<<20 {
			return
		}
		data, s, err := inflate(z, want, 0)
		if err != nil {
			return
		}
		toks, err := blockTokens(s)
		if err != nil {
			t.Fatal(err)
		}
		re, err := emitStream(s, data, toks)
		if err != nil {
			t.Fatal(err)
		}
		if string(re) != string(z) {
			t.Fatal("re-emitted stream differs") // Split would refuse it; make it visible
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
