package pngre

import (
	"os"
	"testing"

	"github.com/dcar-archiver/dcar/coder"
)

func TestDistSym(t *testing.T) {
	for d := 1; d <= 32768; d++ {
		s := distSym(d)
		if d < distBase[s] || d >= distBase[s]+1<<distExtra[s] {
			t.Fatalf("distance %d: symbol %d", d, s)
		}
	}
}

// BenchmarkTokenizer runs the reference tokenizer and the correction
// coder over one Kodak image (filtered bytes per second).
func BenchmarkTokenizer(b *testing.B) {
	data, err := os.ReadFile("../../../shared/data/kodak/kodim23.png")
	if err != nil {
		b.Skip("no ../shared data")
	}
	l, _ := parsePNG(data)
	f, s, _ := inflate(l.stream, l.hdr.filteredLen(), 0)
	toks, _ := blockTokens(s)
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		var e coder.Encoder
		if _, err := codeTokens(encCoder{&e}, s, f, toks, metaVersion); err != nil {
			b.Fatal(err)
		}
	}
}
