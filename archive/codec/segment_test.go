package codec

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

func cmTextBlock() Block { return Block{Params: cmText.params()} }

// cm-text checks its parameters (a different model fails naming both
// fingerprints) and reports a damaged payload as corrupt.
func TestCMTextErrors(t *testing.T) {
	b := cmTextBlock()
	src := []byte(strings.Repeat("the archive keeps every byte. ", 50))
	enc, err := cmText.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := cmText.Decompress(nil, enc, len(src), b); err != nil || !bytes.Equal(got, src) {
		t.Fatalf("round trip: %v", err)
	}
	other := cmTextBlock()
	other.Params[3] ^= 1
	_, err = cmText.Decompress(nil, enc, len(src), other)
	if !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "cm-text") {
		t.Errorf("other fingerprint: %v", err)
	}
	if _, err := cmText.Decompress(nil, enc, len(src), Block{Params: []byte{1}}); !errors.Is(err, ErrParams) {
		t.Errorf("short params: %v", err)
	}
	if _, err := cmText.Decompress(nil, enc[:len(enc)-2], len(src), b); !errors.Is(err, format.ErrCorrupt) {
		t.Errorf("truncated payload: %v", err)
	}
}

func FuzzCMTextDecompress(f *testing.F) {
	b := cmTextBlock()
	enc, _ := cmText.Compress(nil, []byte("hello hello hello"), b)
	f.Add(enc, 17)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<14 {
			return
		}
		cmText.Decompress(nil, src, n, b)
	})
}

func BenchmarkCMTextCompress(b *testing.B)   { benchCompress(b, cmText, cmTextBlock()) }
func BenchmarkCMTextDecompress(b *testing.B) { benchDecompress(b, cmText, cmTextBlock()) }

// Entries coded as model segments are cut into near-equal blocks close
// to the writer's default, never with a short tail block.
func TestSegmentBlockSize(t *testing.T) {
	const mi = 1 << 20
	for _, c := range []struct {
		size int64
		want int
	}{
		{1, 0},
		{4 * mi, 0},
		{4*mi + 1, 4*mi + 1},       // one block, not 4 MiB + 1 byte
		{6*mi - 1, 6*mi - 1},       // still one
		{6 * mi, 3 * mi},           // two of 3 MiB
		{9 * mi, 9 * mi / 2},       // two
		{10 * mi, (10*mi + 2) / 3}, // three
		{1 << 30, 4 * mi},
	} {
		got := segmentBlockSize(c.size)
		if got != c.want {
			t.Errorf("segmentBlockSize(%d) = %d, want %d", c.size, got, c.want)
		}
		if got > format.MaxBlockSize {
			t.Errorf("segmentBlockSize(%d) = %d: above the limit", c.size, got)
		}
	}
}

func FuzzTextDecompress(f *testing.F) {
	fp := txtctx.DefaultFingerprint
	b := Block{Params: append([]byte{paramsVersion}, fp[:]...)}
	enc, _ := ctxText.Compress(nil, []byte("hello hello hello"), b)
	f.Add(enc, 17)
	f.Fuzz(func(t *testing.T, src []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		ctxText.Decompress(nil, src, n, b)
	})
}
