package archive

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model/domain"
)

// seedMaxContent bounds the content of a golden used as a seed. The
// fuzzers look for container bugs (a panic, a hang, a write outside the
// directory), and each input must finish well inside the watchdog on a
// loaded 2-core machine; a golden of more content (golden-v1-pixcm.dcar,
// 262 KB through the pixel CM stage, ~2 CPU-s per decode) is decoded by
// the golden tests instead.
const seedMaxContent = 64 << 10

func seedArchives(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "*.dcar"))
	vols, _ := filepath.Glob(filepath.Join("..", "testdata", "golden-set", "set.dcar.*"))
	files = append(files, vols...) // volumes of a set: pieces of a split file
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		idx, err := ReadIndex(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		var n int64
		for _, e := range idx {
			n += e.Header.Size
		}
		if n <= seedMaxContent {
			f.Add(b)
		}
	}
	f.Add(smallArchive(f))
	f.Add(smallSolid(f))
	for _, ref := range []bool{false, true} {
		f.Add(smallDomain(f, ref)) // a model record, carried and referenced
	}
	f.Add(newRaw().entry(format_file("a"), []byte("x")).bytes())
}

// smallDomain is an archive coded with the tiny domain model of
// model/domain's tests, which it carries, or only refers to (ref).
func smallDomain(f *testing.F, ref bool) []byte {
	d, err := domain.Load("../model/domain/testdata/tiny.dcm")
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 1, Domain: d, DomainRef: ref})
	data := "func (m *Model) Bytes() []byte { return m.raw }\n"
	h := &format.Header{Path: "m.go", Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0), Size: int64(len(data))}
	if err := w.WriteEntry(h, strings.NewReader(data)); err != nil {
		f.Fatal(err)
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// smallSolid is an archive with a solid group of three small texts, a
// copy of one and a hard link to another (golden-v2-solid.dcar holds a
// file too large for a seed).
func smallSolid(f *testing.F) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 1})
	for i, name := range []string{"s/a.txt", "s/b.txt", "s/c.txt", "s/copy.txt", "s/link"} {
		data := fmt.Sprintf("small text %d, coded with its neighbours\n", min(i, 3)%3)
		h := &format.Header{Path: name, Type: format.TypeRegular, Mode: 0o644, ModTime: time.Unix(1_700_000_000, 0), Size: int64(len(data))}
		if name == "s/link" {
			h.Type, h.Link, h.Size, data = format.TypeHardlink, "s/b.txt", 0, ""
		}
		if err := w.WriteEntry(h, strings.NewReader(data)); err != nil {
			f.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
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

// watchdog fails a fuzz input that runs for more than ten seconds (times
// raceSlowdown under the race detector, which slows the model codecs of
// the seed archives past ten seconds), with every goroutine's stack, so
// that hangs are reported like crashes.
func watchdog(t *testing.T) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(raceSlowdown * 10 * time.Second):
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			panic("input hangs:\n" + string(buf[:n]))
		}
	}()
	return func() { close(done) }
}
