package archive

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

// makeTree writes a tree exercising every entry type and edge case, with
// content sizes around the block size.
func makeTree(t testing.TB, dir string, blockSize int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "sub/deeper"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "empty dir"), 0o700))
	sizes := []int{0, 1, 2, blockSize - 1, blockSize, blockSize + 1, 3*blockSize + 17, 100}
	names := []string{"zero", "one", "two", "sub/below", "sub/exact", "sub/above", "sub/deeper/multi", "ünïcødé 文件.txt"}
	for i, n := range names {
		data := make([]byte, sizes[i])
		if i%2 == 0 {
			for j := range data {
				data[j] = byte(rng.IntN(256))
			}
		} else {
			for j := range data {
				data[j] = "the quick brown fox\n"[j%20]
			}
		}
		p := filepath.Join(dir, n)
		must(os.WriteFile(p, data, 0o644))
		must(os.Chmod(p, fs.FileMode(0o600+i*0o11)))
		mt := time.Unix(1_600_000_000+int64(i)*86400, int64(rng.IntN(1e9)))
		must(os.Chtimes(p, mt, mt))
	}
	must(os.Symlink("one", filepath.Join(dir, "link-to-one")))
	must(os.Symlink("../two", filepath.Join(dir, "sub/link-up")))
	must(os.Symlink("dangling/target", filepath.Join(dir, "dangling")))
	must(os.Link(filepath.Join(dir, "sub/exact"), filepath.Join(dir, "hard-exact")))
	must(os.Chmod(filepath.Join(dir, "sub/deeper"), 0o750))
	for _, d := range []string{"sub/deeper", "sub", "empty dir"} {
		mt := time.Unix(1_500_000_000, 123456789)
		must(os.Chtimes(filepath.Join(dir, d), mt, mt))
	}
}

type node struct {
	mode  fs.FileMode
	mtime time.Time
	data  string // sha256 for files, target for symlinks
	ino   uint64
}

// snapshot describes a tree for comparison; hard links are compared by
// grouping paths on inode.
func snapshot(t testing.TB, dir string) (map[string]node, [][]string) {
	t.Helper()
	out := map[string]node{}
	inodes := map[uint64][]string{}
	err := filepath.Walk(dir, func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		n := node{mode: fi.Mode()}
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n.data = fmt.Sprintf("%x", sha256.Sum256(b))
			n.mtime = fi.ModTime()
			ino := fi.Sys().(*syscall.Stat_t).Ino
			inodes[ino] = append(inodes[ino], rel)
		case fi.IsDir():
			n.mtime = fi.ModTime()
		case fi.Mode()&fs.ModeSymlink != 0:
			n.data, _ = os.Readlink(p)
			n.mtime = fi.ModTime()
		}
		if rel != "." {
			out[rel] = n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var groups [][]string
	for _, g := range inodes {
		if len(g) > 1 {
			sort.Strings(g)
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i][0] < groups[j][0] })
	return out, groups
}

func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	a, ga := snapshot(t, want)
	b, gb := snapshot(t, got)
	compareNodes(t, a, b)
	if fmt.Sprint(ga) != fmt.Sprint(gb) {
		t.Errorf("hard link groups %v, want %v", gb, ga)
	}
}

// compareNodes compares two snapshots but for their hard links.
func compareNodes(t *testing.T, a, b map[string]node) {
	t.Helper()
	if len(a) != len(b) {
		t.Errorf("tree has %d entries, want %d", len(b), len(a))
	}
	for p, n := range a {
		m, ok := b[p]
		if !ok {
			t.Errorf("%s missing", p)
			continue
		}
		if n.mode != m.mode || n.data != m.data || !n.mtime.Equal(m.mtime) {
			t.Errorf("%s: got mode %v data %.12s mtime %v, want %v %.12s %v", p, m.mode, m.data, m.mtime, n.mode, n.data, n.mtime)
		}
	}
}

func createBytes(t testing.TB, root string, opts CreateOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	wd, _ := os.Getwd()
	if err := os.Chdir(filepath.Dir(root)); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if err := Create(&buf, []string{filepath.Base(root)}, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	const bs = 4096
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src, bs, 1)
	var first []byte
	for _, jobs := range []int{1, 2, 7} {
		arc := createBytes(t, src, CreateOptions{WriterOptions: WriterOptions{Jobs: jobs, BlockSize: bs}})
		if first == nil {
			first = arc
		} else if !bytes.Equal(first, arc) {
			t.Fatalf("archive with %d jobs differs from the one with 1 job", jobs)
		}
		out := t.TempDir()
		if err := Extract(bytes.NewReader(arc), out, ExtractOptions{Jobs: jobs}); err != nil {
			t.Fatal(err)
		}
		compareTrees(t, filepath.Dir(src), out)
	}
	rep, err := Verify(bytes.NewReader(first), 2, nil)
	if err != nil || len(rep.Damaged) != 0 {
		t.Fatalf("verify: %v %v", err, rep.Damaged)
	}
	idx, err := ReadIndex(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	scanned, err := ScanIndex(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(idx) != fmt.Sprint(scanned) {
		t.Fatal("index read through the footer differs from the scanned one")
	}
	var total int64
	for _, e := range idx {
		total += e.Stored
	}
	if want := int64(len(first)) - format.FileHeaderSize - format.FooterSize; total >= want || total < want-int64(len(idx))*200-64 {
		t.Errorf("stored sizes add up to %d of %d archive bytes", total, want)
	}
}

func TestExtractRefusesOverwrite(t *testing.T) {
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src, 4096, 2)
	arc := createBytes(t, src, CreateOptions{WriterOptions: WriterOptions{BlockSize: 4096}})
	out := t.TempDir()
	if err := Extract(bytes.NewReader(arc), out, ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	err := Extract(bytes.NewReader(arc), out, ExtractOptions{})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("second extract: %v, want ErrExists", err)
	}
	if err := Extract(bytes.NewReader(arc), out, ExtractOptions{Overwrite: true}); err != nil {
		t.Fatalf("extract --overwrite: %v", err)
	}
	compareTrees(t, filepath.Dir(src), out)
}

func TestExtractSelected(t *testing.T) {
	src := filepath.Join(t.TempDir(), "tree")
	makeTree(t, src, 4096, 3)
	arc := createBytes(t, src, CreateOptions{WriterOptions: WriterOptions{BlockSize: 4096}})
	out := t.TempDir()
	if err := Extract(bytes.NewReader(arc), out, ExtractOptions{Only: []string{"tree/sub", "tree/hard-exact"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "tree/sub/deeper/multi")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, "tree/one")); err == nil {
		t.Error("tree/one extracted but not selected")
	}
	if err := Extract(bytes.NewReader(arc), t.TempDir(), ExtractOptions{Only: []string{"nope"}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("selecting a missing path: %v", err)
	}
}

func TestFileChangedSize(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{KeepCodec: true, BlockSize: 4096})
	h := &format.Header{Path: "f", Type: format.TypeRegular, Size: 10000, Codec: format.CodecZstd}
	err := w.WriteEntry(h, strings.NewReader("short"))
	if !errors.Is(err, ErrFileChanged) || !strings.Contains(err.Error(), "f:") {
		t.Fatalf("shrunk file: %v", err)
	}
	w.Abort(err)
	w = NewWriter(io.Discard, WriterOptions{KeepCodec: true, BlockSize: 4096})
	err = w.WriteEntry(&format.Header{Path: "g", Type: format.TypeRegular, Size: 3, Codec: format.CodecZstd}, strings.NewReader("longer"))
	if !errors.Is(err, ErrFileChanged) {
		t.Fatalf("grown file: %v", err)
	}
	w.Abort(err)
}

func TestEntryName(t *testing.T) {
	for in, want := range map[string]string{"dir/": "dir", "/abs/x": "abs/x", "../../up": "up", "./a/./b": "a/b", ".": "", "/": ""} {
		if got := EntryName(in); got != want {
			t.Errorf("EntryName(%q) = %q, want %q", in, got, want)
		}
	}
}
