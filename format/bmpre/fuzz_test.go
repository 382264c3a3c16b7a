package bmpre

import (
	"bytes"
	"testing"
)

// seeds are the committed fixtures and a few hand-written files of each
// kind.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, b := range fixtures(f) {
		out = append(out, b)
	}
	pix := testPix(13, 7, 16, 5)
	for _, o := range []bmpOpts{
		{bpp: 1, hdr: 12, padByte: 0x33},
		{bpp: 4, topDown: true, hdr: 124, trailing: []byte{1}},
		{bpp: 8, gap: 2},
		{bpp: 4, comp: biRLE4, rle: rleOpts{gimp: true}},
		{bpp: 4, comp: biRLE4, rle: rleOpts{absolute: true, deltas: true, litPad: 9}},
		{bpp: 8, comp: biRLE8, rle: rleOpts{padRow: true, earlyEOB: true}},
		{bpp: 8, comp: biRLE8, rle: rleOpts{absolute: true, noEOB: true}, trailing: []byte{7, 7, 7}},
	} {
		out = append(out, writeBMP(13, 7, pix, o))
	}
	return out
}

// fuzzLimit keeps the fuzzers' allocations small: a forged header may
// still declare this many pixels.
const fuzzLimit = 1 << 20

// FuzzSplit: the parser, the RLE decoder and the analysis never panic,
// and whatever Split accepts, Join rebuilds exactly.
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
		got, err := Join(p.Meta, p.Pix)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("Join: %v", err)
		}
		if w, h, _, err := Shape(p.Meta); err != nil || w != p.W || h != p.H {
			t.Fatalf("Shape: %v", err)
		}
	})
}

// FuzzJoin: the rebuild never panics on damaged side data or pixels and
// its output stays within what the side data and the pixels bound.
func FuzzJoin(f *testing.F) {
	for _, s := range seeds(f) {
		p, err := Split(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Meta, p.Pix)
	}
	defer func(n int) { maxPixels = n }(maxPixels)
	maxPixels = fuzzLimit
	f.Fuzz(func(t *testing.T, meta, flat []byte) {
		w, h, _, err := Shape(meta)
		if err != nil {
			Join(meta, flat)
			return
		}
		pix := make([]byte, w*h)
		copy(pix, flat)
		out, err := Join(meta, pix)
		// At most 2 bytes per pixel of the padded image, 2 per row, and
		// 4 per 3 bytes of side data (delta exceptions).
		if err == nil && len(out) > 2*len(meta)+2*(w+8)*h+2*h+16 {
			t.Fatalf("%d bytes from %d bytes of side data and %d pixels", len(out), len(meta), len(pix))
		}
	})
}

func benchFile(b *testing.B, comp int) []byte {
	bpp := 8
	if comp == biRLE4 {
		bpp = 4
	}
	return writeBMP(640, 480, testPix(640, 480, 1<<bpp, 1), bmpOpts{bpp: bpp, comp: comp, rle: rleOpts{absolute: true}})
}

func benchSplit(b *testing.B, comp int) {
	bmp := benchFile(b, comp)
	b.SetBytes(int64(len(bmp)))
	for b.Loop() {
		if _, err := Split(bmp); err != nil {
			b.Fatal(err)
		}
	}
}

func benchJoin(b *testing.B, comp int) {
	bmp := benchFile(b, comp)
	p, err := Split(bmp)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(bmp)))
	for b.Loop() {
		if _, err := Join(p.Meta, p.Pix); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplitRGB(b *testing.B)  { benchSplit(b, biRGB) }
func BenchmarkSplitRLE8(b *testing.B) { benchSplit(b, biRLE8) }
func BenchmarkSplitRLE4(b *testing.B) { benchSplit(b, biRLE4) }
func BenchmarkJoinRGB(b *testing.B)   { benchJoin(b, biRGB) }
func BenchmarkJoinRLE8(b *testing.B)  { benchJoin(b, biRLE8) }
func BenchmarkJoinRLE4(b *testing.B)  { benchJoin(b, biRLE4) }
