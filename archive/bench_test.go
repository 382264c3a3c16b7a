package archive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// sharedText is the shared text corpus, present on the project's
// machines but not required by the tests.
const sharedText = "../../shared/data/text"

func BenchmarkCreateText(b *testing.B) {
	if _, err := os.Stat(sharedText); err != nil {
		b.Skip("shared data not present")
	}
	_, total, err := Plan([]string{sharedText}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var n int
	for i := 0; i < b.N; i++ {
		var cw countWriter
		if err := Create(&cw, []string{sharedText}, CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		n = cw.n
	}
	b.ReportMetric(float64(n), "archive-bytes")
}

func BenchmarkExtractText(b *testing.B) {
	if _, err := os.Stat(sharedText); err != nil {
		b.Skip("shared data not present")
	}
	var buf bytes.Buffer
	if err := Create(&buf, []string{sharedText}, CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	_, total, _ := Plan([]string{sharedText}, nil)
	b.SetBytes(total)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "x")
		if err := Extract(bytes.NewReader(buf.Bytes()), dir, ExtractOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter struct{ n int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
