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

// sameFiles is the content of testdata/golden-v1-same.dcar and
// golden-v2-same.dcar: a text twice,
// a multi-block file twice (block size 4096), an empty file twice and a
// unique one, in that order.
func sameFiles() []struct{ name, data string } {
	noise := make([]byte, 10000)
	x := uint32(7)
	for i := range noise {
		x = x*1664525 + 1013904223
		noise[i] = byte(x >> 24)
	}
	text := strings.Repeat("the same words, written twice\n", 40)
	return []struct{ name, data string }{
		{"golden/a.txt", text},
		{"golden/noise.bin", string(noise)},
		{"golden/empty", ""},
		{"golden/copy/a.txt", text},
		{"golden/copy/noise.bin", string(noise)},
		{"golden/copy/empty", ""},
		{"golden/unique.txt", "only once\n"},
	}
}

// writeSame writes sameFiles with the given options (the Writer
// deduplicates unless NoDedup).
func writeSame(t testing.TB, opts WriterOptions) []byte {
	var buf bytes.Buffer
	opts.Jobs, opts.BlockSize, opts.NoModel = 1, 4096, true
	w := NewWriter(&buf, opts)
	mt := time.Unix(1_700_000_000, 0)
	dirs := map[string]bool{}
	for _, f := range sameFiles() {
		if d := filepath.Dir(f.name); !dirs[d] {
			dirs[d] = true
			if err := w.WriteEntry(&format.Header{Path: d, Type: format.TypeDir, Mode: 0o755, ModTime: mt}, nil); err != nil {
				t.Fatal(err)
			}
		}
		h := &format.Header{Path: f.name, Type: format.TypeRegular, Mode: 0o644, ModTime: mt, Size: int64(len(f.data))}
		if err := w.WriteEntry(h, strings.NewReader(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// streamOnly hides every method of a reader but Read: an archive arriving
// on a pipe.
type streamOnly struct{ r io.Reader }

func (s streamOnly) Read(p []byte) (int, error) { return s.r.Read(p) }

// TestGoldenSame reads the same goldens: golden-v1-same.dcar, a format
// version 1 archive (a plain index), golden-v2-same.dcar, version 5 (the
// compressed index; both decode only), and golden-v3-same.dcar, version 6
// (delta entry headers), which the Writer must still write.
func TestGoldenSame(t *testing.T) {
	for _, g := range []struct {
		file       string
		version    byte
		decodeOnly bool
	}{{"golden-v1-same.dcar", 1, true}, {"golden-v2-same.dcar", format.VersionIndexZ, true}, {"golden-v3-same.dcar", format.VersionDelta, false}} {
		t.Run(g.file, func(t *testing.T) { testGoldenSame(t, g.file, g.version, g.decodeOnly) })
	}
}

func testGoldenSame(t *testing.T, file string, version byte, decodeOnly bool) {
	path := filepath.Join("..", "testdata", file)
	if *update && !decodeOnly {
		if _, err := os.Stat(path); err != nil {
			os.WriteFile(path, writeSame(t, WriterOptions{}), 0o644)
		}
	}
	arc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if arc[8] != version {
		t.Fatalf("%s is format version %d, want %d", file, arc[8], version)
	}
	if fresh := writeSame(t, WriterOptions{}); !decodeOnly && !bytes.Equal(fresh, arc) {
		t.Errorf("the writer no longer writes %s (%d bytes, golden %d)", path, len(fresh), len(arc))
	}
	want := map[string]string{}
	for _, f := range sameFiles() {
		want[f.name] = f.data
	}
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	var same []string
	for _, e := range idx {
		if e.Header.Codec == format.CodecSame {
			same = append(same, e.Header.Path)
		}
	}
	if got := strings.Join(same, " "); got != "golden/copy/a.txt golden/copy/noise.bin" {
		t.Errorf("same entries: %s", got)
	}
	// With random access (a bytes.Reader), the Reader decodes the
	// originals again.
	ar, err := NewReader(bytes.NewReader(arc), ReaderOptions{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ar.Close()
	n := 0
	for {
		h, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Type != format.TypeRegular {
			continue
		}
		b, err := io.ReadAll(ar)
		if err != nil || string(b) != want[h.Path] {
			t.Errorf("%s: %d bytes, %v", h.Path, len(b), err)
		}
		n++
	}
	if n != len(want) {
		t.Errorf("%d files read, want %d", n, len(want))
	}
	// From a stream, extraction copies each original's extracted file.
	for _, r := range []io.Reader{bytes.NewReader(arc), streamOnly{bytes.NewReader(arc)}} {
		out := t.TempDir()
		if err := Extract(r, out, ExtractOptions{Jobs: 2}); err != nil {
			t.Fatalf("%T: %v", r, err)
		}
		for name, data := range want {
			if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(b) != data {
				t.Errorf("%T: %s: %d bytes, %v", r, name, len(b), err)
			}
		}
	}
}

// TestSamePartial extracts only a deduplicated file: from an archive with
// random access its original is decoded again; from a stream the error
// names the original.
func TestSamePartial(t *testing.T) {
	arc := writeSame(t, WriterOptions{})
	out := t.TempDir()
	if err := Extract(bytes.NewReader(arc), out, ExtractOptions{Only: []string{"golden/copy/noise.bin"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "golden/copy/noise.bin"))
	if err != nil || string(b) != sameFiles()[1].data {
		t.Fatalf("%d bytes, %v", len(b), err)
	}
	if _, err := os.Stat(filepath.Join(out, "golden/noise.bin")); err == nil {
		t.Error("the original was extracted too")
	}
	err = Extract(streamOnly{bytes.NewReader(arc)}, t.TempDir(), ExtractOptions{Only: []string{"golden/copy/noise.bin"}})
	if !errors.Is(err, ErrNoSource) || !strings.Contains(err.Error(), "golden/noise.bin") {
		t.Errorf("from a stream: %v, want ErrNoSource naming the original", err)
	}
	// Skipping same entries on a stream needs no original.
	out = t.TempDir()
	if err := Extract(streamOnly{bytes.NewReader(arc)}, out, ExtractOptions{Only: []string{"golden/unique.txt"}}); err != nil {
		t.Fatal(err)
	}
}

// TestNoDedup: with NoDedup every file is coded.
func TestNoDedup(t *testing.T) {
	a, b := writeSame(t, WriterOptions{}), writeSame(t, WriterOptions{NoDedup: true})
	idx, err := ReadIndex(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range idx {
		if e.Header.Codec == format.CodecSame {
			t.Errorf("%s: same entry with NoDedup", e.Header.Path)
		}
	}
	if len(a)+10000 > len(b) {
		t.Errorf("dedup saves too little: %d vs %d bytes", len(a), len(b))
	}
}

// TestSameDamaged: a same entry that refers to itself, to a later entry,
// to a directory or to a file of another size is corrupt, and one whose
// original was changed fails its checksum.
func TestSameDamaged(t *testing.T) {
	for _, c := range []struct {
		name string
		ref  int
		size int
		want error
	}{
		{"self", 2, 4, format.ErrCorrupt},
		{"later", 3, 4, format.ErrCorrupt},
		{"directory", 0, 4, format.ErrCorrupt},
		{"other size", 1, 3, format.ErrCorrupt},
		{"other content", 1, 4, format.ErrChecksum},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf, WriterOptions{KeepCodec: true, Jobs: 1})
			w.WriteEntry(&format.Header{Path: "d", Type: format.TypeDir, Mode: 0o755}, nil)
			w.WriteEntry(&format.Header{Path: "d/a", Type: format.TypeRegular, Mode: 0o644, Size: 4, Codec: format.CodecZstd}, strings.NewReader("abcd"))
			data := "abcd"[:c.size]
			if c.want == format.ErrChecksum {
				data = "abce"
			}
			w.WriteEntry(&format.Header{Path: "d/b", Type: format.TypeRegular, Mode: 0o644, Size: int64(c.size), Codec: format.CodecSame,
				Params: format.AppendSameParams(nil, c.ref)}, strings.NewReader(data))
			w.WriteEntry(&format.Header{Path: "d/c", Type: format.TypeRegular, Mode: 0o644, Size: 4, Codec: format.CodecZstd}, strings.NewReader("wxyz"))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			err := Extract(bytes.NewReader(buf.Bytes()), t.TempDir(), ExtractOptions{})
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), "d/b") {
				t.Errorf("%v, want %v naming d/b", err, c.want)
			}
		})
	}
}

// TestVerifySame: verify checks a same entry against its original's
// verified hash, from a stream too, and reports both when the original
// is damaged.
func TestVerifySame(t *testing.T) {
	arc := writeSame(t, WriterOptions{})
	var total int64
	for _, f := range sameFiles() {
		total += int64(len(f.data))
	}
	rep, err := Verify(streamOnly{bytes.NewReader(arc)}, 2, nil)
	if err != nil || len(rep.Damaged) != 0 || rep.Bytes != total {
		t.Fatalf("%+v, %v; want no damage and %d bytes", rep, err, total)
	}
	// Damage the original noise.bin's first block (its payload's last
	// byte; the record's CRC catches it).
	idx, err := ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(arc)
	for _, e := range idx {
		if e.Header.Path == "golden/noise.bin" {
			bad[e.Offset+e.Stored/2] ^= 1
		}
	}
	rep, err = Verify(streamOnly{bytes.NewReader(bad)}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range rep.Damaged {
		names = append(names, d.Entry)
	}
	// (then the index, which no longer matches the damaged entry)
	if got := strings.Join(names, " "); !strings.HasPrefix(got, "golden/noise.bin golden/copy/noise.bin") {
		t.Errorf("damaged: %q (%v)", got, rep.Damaged)
	}
}

// flipping serves one content through ReadAt (what the Writer hashes and
// plans from) and another through Read (what it codes): a file edited in
// place between the two passes.
type flipping struct {
	*strings.Reader
	later *strings.Reader
}

func (f flipping) Read(p []byte) (int, error) { return f.later.Read(p) }

// TestDedupContentChanged: a file whose content changes between the
// dedup hash and the coding fails with ErrFileChanged, original or copy,
// so that no same entry can refer to content other than what it hashed.
func TestDedupContentChanged(t *testing.T) {
	for _, c := range []struct {
		copyFlips bool
		opts      WriterOptions
	}{
		{false, WriterOptions{Jobs: 1, NoModel: true}}, {true, WriterOptions{Jobs: 1, NoModel: true}},
		{false, WriterOptions{Jobs: 1}}, {true, WriterOptions{Jobs: 1}}, // text in a solid group
	} {
		copyFlips := c.copyFlips
		var buf bytes.Buffer
		w := NewWriter(&buf, c.opts)
		a, b := "the first words", "other bytes, 15"
		files := []io.Reader{flipping{strings.NewReader(a), strings.NewReader(b)}, strings.NewReader(a)}
		if copyFlips {
			files = []io.Reader{strings.NewReader(a), flipping{strings.NewReader(a), strings.NewReader(b)}}
		}
		var err error
		for i, r := range files {
			h := &format.Header{Path: fmt.Sprint("f", i), Type: format.TypeRegular, Mode: 0o644, Size: int64(len(a))}
			if err = w.WriteEntry(h, r); err != nil {
				break
			}
		}
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if !errors.Is(err, ErrFileChanged) {
			t.Errorf("copy flips %v, %+v: %v, want ErrFileChanged", copyFlips, c.opts, err)
		}
	}
}
