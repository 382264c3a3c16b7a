package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// smallArchive builds a deterministic archive of a few entries in memory.
func smallArchive(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, Jobs: 2, BlockSize: 4096})
	mt := time.Unix(1_700_000_000, 5)
	add := func(h format.Header, data string) {
		h.ModTime, h.Mode, h.Size = mt, 0o644, int64(len(data))
		if h.Type != format.TypeRegular {
			h.Size = 0
		}
		if err := w.WriteEntry(&h, strings.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	add(format.Header{Path: "d", Type: format.TypeDir}, "")
	add(format.Header{Path: "d/a.txt", Type: format.TypeRegular, Codec: format.CodecZstd, Modality: format.ModalityText}, strings.Repeat("abcdefgh\n", 1000))
	add(format.Header{Path: "d/b.bin", Type: format.TypeRegular, Codec: format.CodecStore}, "0123456789")
	add(format.Header{Path: "d/l", Type: format.TypeSymlink, Link: "a.txt"}, "")
	add(format.Header{Path: "d/c.txt", Type: format.TypeRegular, Codec: format.CodecZstd}, strings.Repeat("xyz", 3000))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func extractAll(arc []byte, dir string) error {
	return Extract(bytes.NewReader(arc), dir, ExtractOptions{Jobs: 2})
}

// TestFlippedByte flips every byte of an archive in turn: verify and
// extract must both fail, and verify must name an entry whenever the byte
// lies inside one.
func TestFlippedByte(t *testing.T) {
	arc := smallArchive(t)
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	entryAt := func(off int) string {
		for _, e := range idx {
			if int64(off) >= e.Offset && int64(off) < e.Offset+e.Stored {
				return e.Header.Path
			}
		}
		return ""
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for off := 0; off < len(arc); off += step {
		bad := bytes.Clone(arc)
		bad[off] ^= 0x20
		rep, err := Verify(bytes.NewReader(bad), 2, nil)
		if err == nil && len(rep.Damaged) == 0 {
			t.Fatalf("flip at %d: verify found nothing", off)
		}
		if name := entryAt(off); name != "" && err == nil {
			found := false
			for _, d := range rep.Damaged {
				if d.Entry == name || strings.Contains(d.Err.Error(), name) {
					found = true
				}
			}
			if !found {
				t.Errorf("flip at %d inside %s: verify reported %v", off, name, rep.Damaged)
			}
		}
		err = extractAll(bad, t.TempDir())
		if err == nil {
			t.Fatalf("flip at %d: extract succeeded", off)
		}
		if name := entryAt(off); name != "" {
			idx2, ierr := ReadIndex(bytes.NewReader(bad), int64(len(bad)))
			if ierr != nil {
				idx2 = nil
			}
			if msg := Locate(err, idx2).Error(); !strings.Contains(msg, name) && !strings.Contains(msg, "index") && !strings.Contains(msg, "footer") {
				t.Errorf("flip at %d inside %s: extract error %q does not name it", off, name, msg)
			}
		}
	}
}

// TestVerifyReportsEveryDamagedEntry damages two entries; verify must
// report both.
func TestVerifyReportsEveryDamagedEntry(t *testing.T) {
	arc := smallArchive(t)
	idx, _ := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	bad := bytes.Clone(arc)
	var want []string
	for _, e := range idx {
		if e.Header.Type == format.TypeRegular && e.Header.Path != "d/b.bin" {
			bad[e.Offset+e.Stored-10] ^= 1 // inside the entry end record
			want = append(want, e.Header.Path)
		}
	}
	rep, err := Verify(bytes.NewReader(bad), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range rep.Damaged {
		got[d.Entry] = true
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("damage in %s not reported; got %v", w, rep.Damaged)
		}
	}
	if rep.Entries != len(idx) {
		t.Errorf("verify read %d entries, want %d", rep.Entries, len(idx))
	}
}

func TestTruncated(t *testing.T) {
	arc := smallArchive(t)
	for n := 0; n < len(arc); n++ {
		if testing.Short() && n%5 != 0 {
			continue
		}
		rep, err := Verify(bytes.NewReader(arc[:n]), 1, nil)
		if err == nil && len(rep.Damaged) == 0 {
			t.Fatalf("truncated to %d bytes: verify passed", n)
		}
		if err := extractAll(arc[:n], t.TempDir()); err == nil {
			t.Fatalf("truncated to %d bytes: extract passed", n)
		}
		if _, err := ScanIndex(bytes.NewReader(arc[:n])); err == nil {
			t.Fatalf("truncated to %d bytes: scan passed", n)
		}
	}
}

// rawArchive frames hand-made entries, bypassing the Writer's checks,
// with a matching index so only the entries themselves are at fault.
type rawArchive struct {
	b   []byte
	idx []format.IndexEntry
}

func newRaw() *rawArchive { return &rawArchive{b: format.AppendFileHeader(nil, 1)} }

func (r *rawArchive) entry(h format.Header, blocks ...[]byte) *rawArchive {
	start := len(r.b)
	if h.Type == format.TypeRegular {
		for _, b := range blocks {
			h.Size += int64(len(b))
		}
		if h.Size > 0 && h.BlockSize == 0 {
			h.BlockSize = 1 << 20
		}
	}
	r.b = format.AppendRecord(r.b, format.TagEntry, h.MarshalBody(nil))
	if h.Type == format.TypeRegular {
		sum := newSHA()
		for _, b := range blocks {
			body := (&format.BlockHeader{Codec: format.CodecStore, RawLen: uint32(len(b))}).Marshal(nil)
			r.b = format.AppendRecord(r.b, format.TagBlock, append(body, b...))
			sum.Write(b)
		}
		e := format.End{Blocks: uint64(len(blocks)), Size: uint64(h.Size)}
		sum.Sum(e.SHA256[:0])
		r.b = format.AppendRecord(r.b, format.TagEnd, e.MarshalBody(nil))
	}
	r.idx = append(r.idx, format.IndexEntry{Offset: int64(start), Stored: int64(len(r.b) - start), Header: h})
	return r
}

func (r *rawArchive) bytes() []byte {
	at := len(r.b)
	b := format.AppendRecord(r.b, format.TagIndex, format.MarshalIndex(nil, r.idx))
	return format.AppendFooter(b, format.Footer{IndexOffset: int64(at), IndexSize: int64(len(b) - at)})
}

func format_file(p string) format.Header {
	return format.Header{Path: p, Type: format.TypeRegular, Mode: 0o644}
}

func TestEvilArchives(t *testing.T) {
	file := func(p string, _ string) format.Header { return format_file(p) }
	tests := []struct {
		name string
		arc  []byte
	}{
		{"dotdot", newRaw().entry(file("../escape", ""), []byte("x")).bytes()},
		{"dotdot inside", newRaw().entry(file("a/../../escape", ""), []byte("x")).bytes()},
		{"absolute", newRaw().entry(file("/tmp/escape", ""), []byte("x")).bytes()},
		{"symlink then file", newRaw().
			entry(format.Header{Path: "l", Type: format.TypeSymlink, Link: "..", Mode: 0o777}).
			entry(file("l/escape", ""), []byte("x")).bytes()},
		{"symlink absolute then file", newRaw().
			entry(format.Header{Path: "l", Type: format.TypeSymlink, Link: "/tmp", Mode: 0o777}).
			entry(file("l/escape", ""), []byte("x")).bytes()},
		{"symlink dir chain", newRaw().
			entry(format.Header{Path: "a", Type: format.TypeDir, Mode: 0o755}).
			entry(format.Header{Path: "a/l", Type: format.TypeSymlink, Link: "../..", Mode: 0o777}).
			entry(file("a/l/escape", ""), []byte("x")).bytes()},
		{"hardlink outside", newRaw().entry(format.Header{Path: "h", Type: format.TypeHardlink, Link: "../../etc/passwd", Mode: 0o644}).bytes()},
		{"hardlink to unknown", newRaw().entry(format.Header{Path: "h", Type: format.TypeHardlink, Link: "nothere", Mode: 0o644}).bytes()},
		{"hardlink through symlink", newRaw().
			entry(format.Header{Path: "l", Type: format.TypeSymlink, Link: "/etc", Mode: 0o777}).
			entry(format.Header{Path: "h", Type: format.TypeHardlink, Link: "l/passwd", Mode: 0o644}).bytes()},
		{"nul in path", newRaw().entry(file("a\x00b", ""), []byte("x")).bytes()},
		{"unknown codec", func() []byte {
			r := newRaw()
			h := file("f", "")
			h.Size, h.BlockSize = 4, 4
			r.b = format.AppendRecord(r.b, format.TagEntry, h.MarshalBody(nil))
			r.b = format.AppendRecord(r.b, format.TagBlock, append((&format.BlockHeader{Codec: 99, RawLen: 4}).Marshal(nil), "abcd"...))
			return r.bytes()
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "x", "y")
			err := extractAll(tc.arc, dir)
			if err == nil {
				t.Fatal("extract succeeded")
			}
			t.Log(err)
			for _, p := range []string{filepath.Join(parent, "escape"), filepath.Join(parent, "x", "escape"), "/tmp/escape"} {
				if _, serr := os.Lstat(p); serr == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

func TestZstdBomb(t *testing.T) {
	// A block whose zstd payload decodes to far more than it claims must
	// fail without allocating the whole expansion.
	big := make([]byte, format.MaxBlockSize)
	payload, err := zstdCodec(t).Compress(nil, big, codec.Block{Level: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw()
	h := format.Header{Path: "bomb", Type: format.TypeRegular, Mode: 0o644, Size: 100, BlockSize: 100}
	r.b = format.AppendRecord(r.b, format.TagEntry, h.MarshalBody(nil))
	r.b = format.AppendRecord(r.b, format.TagBlock, append((&format.BlockHeader{Codec: format.CodecZstd, RawLen: 100}).Marshal(nil), payload...))
	err = extractAll(r.bytes(), t.TempDir())
	if err == nil || !errors.Is(err, format.ErrCorrupt) {
		t.Fatalf("bomb: %v", err)
	}
}

func TestNotAnArchive(t *testing.T) {
	for _, in := range []string{"", "hello", "\x89DCAR\r\n\x1a\x02\x00\x00\x00\x00\x00\x00\x00"} {
		_, err := NewReader(strings.NewReader(in), ReaderOptions{})
		if err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	arc := smallArchive(t)
	if _, err := io.Copy(io.Discard, bytes.NewReader(arc)); err != nil {
		t.Fatal(err)
	}
	for _, v := range []int{0, format.Version + 1} {
		bad := append(format.AppendFileHeader(nil, v), arc[format.FileHeaderSize:]...)
		if _, err := NewReader(bytes.NewReader(bad), ReaderOptions{}); !errors.Is(err, format.ErrVersion) {
			t.Errorf("version %d: %v", v, err)
		}
	}
}

func zstdCodec(t *testing.T) codec.Codec {
	z, err := codec.Lookup(format.CodecZstd)
	if err != nil {
		t.Fatal(err)
	}
	return z
}
