package ctxcodec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/model/imgnet"
)

func modelTextBlock(t testing.TB) archive.Block {
	m, err := imgnet.DefaultText()
	if err != nil {
		t.Fatal(err)
	}
	return archive.Block{Params: append([]byte{paramsVersion}, m.TextFingerprint[:]...)}
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
	if _, err := (modelText{}).Decompress(nil, enc, len(src), archive.Block{Params: []byte{paramsVersion, 9, 9, 9, 9, 9, 9, 9, 9}}); !errors.Is(err, ErrModelMismatch) {
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
