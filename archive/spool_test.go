package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestWriteEntrySpools: content from a reader without random access is
// planned from memory or, above spoolInMemory, from a temporary file that
// is removed afterwards; both give the bytes of a random-access reader.
// A reader that ends early or runs long fails with ErrFileChanged.
func TestWriteEntrySpools(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	defer func(n int64) { spoolInMemory = n }(spoolInMemory)
	body := []byte(strings.Repeat("spooled content, planned like a file\n", 300))
	write := func(r io.Reader, size int64) ([]byte, error) {
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{Jobs: 1})
		h := &Header{Path: "x.txt", Type: TypeRegular, Mode: 0o644, ModTime: time.Unix(1, 0), Size: size}
		if err := w.WriteEntry(h, r); err != nil {
			w.Abort(err)
			return nil, err
		}
		err := w.Close()
		return buf.Bytes(), err
	}
	want, err := write(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int64{1 << 20, 100} {
		spoolInMemory = limit
		got, err := write(struct{ io.Reader }{bytes.NewReader(body)}, int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("spool limit %d: archive differs from the random-access one", limit)
		}
		if ents, _ := os.ReadDir(tmp); len(ents) != 0 {
			t.Errorf("spool limit %d: %d temporary files left", limit, len(ents))
		}
		if _, err := write(struct{ io.Reader }{bytes.NewReader(body[:500])}, int64(len(body))); !errors.Is(err, ErrFileChanged) {
			t.Errorf("spool limit %d: short reader: %v, want ErrFileChanged", limit, err)
		}
		if _, err := write(struct{ io.Reader }{bytes.NewReader(append(body, 'x'))}, int64(len(body))); !errors.Is(err, ErrFileChanged) {
			t.Errorf("spool limit %d: long reader: %v, want ErrFileChanged", limit, err)
		}
	}
	// A random-access reader that is not at its start is read from its
	// current offset, as any reader.
	r := bytes.NewReader(append([]byte("skipped"), body...))
	r.Seek(7, io.SeekStart)
	got, err := write(r, int64(len(body)))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("reader at offset 7: %v, same bytes %v", err, bytes.Equal(got, want))
	}
}

// TestWriterProgress: Progress reports content bytes as blocks are coded
// and written, rising to the total, once per block.
func TestWriterProgress(t *testing.T) {
	var calls []int64
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{Jobs: 2, BlockSize: 4096, NoModel: true, Progress: func(d int64) { calls = append(calls, d) }})
	sizes := []int{10000, 0, 4096, 1}
	for i, n := range sizes {
		h := &Header{Path: string(rune('a' + i)), Type: TypeRegular, Mode: 0o644, ModTime: time.Unix(1, 0), Size: int64(n)}
		if err := w.WriteEntry(h, bytes.NewReader(make([]byte, n))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := []int64{4096, 8192, 10000, 14096, 14097}
	if len(calls) != len(want) {
		t.Fatalf("progress %v, want %v", calls, want)
	}
	for i := range want {
		if calls[i] != want[i] {
			t.Fatalf("progress %v, want %v", calls, want)
		}
	}
}
