package gifre

import (
	"bytes"
	"testing"
)

// seeds are the synthetic GIFs, the hand-made edge cases and the
// committed files in testdata/.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, b := range fixtures(f) {
		out = append(out, b)
	}
	for _, c := range edgeCases() {
		if len(c.gif) < 20000 {
			out = append(out, c.gif)
		}
	}
	return out
}

// fuzzLimit keeps the fuzzers' allocations small: a forged descriptor
// may still declare this many pixels.
const fuzzLimit = 1 << 20

// FuzzSplit: the parser, LZW decoder and analysis never panic, and
// whatever Split accepts, Join rebuilds exactly.
func FuzzSplit(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = fuzzLimit
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Split(b)
		if err != nil {
			return
		}
		pix := make([][]byte, len(p.Frames))
		for i, fr := range p.Frames {
			pix[i] = fr.Pix
		}
		got, err := Join(p.Meta, pix)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("Join: %v", err)
		}
		if _, err := Frames(p.Meta); err != nil {
			t.Fatalf("Frames: %v", err)
		}
	})
}

// FuzzJoin: the rebuild never panics on damaged side data or pixels and
// its output stays within what the side data declares.
func FuzzJoin(f *testing.F) {
	for _, s := range seeds(f) {
		p, err := Split(s)
		if err != nil {
			f.Fatal(err)
		}
		var pix []byte
		for _, fr := range p.Frames {
			pix = append(pix, fr.Pix...)
		}
		f.Add(p.Meta, pix)
	}
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = fuzzLimit
	f.Fuzz(func(t *testing.T, meta, flat []byte) {
		fs, err := Frames(meta)
		if err != nil {
			Join(meta, nil)
			return
		}
		// Give every frame its pixels, from flat as far as it reaches.
		pix := make([][]byte, len(fs))
		for i, fr := range fs {
			pix[i] = make([]byte, fr.W*fr.H)
			flat = flat[copy(pix[i], flat):]
		}
		out, err := Join(meta, pix)
		if err == nil && len(out) > len(meta)+2*fuzzLimit+len(meta)*2*255 {
			t.Fatalf("%d bytes from %d bytes of side data", len(out), len(meta))
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	gif := encodeGIF(b, testImage(640, 480, 256, 1))
	b.SetBytes(int64(len(gif)))
	for b.Loop() {
		if _, err := Split(gif); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJoin(b *testing.B) {
	gif := encodeGIF(b, testImage(640, 480, 256, 1))
	p, err := Split(gif)
	if err != nil {
		b.Fatal(err)
	}
	pix := [][]byte{p.Frames[0].Pix}
	b.SetBytes(int64(len(gif)))
	for b.Loop() {
		if _, err := Join(p.Meta, pix); err != nil {
			b.Fatal(err)
		}
	}
}
