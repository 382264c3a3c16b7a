package bz2re

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name+".bz2"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSplitErrors(t *testing.T) {
	text := readFixture(t, "text-9")
	flip := append([]byte{}, text...)
	flip[len(flip)/2] ^= 0x10
	randomised := append([]byte{}, text...)
	randomised[14] |= 0x80
	relabel := append([]byte{}, readFixture(t, "straddle-split")...)
	relabel[3] = '9' // valid bzip2, but the blocks are level-1 sized
	cases := []struct {
		name string
		src  []byte
		max  int64
		want error
	}{
		{"empty", nil, 1 << 20, ErrCorrupt},
		{"not bzip2", []byte("hello world"), 1 << 20, ErrCorrupt},
		{"header only", []byte("BZh9"), 1 << 20, ErrCorrupt},
		{"level 0", []byte("BZh0"), 1 << 20, ErrCorrupt},
		{"truncated", text[:len(text)-7], 1 << 20, ErrCorrupt},
		{"bit flip", flip, 1 << 20, ErrCorrupt},
		{"trailing", append(append([]byte{}, text...), "junk"...), 1 << 20, ErrUnsupported},
		{"randomised", randomised, 1 << 20, ErrUnsupported},
		{"bomb", readFixture(t, "zeros"), 1 << 20, ErrTooLarge},
		{"relabelled level", relabel, 1 << 20, ErrNotReproducible},
	}
	for _, c := range cases {
		_, _, err := Split(c.src, c.max)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		} else {
			t.Logf("%s: %v", c.name, err)
		}
	}
}

func TestTrailingStreamIsKept(t *testing.T) {
	// An empty stream after data is a stream, not trailing garbage.
	src := append(readFixture(t, "byte"), readFixture(t, "empty")...)
	p := roundTrip(t, "byte+empty", src, []byte("x"))
	if len(p.Streams) != 2 {
		t.Errorf("%d streams", len(p.Streams))
	}
	if _, _, err := Split(bytes.Repeat(readFixture(t, "empty"), 1000), 0); err != nil {
		t.Errorf("1000 empty streams with maxRaw 0: %v", err)
	}
}
