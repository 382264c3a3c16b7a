package codec

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
)

// modelTextBlocks returns a block of each model-text version: 1, then 2
// as --best plans it.
func modelTextBlocks(t testing.TB) []Block {
	m, err := model.DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	v2, ok := planModelText(Kind{Modality: format.ModalityText}, nil, 1)
	if !ok {
		t.Fatal("model-text not planned")
	}
	return []Block{{Params: append([]byte{paramsVersion}, m.TextFingerprint[:]...)}, {Params: v2.Params}}
}

// Blocks of one entry are independent segments: a multi-block text
// round-trips, and each block can be decoded alone.
func TestModelTextBlocks(t *testing.T) {
	for _, b := range modelTextBlocks(t) {
		t.Run(fmt.Sprint("version ", b.Params[0]), func(t *testing.T) { testModelTextBlocks(t, b) })
	}
	// A version 2 block names a context-mixing model this dcar lacks.
	b := modelTextBlocks(t)[1]
	b.Params = append([]byte(nil), b.Params...)
	b.Params[16] ^= 1
	if _, err := (modelText{}).Decompress(nil, []byte{1, 2, 3}, 10, b); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("unknown context-mixing fingerprint: %v", err)
	}
}

func testModelTextBlocks(t *testing.T, b Block) {
	src := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog. ", 300))
	enc, err := modelText{}.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := modelText{}.Decompress(nil, enc, len(src), b)
	if err != nil || !bytes.Equal(dec, src) {
		t.Fatalf("round trip: %v", err)
	}
	if len(enc) > len(src)/3 {
		t.Errorf("%d bytes coded to %d", len(src), len(enc))
	}
	// truncated and corrupted streams are errors, never wrong output
	if out, err := (modelText{}).Decompress(nil, enc[:len(enc)/2], len(src), b); err == nil && bytes.Equal(out, src) {
		t.Error("truncated stream decoded")
	}
	if _, err := (modelText{}).Decompress(nil, enc, len(src), Block{Params: []byte{paramsVersion, 9, 9, 9, 9, 9, 9, 9, 9}}); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("unknown fingerprint: %v", err)
	}
}

func FuzzModelTextDecompress(f *testing.F) {
	bs := modelTextBlocks(f)
	for i, b := range bs {
		enc, _ := modelText{}.Compress(nil, []byte("hello hello hello"), b)
		f.Add(enc, 17, i)
		// words of the word code's dictionary, capitalised, upper case,
		// camel case, and bytes it escapes
		src := []byte("The THE the theFirst x1the caf\xc3\xa9 OVER over Over.")
		enc, _ = modelText{}.Compress(nil, src, b)
		f.Add(enc, len(src), i)
	}
	f.Fuzz(func(t *testing.T, src []byte, n, v int) {
		if n < 0 || n > 1<<14 {
			return
		}
		modelText{}.Decompress(nil, src, n, bs[uint(v)%uint(len(bs))])
	})
}

// benchText is prose-like text with some structure (no evaluation data).
func benchText() []byte {
	var b strings.Builder
	words := strings.Fields("the model codes every byte of a text with the statistics of the bytes before it and a small network that corrects them when the context is long enough to matter")
	x := uint32(7)
	for b.Len() < 1<<18 {
		x = x*1664525 + 1013904223
		b.WriteString(words[(x>>16)%uint32(len(words))])
		if x>>28 == 0 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return []byte(b.String())
}

func BenchmarkModelTextCompress(b *testing.B) {
	benchCompress(b, modelText{}, modelTextBlocks(b)[1])
}
func BenchmarkModelTextDecompress(b *testing.B) {
	benchDecompress(b, modelText{}, modelTextBlocks(b)[1])
}

// benchCompress and benchDecompress measure a text codec on benchText.
func benchCompress(b *testing.B, c Codec, blk Block) {
	src := benchText()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Compress(nil, src, blk); err != nil {
			b.Fatal(err)
		}
	}
}

func benchDecompress(b *testing.B, c Codec, blk Block) {
	src := benchText()
	enc, err := c.Compress(nil, src, blk)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Decompress(nil, enc, len(src), blk); err != nil {
			b.Fatal(err)
		}
	}
}
