package archive

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
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
		defer watchdog(t)()
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
		defer watchdog(t)()
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

// watchdog fails a fuzz input that runs for more than ten seconds, with
// every goroutine's stack, so that hangs are reported like crashes.
func watchdog(t *testing.T) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			panic("input hangs:\n" + string(buf[:n]))
		}
	}()
	return func() { close(done) }
}
