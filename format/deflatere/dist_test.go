package deflatere

import (
	"testing"
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
	f, s := loadStream(b, "../../../shared/data/kodak/kodim23.png")
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		var e TokenEncoder
		if err := e.Encode(s, f, HeadersCoded); err != nil {
			b.Fatal(err)
		}
	}
}
