package txtctx

import (
	"os"
	"path/filepath"
	"testing"
)

func benchData(b *testing.B) []byte {
	d, err := os.ReadFile(filepath.Join(trainDir, "Carmilla.txt"))
	if err != nil {
		return sampleText(1<<17, 1)
	}
	return d[:1<<17]
}

// BenchmarkModel measures the statistics alone (Model.Update).
func BenchmarkModel(b *testing.B) {
	src := benchData(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		m := NewModel(len(src), DefaultConfig())
		for _, y := range src {
			m.Update(y)
		}
	}
}

// BenchmarkEncode measures the whole codec.
func BenchmarkEncode(b *testing.B) {
	src := benchData(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		EncodeSegment(src)
	}
}
