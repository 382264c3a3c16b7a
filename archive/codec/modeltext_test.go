package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

func modelTextBlock(t testing.TB) Block {
	m, err := model.DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	return Block{Params: append([]byte{paramsVersion}, m.TextFingerprint[:]...)}
}

// Blocks of one entry are independent segments: a multi-block text
// round-trips, and each block can be decoded alone.
func TestModelTextBlocks(t *testing.T) {
	b := modelTextBlock(t)
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
	b := modelTextBlock(f)
	enc, _ := modelText{}.Compress(nil, []byte("hello hello hello"), b)
	f.Add(enc, 17)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<14 {
			return
		}
		modelText{}.Decompress(nil, src, n, b)
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

func BenchmarkModelTextCompress(b *testing.B)   { benchCompress(b, modelText{}, modelTextBlock(b)) }
func BenchmarkModelTextDecompress(b *testing.B) { benchDecompress(b, modelText{}, modelTextBlock(b)) }

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
