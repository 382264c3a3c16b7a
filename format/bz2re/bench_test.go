package bz2re

import (
	"os"
	"testing"
)

// BenchmarkEncode measures whole-file encoding (RLE, BWT, MTF, Huffman,
// bit writing): 2 MB of text-like bytes, 1 MB with runs, 512 kB random,
// at level 9; and silesia files when present.
func BenchmarkEncode(b *testing.B) {
	mix := append(append(textLike(2<<20, 11), runsBinary(1<<20, 12)...), randomBytes(512<<10, 13)...)
	b.Run("mix-9", func(b *testing.B) {
		benchEncode(b, mix, Params{Streams: []Stream{{Level: 9, Len: int64(len(mix))}}})
	})
	for _, name := range []string{"xml", "dickens"} {
		src, err := os.ReadFile("/work/shared/data/text/silesia/" + name + ".bz2")
		if err != nil {
			continue
		}
		raw, p, err := Split(src, 1<<30)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) { benchEncode(b, raw, p) })
	}
}

func benchEncode(b *testing.B, raw []byte, p Params) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(raw, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	src := readFixture(b, "text-9")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Split(src, 1<<30); err != nil {
			b.Fatal(err)
		}
	}
}
