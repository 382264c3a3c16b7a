package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

// liteVersions are the lite model's versions: encoder and decoder.
var liteVersions = []struct {
	name   string
	encode func([]byte) ([]byte, error)
	decode func([]byte, int) ([]byte, error)
}{
	{"lite", EncodeLite, DecodeLite},
	{"lite 2", EncodeLite2, DecodeLite2},
	{"lite 3", EncodeLite3, DecodeLite3},
}

func liteRoundTrip(t *testing.T, v int, name string, src []byte) []byte {
	t.Helper()
	lv := liteVersions[v]
	out, err := lv.encode(src)
	if err != nil {
		t.Fatalf("%s %s: encode: %v", lv.name, name, err)
	}
	back, err := lv.decode(out, len(src))
	if err != nil {
		t.Fatalf("%s %s: decode: %v", lv.name, name, err)
	}
	if !bytes.Equal(back, src) {
		t.Fatalf("%s %s: round trip differs", lv.name, name)
	}
	return out
}

// The lite model (cm-text with --fast), every version: a pinned stream
// (it passes on every GOARCH and with -tags purego) and the fingerprint;
// each codes text, random bytes and the empty input; version 2 (the
// code tree) codes text smaller than version 1 and random bytes at most
// 4 % larger than they are (the rare bytes' long codes cost until the
// model has learnt they are not rare: the planner gives version 2 only
// text the tree suits); version 3 (the word code) codes random bytes at
// most 5 % larger (escapes double the high bytes; its gain is on real
// text, docs/ABLATIONS.md: sampleText's words are not the dictionary's).
func TestGoldenLite(t *testing.T) {
	src := append(sampleText(60000, 11), randomBytes(3000, 12)...)
	src = append(src, bytes.Repeat([]byte("0123456789abcdef"), 500)...)
	full := roundTrip(t, "default model", src, DefaultConfig())
	text := sampleText(100000, 3)
	var sizes [3]int
	for v, c := range []struct {
		stream, fp string
		got        [8]byte
		random     int // at most this many bytes for 20000 random ones
	}{
		{"eceb47fae1da862ac9b9502442fd9b772064ada51e3066219fdaffc8a4d09959", "d490d1f6b8457bef", LiteFingerprint, 20000 + 20000/50},
		{"03a1f0974d1dd68964d2609ba1c32f4d6efb0b8f2dd7e4ae3ad04489e557e970", "aa78a179e5cd0e97", Lite2Fingerprint, 20000 + 20000/25},
		{"2807a7aa6acfa2011357524f73dac09f20a2bc75b283d3023358b41adf7d424f", "585d92ff1f56782c", Lite3Fingerprint, 20000 + 20000/20},
	} {
		name := liteVersions[v].name
		out := liteRoundTrip(t, v, "golden", src)
		sizes[v] = len(liteRoundTrip(t, v, "text", text))
		s := sha256.Sum256(out)
		if got := hex.EncodeToString(s[:]); got != c.stream {
			t.Errorf("%s golden stream: %d bytes, sha256 %s, want %s", name, len(out), got, c.stream)
		}
		if got := hex.EncodeToString(c.got[:]); got != c.fp {
			t.Errorf("%s fingerprint %s, want %s", name, got, c.fp)
		}
		if len(out) > len(full)*5/4 {
			t.Errorf("%s %d bytes, the default model %d", name, len(out), len(full))
		}
		liteRoundTrip(t, v, "empty", nil)
		liteRoundTrip(t, v, "one byte", []byte{'x'})
		r := liteRoundTrip(t, v, "random", randomBytes(20000, 5))
		if len(r) > c.random {
			t.Errorf("%s random: %d bytes for 20000", name, len(r))
		}
		liteRoundTrip(t, v, "every byte", bytes.Repeat(randomBytes(256, 7), 3))
	}
	if sizes[1] >= sizes[0] {
		t.Errorf("text: lite 2 %d bytes, lite %d", sizes[1], sizes[0])
	}
}

func TestDecodeLiteErrors(t *testing.T) {
	src := sampleText(5000, 5)
	for _, lv := range liteVersions {
		out, err := lv.encode(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range decodeErrorCases(out, len(src)) {
			if _, err := lv.decode(c.data, c.n); !errors.Is(err, c.want) {
				t.Errorf("%s %s: %v, want %v", lv.name, c.name, err, c.want)
			}
		}
	}
}

func fuzzLite(f *testing.F, v int) {
	lv := liteVersions[v]
	for _, s := range [][]byte{nil, []byte("a"), sampleText(300, 9), randomBytes(100, 4)} {
		out, err := lv.encode(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(out, uint16(len(s)))
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16) {
		got, err := lv.decode(data, int(n))
		if err != nil {
			return
		}
		// Anything accepted is exactly the encoding of what it decoded to.
		again, err := lv.encode(got)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted a stream that is not the encoding of its output")
		}
	})
}

func FuzzDecodeLite(f *testing.F)  { fuzzLite(f, 0) }
func FuzzDecodeLite2(f *testing.F) { fuzzLite(f, 1) }
func FuzzDecodeLite3(f *testing.F) { fuzzLite(f, 2) }

func BenchmarkEncodeLite(b *testing.B) {
	for _, lv := range liteVersions {
		b.Run(lv.name, func(b *testing.B) {
			src := benchData()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, err := lv.encode(src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
