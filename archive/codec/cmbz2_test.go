package codec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
)

// bz2Fixtures are bzip2 1.0.8 files committed with package bz2re.
func bz2Fixtures(t testing.TB) map[string][]byte {
	return fixtureFiles(t, filepath.Join("..", "..", "format", "bz2re", "testdata", "*.bz2"))
}

// fixtureFiles reads the files matching glob, by base name; there must
// be some.
func fixtureFiles(t testing.TB, glob string) map[string][]byte {
	paths, err := filepath.Glob(glob)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures %s: %v", glob, err)
	}
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = b
	}
	return files
}

// cmBZ2Block plans the fixture name and returns it with its block.
func cmBZ2Block(t testing.TB, name string) ([]byte, Block) {
	src := bz2Fixtures(t)[name]
	ch, ok := planBZ2(Kind{MIME: "application/x-bzip2"}, bytes.NewReader(src), int64(len(src)))
	if !ok {
		t.Fatalf("%s not planned as cm-bz2", name)
	}
	return src, Block{Params: ch.Params, EntrySize: int64(len(src))}
}

func TestCMBZ2Errors(t *testing.T) {
	src, b := cmBZ2Block(t, "text-9.bz2")
	enc, err := cmBZ2{}.Compress(nil, src, b)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := (cmBZ2{}).Decompress(nil, enc, len(src), b); err != nil || !bytes.Equal(got, src) {
		t.Fatalf("round trip: %v", err)
	}
	other := b
	other.Params = append([]byte(nil), b.Params...)
	other.Params[5] ^= 1
	if _, err := (cmBZ2{}).Decompress(nil, enc, len(src), other); !errors.Is(err, ErrModelMismatch) || !strings.Contains(err.Error(), "cm-bz2") {
		t.Errorf("other fingerprint: %v", err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"truncated", enc[:len(enc)-1]},
		{"trailing", append(append([]byte(nil), enc...), 0)},
		{"no parameters", enc[:1]},
	} {
		if _, err := (cmBZ2{}).Decompress(nil, c.data, len(src), b); !errors.Is(err, format.ErrCorrupt) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A non-bzip2 block cannot be coded (the planner never routes one).
	if _, err := (cmBZ2{}).Compress(nil, []byte("plain text"), b); err == nil {
		t.Error("compressed a non-bzip2 block")
	}
}

func FuzzCMBZ2Decompress(f *testing.F) {
	src, b := cmBZ2Block(f, "text-1.bz2")
	enc, err := cmBZ2{}.Compress(nil, src, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc, len(src))
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		cmBZ2{}.Decompress(nil, data, n, b)
	})
}
