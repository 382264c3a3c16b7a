package archive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func seedArchives(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "*.dcar"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(smallArchive(f))
	f.Add(newRaw().entry(format_file("a"), []byte("x")).bytes())
}

// FuzzReader feeds arbitrary bytes to the streaming reader, the index
// reader and the scanner: errors are fine, panics and hangs are not.
func FuzzReader(f *testing.F) {
	seedArchives(f)
	buf := make([]byte, 64<<10)
	f.Fuzz(func(t *testing.T, b []byte) {
		ar, err := NewReader(bytes.NewReader(b), ReaderOptions{Jobs: 2})
		if err == nil {
			for i := 0; i < 1000; i++ {
				_, err := ar.Next()
				if err != nil {
					break
				}
				for {
					if _, err := ar.Read(buf); err != nil {
						break
					}
				}
			}
			ar.Close()
		}
		ReadIndex(bytes.NewReader(b), int64(len(b)))
		ScanIndex(bytes.NewReader(b))
		Verify(bytes.NewReader(b), 1, nil)
	})
}

// FuzzExtract extracts arbitrary archives into a fresh directory and
// checks that nothing appears outside it.
func FuzzExtract(f *testing.F) {
	seedArchives(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "in")
		Extract(bytes.NewReader(b), dir, ExtractOptions{Jobs: 1})
		ents, _ := os.ReadDir(parent)
		if len(ents) != 1 {
			t.Fatalf("extraction wrote outside its directory: %v", ents)
		}
		_ = io.EOF
	})
}
