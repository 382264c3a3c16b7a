package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

// wantArchive writes solid groups of small texts (one file a copy of an
// earlier one, so a same entry whose original is a part) and a few
// larger files of several blocks each.
func wantArchive(t *testing.T) ([]byte, map[string]string) {
	t.Helper()
	defer func(n int64) { solidGroupSize = n }(solidGroupSize)
	solidGroupSize = 3000
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 2, BlockSize: 4096})
	mt := time.Unix(1_700_000_000, 0)
	want := map[string]string{}
	add := func(name, data string) {
		want[name] = data
		if err := w.WriteEntry(&format.Header{Path: name, Type: format.TypeRegular, Mode: 0o644, ModTime: mt, Size: int64(len(data))}, strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		add(fmt.Sprintf("d/f%02d.txt", i), strings.Repeat(fmt.Sprintf("file %d of ten, a line of text\n", i%5), 20+i))
	}
	add("d/copy-of-f01.txt", want["d/f01.txt"])
	for i := range 3 {
		var b strings.Builder
		for j := range 1500 {
			fmt.Fprintf(&b, "%d:%d %x\n", i, j, j*j*(i+3))
		}
		add(fmt.Sprintf("big/b%d.log", i), b.String())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), want
}

// Extracting some paths from an archive with random access decodes only
// what they need (fewer blocks than a whole extraction), and the files
// come out the same; from a stream everything is decoded as before.
func TestExtractDecodesOnlyWhatIsAsked(t *testing.T) {
	arc, want := wantArchive(t)
	only := []string{"big/b1.log", "d/copy-of-f01.txt"}
	extract := func(r io.Reader, only []string) (string, int64) {
		dir := t.TempDir()
		before := blocksDecoded.Load()
		if err := Extract(r, dir, ExtractOptions{Only: only, Jobs: 1}); err != nil {
			t.Fatal(err)
		}
		return dir, blocksDecoded.Load() - before
	}
	_, all := extract(bytes.NewReader(arc), nil)
	dir, some := extract(bytes.NewReader(arc), only)
	_, stream := extract(streamOnly{bytes.NewReader(arc)}, []string{"big/b1.log", "d/f01.txt"})
	t.Logf("blocks decoded: whole %d, two paths from a file %d, from a stream %d", all, some, stream)
	if some == 0 || some*2 > all || stream != all {
		t.Errorf("blocks decoded: whole %d, two paths from a file %d (want under half), from a stream %d (want all)", all, some, stream)
	}
	for _, p := range only {
		if b, err := os.ReadFile(filepath.Join(dir, p)); err != nil || string(b) != want[p] {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "big/b0.log")); err == nil {
		t.Error("big/b0.log extracted too")
	}
}

// With Want, a declined entry's Read fails with ErrNotWanted, the others
// read as usual, and a part of a declined group decodes it again.
func TestReaderWant(t *testing.T) {
	arc, want := wantArchive(t)
	ar, err := NewReader(bytes.NewReader(arc), ReaderOptions{Want: func(n int, h *Header) bool {
		return h.Type != format.TypeGroup && h.Path != "big/b0.log"
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	seen := 0
	for {
		h, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(ar)
		switch {
		case h.Path == "big/b0.log":
			if !errors.Is(err, ErrNotWanted) {
				t.Errorf("%s: %v, want ErrNotWanted", h.Path, err)
			}
		case err != nil || string(b) != want[h.Path]:
			t.Errorf("%s: %d bytes, %v", h.Path, len(b), err)
		default:
			seen++
		}
	}
	if seen != len(want)-1 {
		t.Errorf("%d entries read, want %d", seen, len(want)-1)
	}
}
