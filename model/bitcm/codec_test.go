package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/dcar-archiver/dcar/coder"
)

// sampleText is deterministic pseudo-prose with some structure (words
// drawn from a skewed distribution, punctuation, line breaks, a
// repeated paragraph) so the model's contexts and match model all work.
func sampleText(n int, seed uint64) []byte {
	words := []string{"the", "of", "and", "to", "a", "in", "that", "is", "was", "he", "for", "it", "with", "as",
		"his", "on", "be", "at", "by", "had", "archive", "model", "byte", "context", "mixing", "Whan", "Aprille"}
	r := rand.New(rand.NewPCG(seed, 7))
	var b bytes.Buffer
	col := 0
	for b.Len() < n {
		i := int(float64(len(words)) * r.Float64() * r.Float64())
		w := words[i]
		b.WriteString(w)
		col += len(w) + 1
		switch {
		case r.IntN(12) == 0:
			b.WriteString(". ")
		case col > 70:
			b.WriteByte('\n')
			col = 0
		default:
			b.WriteByte(' ')
		}
		if r.IntN(400) == 0 && b.Len() > 2000 {
			// repeat an earlier stretch (exercises the match model)
			s := r.IntN(b.Len() - 1000)
			b.Write(append([]byte(nil), b.Bytes()[s:s+300+r.IntN(600)]...))
		}
	}
	return b.Bytes()[:n]
}

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func roundTrip(t *testing.T, name string, src []byte, cfg Config) []byte {
	t.Helper()
	out, err := Encode(src, cfg)
	if err != nil {
		t.Fatalf("%s: encode: %v", name, err)
	}
	back, err := Decode(out, len(src), cfg)
	if err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	if !bytes.Equal(back, src) {
		t.Fatalf("%s: round trip differs", name)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	all := make([]byte, 512)
	for i := range all {
		all[i] = byte(i)
	}
	small := Config{Orders: []int{2}, MatchMin: 0}
	img := gradientImage(97, 60)
	for _, c := range []struct {
		name string
		data []byte
		max  float64 // bits per byte the default model must reach (0 = no check)
	}{
		{"empty", nil, 0},
		{"one", []byte{'x'}, 0},
		{"zeros", make([]byte, 100000), 0.01},
		{"all bytes", all, 0},
		{"random", randomBytes(50000, 3), 8.1},
		{"text", sampleText(200000, 1), 2.6},
		{"crlf", bytes.ReplaceAll(sampleText(30000, 2), []byte("\n"), []byte("\r\n")), 0},
		{"image", img, 0},
	} {
		for _, cfg := range []Config{DefaultConfig(), small, BinaryConfig(0), BinaryConfig(97)} {
			out := roundTrip(t, c.name, c.data, cfg)
			if bpb := 8 * float64(len(out)) / float64(len(c.data)); c.max > 0 && cfg.MatchMin != 0 && bpb > c.max {
				t.Errorf("%s: %.4f bits per byte, want <= %.2f", c.name, bpb, c.max)
			}
		}
	}
}

// TestGolden pins the coded bytes: any change to the model's arithmetic
// changes them and needs a new codec version, not a new hash. CI runs it
// under -tags purego and on arm64.
func TestGolden(t *testing.T) {
	src := append(sampleText(60000, 11), randomBytes(3000, 12)...)
	src = append(src, bytes.Repeat([]byte("0123456789abcdef"), 500)...)
	out := roundTrip(t, "golden", src, DefaultConfig())
	s := sha256.Sum256(out)
	const want = "b2a6d350d01724ecd5edf91f57fd98bc2e8e08b6b50da55d5074ee61d87f64f5"
	if got := hex.EncodeToString(s[:]); got != want {
		t.Errorf("golden stream: %d bytes, sha256 %s, want %s", len(out), got, want)
	}
	fp := Fingerprint(DefaultConfig())
	if got := hex.EncodeToString(fp[:]); got != "d31ea5d51b0aed30" {
		t.Errorf("fingerprint %s", got)
	}
}

// gradientImage is a w×h 8-bit image whose rows are a rough texture
// (steps of up to ±60 across x) drifting slowly down the image, plus
// noise: a pixel is much closer to the one above than to its
// neighbours.
func gradientImage(w, h int) []byte {
	r := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	row := make([]int, w)
	v := 128
	for x := range row {
		v = min(max(v+r.IntN(121)-60, 0), 255)
		row[x] = v
	}
	b := make([]byte, w*h)
	for y := range h {
		for x := range w {
			if r.IntN(8) == 0 {
				row[x] = min(max(row[x]+r.IntN(3)-1, 0), 255)
			}
			b[y*w+x] = byte(min(max(row[x]+r.IntN(5)-2, 0), 255))
		}
	}
	return b
}

// The binary model's golden stream (used by cm-bz2), with the record
// contexts on.
func TestGoldenBinary(t *testing.T) {
	src := append(gradientImage(211, 150), randomBytes(2000, 13)...)
	out := roundTrip(t, "golden binary", src, BinaryConfig(211))
	s := sha256.Sum256(out)
	if got, want := hex.EncodeToString(s[:]), "57cfd0091a6c618ff93ce8820ed5e36ada3cbcfac8b26fb628def3dd2edb7280"; got != want {
		t.Errorf("golden binary stream: %d bytes, sha256 %s, want %s", len(out), got, want)
	}
}

func TestDetectStride(t *testing.T) {
	for _, w := range []int{97, 640, 1500} {
		if got := DetectStride(gradientImage(w, 300)); got != w {
			t.Errorf("image of width %d: stride %d", w, got)
		}
	}
	src, err := os.ReadFile("model.go")
	if err != nil {
		t.Fatal(err)
	}
	if got := DetectStride(bytes.Repeat(src, 4)[:len(src)*4-1]); got != 0 && got != len(src) {
		t.Errorf("Go source: stride %d, want 0", got)
	}
	if got := DetectStride(randomBytes(200000, 3)); got != 0 {
		t.Errorf("random: stride %d, want 0", got)
	}
	if got := DetectStride([]byte("short")); got != 0 {
		t.Errorf("short: stride %d", got)
	}
}

// decodeErrorCases are the damaged inputs every decoder of a stream out
// of n bytes must reject, and the errors it must give.
func decodeErrorCases(out []byte, n int) []struct {
	name string
	data []byte
	n    int
	want error
} {
	return []struct {
		name string
		data []byte
		n    int
		want error
	}{
		{"truncated", out[:len(out)-3], n, coder.ErrTruncated},
		{"trailing", append(append([]byte(nil), out...), 0), n, coder.ErrTrailingData},
		{"negative", out, -1, ErrTooLarge},
		{"too large", out, MaxSegment + 1, ErrTooLarge},
	}
}

func TestDecodeErrors(t *testing.T) {
	src := sampleText(5000, 5)
	out, err := Encode(src, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range decodeErrorCases(out, len(src)) {
		if _, err := Decode(c.data, c.n, DefaultConfig()); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// A longer n than was coded runs out of input.
	if _, err := Decode(out, len(src)+100, DefaultConfig()); err == nil {
		t.Error("decoding past the end succeeded")
	}
}

// FuzzDecode decodes arbitrary streams with the first model, the version
// 3 text model (v 1), the version 4 one (v 2, its code tree), the
// version 5 one (v 3, the word code), the version 6 one (v 4, its
// word code and text columns), the version 7 one (v 5, the code tree
// over the word code) and the version 8 one (v 6, history maps per
// depth, the order-3 map) (cold: the warm start's tables are
// FuzzParseWarm's).
func FuzzDecode(f *testing.F) {
	config := func(v uint8) Config {
		switch v % 7 {
		case 1:
			return Text3ConfigCold()
		case 2:
			return Text4ConfigCold()
		case 3:
			return Text5ConfigCold()
		case 4:
			return Text6ConfigCold()
		case 5:
			return Text7ConfigCold()
		case 6:
			return Text8ConfigCold()
		}
		return DefaultConfig()
	}
	for v := range uint8(7) {
		for _, s := range [][]byte{nil, []byte("a"), sampleText(300, 9), randomBytes(100, 4), []byte("f(x) {\n\tg(y[1])\n}\n")} {
			out, err := Encode(s, config(v))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(out, uint16(len(s)), v)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, n uint16, v uint8) {
		got, err := Decode(data, int(n), config(v))
		if err != nil {
			return
		}
		// Anything accepted is exactly the encoding of what it decoded to.
		again, err := Encode(got, config(v))
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted a stream that is not the encoding of its output")
		}
	})
}

func benchData() []byte { return sampleText(1<<18, 21) }

func BenchmarkEncode(b *testing.B) {
	src := benchData()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(src, DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	src := benchData()
	out, err := Encode(src, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(out, len(src), DefaultConfig()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeTwo codes two segments with the shipped text model one
// after the other and both at once (two goroutines, as dcar's jobs):
// with two free cores "at once" should take about half the time. While
// the models' small state could share cache lines (package cacheline)
// it sometimes took 0.9 of it; whether it did depended on where the
// allocator had put that state.
func BenchmarkEncodeTwo(b *testing.B) {
	cfg, err := Text8Config()
	if err != nil {
		b.Fatal(err)
	}
	srcs := [][]byte{sampleText(1<<20, 31), sampleText(1<<20, 32)}
	enc := func(src []byte) {
		if _, err := Encode(src, cfg); err != nil {
			b.Error(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		b.SetBytes(2 << 20)
		for b.Loop() {
			enc(srcs[0])
			enc(srcs[1])
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetBytes(2 << 20)
		for b.Loop() {
			var wg sync.WaitGroup
			for _, src := range srcs {
				wg.Go(func() { enc(src) })
			}
			wg.Wait()
		}
	})
}
