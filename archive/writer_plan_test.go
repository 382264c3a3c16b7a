package archive_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
)

// mixedTree writes a small tree with a file for every planner: text, a
// PPM, a PNG, a bzip2 file, fixed-length records, random bytes, an empty
// file, a symlink.
func mixedTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "img"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "txt"), 0o755))
	px := make([]byte, 24*16*3)
	for i := range px {
		px[i] = byte(i/3%24*5 + i%3*40)
	}
	must(os.WriteFile(filepath.Join(dir, "img", "a.ppm"), append([]byte("P6\n24 16\n255\n"), px...), 0o644))
	for _, name := range []string{"best.png"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "golden-png", name))
		must(err)
		must(os.WriteFile(filepath.Join(dir, "img", name), b, 0o644))
	}
	bz, err := os.ReadFile(filepath.Join("..", "format", "bz2re", "testdata", "concat.bz2"))
	must(err)
	must(os.WriteFile(filepath.Join(dir, "concat.bz2"), bz, 0o644))
	must(os.WriteFile(filepath.Join(dir, "txt", "tale.txt"), []byte(strings.Repeat("Whan that Aprille with his shoures soote\n", 40)), 0o644))
	must(os.WriteFile(filepath.Join(dir, "txt", "empty.txt"), nil, 0o644)) // planned too: zstd, no blocks
	var rec []byte
	for i := range 400 {
		rec = binary.LittleEndian.AppendUint32(rec, uint32(1000+3*i))
		rec = binary.LittleEndian.AppendUint32(rec, uint32(i*i))
	}
	must(os.WriteFile(filepath.Join(dir, "records.bin"), rec, 0o644))
	noise := make([]byte, 3000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	must(os.WriteFile(filepath.Join(dir, "noise.bin"), noise, 0o644))
	must(os.Symlink("txt/tale.txt", filepath.Join(dir, "link")))
	return dir
}

// writeTree archives dir through NewWriter and FileInfoHeader, as a
// program using the library would; wrap turns each open file into the
// reader WriteEntry gets.
func writeTree(t *testing.T, dir string, opts archive.WriterOptions, wrap func(*os.File) io.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := archive.NewWriter(&buf, opts)
	root := archive.EntryName(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := root
		if rel != "." {
			name = root + "/" + filepath.ToSlash(rel)
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := archive.FileInfoHeader(fi, name, link)
		if err != nil {
			return err
		}
		var r io.Reader
		if h.Type == archive.TypeRegular {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			r = wrap(f)
		}
		return w.WriteEntry(h, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWriterPlansAsCreate: the Writer with zero options (and with each
// codec option) writes the same bytes as Create on the same tree, whether
// the content comes as files (read in place to plan) or as plain readers
// (held in memory to plan).
func TestWriterPlansAsCreate(t *testing.T) {
	dir := mixedTree(t)
	for _, opts := range []archive.WriterOptions{{}, {Preset: archive.PresetBest}, {Preset: archive.PresetFast}, {NoModel: true}, {Jobs: 1, Level: 9}} {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			var want bytes.Buffer
			if err := archive.Create(&want, []string{dir}, archive.CreateOptions{WriterOptions: opts}); err != nil {
				t.Fatal(err)
			}
			files := writeTree(t, dir, opts, func(f *os.File) io.Reader { return f })
			if !bytes.Equal(files, want.Bytes()) {
				t.Errorf("Writer on files: %d bytes, Create %d bytes: not the same archive", len(files), want.Len())
			}
			plain := writeTree(t, dir, opts, func(f *os.File) io.Reader { return struct{ io.Reader }{f} })
			if !bytes.Equal(plain, want.Bytes()) {
				t.Errorf("Writer on plain readers: %d bytes, Create %d bytes: not the same archive", len(plain), want.Len())
			}
			idx, err := archive.ReadIndex(bytes.NewReader(files), int64(len(files)))
			if err != nil {
				t.Fatal(err)
			}
			codecs := map[string]bool{}
			for _, e := range idx {
				if e.Header.Type == archive.TypeRegular && e.Header.Size > 0 {
					codecs[archive.CodecName(e.Header.Codec)] = true
				}
			}
			t.Logf("codecs planned: %v", codecs)
			switch {
			case opts.NoModel:
			case opts.Preset == archive.PresetFast:
				// imgctx alone, the lite text model, zstd for the rest.
				if !codecs["ctx-image"] || !codecs["model-png"] || codecs["model-image"] || codecs["cm-bz2"] || codecs["cm-bin"] {
					t.Errorf("codecs planned %v with --fast", codecs)
				}
			case !(codecs["model-image"] && codecs["model-png"] && codecs["cm-bz2"] && codecs["cm-bin"]):
				t.Errorf("codecs planned %v: expected every planner to take a file", codecs)
			}
		})
	}
}
