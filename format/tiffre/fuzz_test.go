package tiffre

import (
	"path/filepath"
	"testing"
)

// seeds are the committed fixtures and a few synthetic files.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("testdata/*.tif")
	for _, fn := range files {
		out = append(out, mustRead(f, fn))
	}
	out = append(out,
		writeTIFF(makeSynth(synth{w: 9, h: 5, c: 3, depth: 8, comp: compLZW, pred: 2, th: 2, photo: 2}, lzwCode(true, []int{0, 3}))),
		writeTIFF(makeSynth(synth{big: true, w: 7, h: 5, c: 2, depth: 16, comp: compNone, pred: 2, tw: 16, th: 16, photo: 1}, func(_ int, r []byte) []byte { return r })),
		writeTIFF(makeSynth(synth{w: 9, h: 5, c: 1, depth: 8, comp: compPackBits, pred: 1, th: 5, photo: 3}, func(_ int, r []byte) []byte { return packBits(nil, r, 9) })),
	)
	return out
}

// FuzzSplit: the parser and the strip decoders never panic, and
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
		got, err := Join(p.Meta, p.Pixels)
		if err != nil || string(got) != string(b) {
			t.Fatalf("Join: %v", err)
		}
	})
}

// FuzzJoin: the rebuild never panics on damaged side data or pixels and
// keeps its memory bounded by what the side data declares.
func FuzzJoin(f *testing.F) {
	for _, s := range seeds(f) {
		p, err := Split(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(p.Meta, p.Pixels)
	}
	f.Fuzz(func(t *testing.T, meta, pix []byte) {
		Join(meta, pix)
	})
}

// FuzzLZW: the LZW decoder never panics, and a chunk it decodes whose
// clears the encoder replays re-encodes to the same data codes.
func FuzzLZW(f *testing.F) {
	f.Add([]byte{0x80, 0x10, 0x48, 0x28, 0x1c, 0x0c, 0x08, 0x02}, 4)
	f.Fuzz(func(t *testing.T, chunk []byte, want int) {
		if want < 1 || want > 1<<16 {
			return
		}
		dst := make([]byte, want)
		events, last, end, err := lzwDecode(dst, chunk, 0)
		if err != nil {
			return
		}
		if end > 8*len(chunk) {
			t.Fatalf("end bit %d past %d bytes", end, len(chunk))
		}
		auto, kept := lzwAuto(events, last)
		re, end2 := new(lzwEncoder).encode(nil, dst, auto, kept)
		var back = make([]byte, want)
		if _, _, _, err := lzwDecode(back, re, 0); err != nil || string(back) != string(dst) || end2 > 8*len(re) {
			t.Fatalf("re-encoding does not decode: %v", err)
		}
	})
}

// FuzzPackBits: the PackBits decoder never panics, and its headers
// rebuild the packets it read.
func FuzzPackBits(f *testing.F) {
	f.Add([]byte{3, 1, 2, 2, 3, 0xfe, 7, 0x80}, 7)
	f.Fuzz(func(t *testing.T, chunk []byte, want int) {
		if want < 1 || want > 1<<16 {
			return
		}
		dst := make([]byte, want)
		h, used, err := packBitsDecode(dst, chunk, 0)
		if err != nil {
			return
		}
		re, err := packBitsHeaders(nil, dst, h)
		if err != nil || string(re) != string(chunk[:used]) {
			t.Fatalf("headers rebuild %x, want %x (%v)", re, chunk[:used], err)
		}
	})
}
