package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/dcar-archiver/dcar/coder"
)

func liteRoundTrip(t *testing.T, name string, src []byte) []byte {
	t.Helper()
	out, err := EncodeLite(src)
	if err != nil {
		t.Fatalf("%s: encode: %v", name, err)
	}
	back, err := DecodeLite(out, len(src))
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	if !bytes.Equal(back, src) {
		t.Fatalf("%s: round trip differs", name)
	}
	return out
}

// The lite model (cm-text with --fast): a pinned stream (it passes on
// every GOARCH and with -tags purego) and its fingerprint; it codes
// text, random bytes and the empty input.
func TestGoldenLite(t *testing.T) {
	src := append(sampleText(60000, 11), randomBytes(3000, 12)...)
	src = append(src, bytes.Repeat([]byte("0123456789abcdef"), 500)...)
	out := liteRoundTrip(t, "golden lite", src)
	s := sha256.Sum256(out)
	const want = "eceb47fae1da862ac9b9502442fd9b772064ada51e3066219fdaffc8a4d09959"
	if got := hex.EncodeToString(s[:]); got != want {
		t.Errorf("golden stream: %d bytes, sha256 %s, want %s", len(out), got, want)
	}
	if got := hex.EncodeToString(LiteFingerprint[:]); got != "d490d1f6b8457bef" {
		t.Errorf("fingerprint %s", got)
	}
	full := roundTrip(t, "default model", src, DefaultConfig())
	if len(out) > len(full)*5/4 {
		t.Errorf("lite %d bytes, the default model %d", len(out), len(full))
	}
	liteRoundTrip(t, "empty", nil)
	liteRoundTrip(t, "one byte", []byte{'x'})
	r := liteRoundTrip(t, "random", randomBytes(20000, 5))
	if len(r) > 20000+20000/50 {
		t.Errorf("random: %d bytes for 20000", len(r))
	}
}

func TestDecodeLiteErrors(t *testing.T) {
	src := sampleText(5000, 5)
	out, err := EncodeLite(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		n    int
		want error
	}{
		{"truncated", out[:len(out)-3], len(src), coder.ErrTruncated},
		{"trailing", append(append([]byte(nil), out...), 0), len(src), coder.ErrTrailingData},
		{"negative", out, -1, ErrTooLarge},
		{"too large", out, MaxSegment + 1, ErrTooLarge},
	} {
		if _, err := DecodeLite(c.data, c.n); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func FuzzDecodeLite(f *testing.F) {
	for _, s := range [][]byte{nil, []byte("a"), sampleText(300, 9), randomBytes(100, 4)} {
		out, err := EncodeLite(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(out, uint16(len(s)))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		got, err := DecodeLite(data, int(n))
		if err != nil {
			return
		}
		// Anything accepted is exactly the encoding of what it decoded to.
		again, err := EncodeLite(got)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted a stream that is not the encoding of its output")
		}
	})
}

func BenchmarkEncodeLite(b *testing.B) {
	src := benchData()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := EncodeLite(src); err != nil {
			b.Fatal(err)
		}
	}
}
