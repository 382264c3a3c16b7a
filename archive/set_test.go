package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format"
)

const (
	setBlock  = 4096
	setVolume = 16 << 10
)

// makeSetTree writes a tree that a set of 16 KiB volumes cuts every way:
// a file split in three pieces, a hard link within a volume and one
// across volumes, copies of one content in different volumes, small
// text files (a solid group), an empty directory, symlinks.
func makeSetTree(t testing.TB, dir string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	text := func(n int, seed string) []byte {
		return []byte(strings.Repeat("the quick brown fox jumps over the lazy dog "+seed+"\n", n/48+1)[:n])
	}
	copyData := random(5000)
	files := []struct {
		name string
		data []byte
	}{
		{"a/1.txt", text(3000, "one")},
		{"a/2.txt", text(2500, "two")},
		{"a/big.bin", random(40000)},
		{"a/copy1.bin", copyData},
		{"b/copy2.bin", copyData},
		{"b/x.bin", random(6000)},
		{"b/z.bin", random(9000)},
		{"c/only.txt", text(700, "three")},
	}
	for i, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		mt := time.Unix(1_650_000_000+int64(i)*3600, int64(i)*1000)
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{"a/1.txt", "b/hard-far"}, {"b/x.bin", "b/y-hard-near"}} {
		if err := os.Link(filepath.Join(dir, l[0]), filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "d-empty"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a/1.txt", filepath.Join(dir, "e-link")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"a", "b", "c", "d-empty", "."} {
		mt := time.Unix(1_500_000_000, 0)
		if err := os.Chtimes(filepath.Join(dir, d), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
}

// createSet plans and writes the set of the tree root (a relative name
// inside dir) as dir/out/set.dcar.
func createSet(t testing.TB, dir, root string, jobs int) (*SetPlan, string) {
	return createSetIn(t, dir, root, "out", jobs)
}

func createSetIn(t testing.TB, dir, root, outDir string, jobs int) (*SetPlan, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	plan, err := PlanSet([]string{root}, SetOptions{VolumeSize: setVolume, BlockSize: setBlock})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateSet(outDir+"/set.dcar", plan, VolumeOptions{WriterOptions: WriterOptions{Jobs: jobs, BlockSize: setBlock}}); err != nil {
		t.Fatal(err)
	}
	return plan, filepath.Join(dir, outDir, "set.dcar")
}

func readDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestSetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	makeSetTree(t, filepath.Join(dir, "tree"))
	plan, set := createSet(t, dir, "tree", 2)
	if len(plan.Volumes) < 4 || !plan.Ordered {
		t.Fatalf("%d volumes, ordered %v", len(plan.Volumes), plan.Ordered)
	}
	var pieces, copies int
	for _, v := range plan.Volumes {
		var content int64
		for _, e := range v.Entries {
			content += e.Header.Size
			if e.Header.IsPiece() {
				pieces++
			}
			if e.Header.Path == "tree/b/hard-far" && e.Header.Type == format.TypeRegular {
				copies++
			}
			if e.Header.Path == "tree/b/y-hard-near" && e.Header.Type != format.TypeHardlink {
				t.Errorf("the hard link within a volume was planned as %s", e.Header.Type)
			}
		}
		if content > setVolume {
			t.Errorf("volume %d: %d content bytes", v.Index, content)
		}
	}
	if pieces != 3 || copies != 1 {
		t.Fatalf("%d pieces, %d copies of a hard link across volumes", pieces, copies)
	}
	// Every volume alone is an archive; the one with a middle piece says so.
	for i := range plan.Volumes {
		b, err := os.ReadFile(VolumeName(set, i))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(bytes.NewReader(b), 1, nil)
		if err != nil || len(rep.Damaged) > 0 {
			t.Fatalf("volume %d alone: %v %v", i+1, err, rep)
		}
	}
	s, err := OpenSet(VolumeName(set, 2)) // any volume finds the set
	if err != nil {
		t.Fatal(err)
	}
	if rep := s.Verify(2, nil); len(rep.Problems) > 0 || rep.Volumes != len(plan.Volumes) {
		t.Fatalf("verify: %v", rep.Problems)
	}
	out := t.TempDir()
	if err := s.Extract(context.Background(), out, ExtractOptions{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	compareSetTree(t, filepath.Join(dir, "tree"), filepath.Join(out, "tree"))

	// The same set for any number of jobs.
	_, set2 := createSetIn(t, dir, "tree", "out1", 1)
	a, b := readDir(t, filepath.Dir(set)), readDir(t, filepath.Dir(set2))
	if len(a) != len(plan.Volumes)+1 || len(a) != len(b) {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for n := range a {
		if !bytes.Equal(a[n], b[n]) {
			t.Errorf("%s differs between jobs 2 and 1", n)
		}
	}
}

// compareSetTree compares an extracted set with its source: every file,
// mode, time and link; the hard link across volumes is a copy.
func compareSetTree(t *testing.T, want, got string) {
	t.Helper()
	a, ga := snapshot(t, want)
	b, gb := snapshot(t, got)
	compareNodes(t, a, b)
	if fmt.Sprint(ga) != "[[a/1.txt b/hard-far] [b/x.bin b/y-hard-near]]" || fmt.Sprint(gb) != "[[b/x.bin b/y-hard-near]]" {
		t.Errorf("hard link groups %v, source %v", gb, ga)
	}
}

// volumeOf returns the volumes holding path in a plan.
func volumesOf(plan *SetPlan, path string) []int {
	var out []int
	for i, v := range plan.Volumes {
		for _, e := range v.Entries {
			if e.Header.Path == path && !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	return out
}

func TestSetMissingVolume(t *testing.T) {
	dir := t.TempDir()
	makeSetTree(t, filepath.Join(dir, "tree"))
	plan, set := createSet(t, dir, "tree", 2)
	big := volumesOf(plan, "tree/a/big.bin")
	gone := big[1] // the middle piece's volume
	if err := os.Remove(VolumeName(set, gone)); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSet(set)
	if err != nil {
		t.Fatal(err)
	}
	rep := s.Verify(1, nil)
	name := filepath.Base(VolumeName(set, gone))
	if len(rep.Problems) == 0 || !errors.Is(rep.Problems[0], ErrVolumeMissing) || !strings.Contains(rep.Problems[0].Error(), name) {
		t.Fatalf("verify: %v", rep.Problems)
	}
	out := t.TempDir()
	err = s.Extract(context.Background(), out, ExtractOptions{})
	if !errors.Is(err, ErrVolumeMissing) || !strings.Contains(err.Error(), name) || !errors.Is(err, ErrPieceAlone) {
		t.Fatalf("extract: %v", err)
	}
	// Every entry of the other volumes is restored, the split file not at all.
	for i, v := range plan.Volumes {
		for _, e := range v.Entries {
			_, err := os.Lstat(filepath.Join(out, e.Header.Path))
			switch lost := i == gone || e.Header.Path == "tree/a/big.bin"; {
			case lost && e.Header.Type != format.TypeDir && err == nil:
				t.Errorf("%s (volume %d) extracted", e.Header.Path, i+1)
			case !lost && err != nil:
				t.Errorf("%s (volume %d): %v", e.Header.Path, i+1, err)
			}
		}
	}
	// Damage: a flipped byte in another volume is named.
	other := (gone + 1) % len(plan.Volumes)
	vb, _ := os.ReadFile(VolumeName(set, other))
	vb[len(vb)/2] ^= 0x40
	os.WriteFile(VolumeName(set, other), vb, 0o644)
	rep = s.Verify(1, nil)
	found := false
	for _, p := range rep.Problems {
		if strings.HasPrefix(p.Error(), filepath.Base(VolumeName(set, other))+": ") {
			found = true
		}
	}
	if !found {
		t.Fatalf("damaged volume not named: %v", rep.Problems)
	}
}

// TestSetPartialExtract proves that extracting a path reads only the
// volumes that hold it: the others are removed first.
func TestSetPartialExtract(t *testing.T) {
	dir := t.TempDir()
	makeSetTree(t, filepath.Join(dir, "tree"))
	plan, set := createSet(t, dir, "tree", 2)
	for _, path := range []string{"tree/a/big.bin", "tree/b/x.bin", "tree/c"} {
		s, err := OpenSet(set)
		if err != nil {
			t.Fatal(err)
		}
		need := s.Needed([]string{path})
		if want := volumesOf(plan, path); path != "tree/c" && !slices.Equal(need, want) {
			t.Errorf("%s: needs volumes %v, is in %v", path, need, want)
		}
		tmp := t.TempDir()
		for _, i := range need {
			b, _ := os.ReadFile(VolumeName(set, i))
			os.WriteFile(filepath.Join(tmp, filepath.Base(VolumeName(set, i))), b, 0o644)
		}
		m, _ := os.ReadFile(set)
		os.WriteFile(filepath.Join(tmp, "set.dcar"), m, 0o644)
		s2, err := OpenSet(filepath.Join(tmp, "set.dcar"))
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if err := s2.Extract(context.Background(), out, ExtractOptions{Only: []string{path}}); err != nil {
			t.Fatalf("%s from volumes %v: %v", path, need, err)
		}
		if path == "tree/a/big.bin" {
			a, _ := os.ReadFile(filepath.Join(dir, path))
			b, _ := os.ReadFile(filepath.Join(out, path))
			if !bytes.Equal(a, b) {
				t.Errorf("%s restored wrong", path)
			}
		}
	}
	// A middle piece's volume alone: an archive that says what it holds.
	mid := volumesOf(plan, "tree/a/big.bin")[1]
	f, err := os.Open(VolumeName(set, mid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Extract(f, t.TempDir(), ExtractOptions{}); !errors.Is(err, ErrPieceAlone) {
		t.Fatalf("middle piece alone: %v", err)
	}
}

func TestSetManifestDamage(t *testing.T) {
	dir := t.TempDir()
	makeSetTree(t, filepath.Join(dir, "tree"))
	_, set := createSet(t, dir, "tree", 2)
	m, _ := os.ReadFile(set)
	for _, c := range []struct {
		name string
		b    []byte
		want error
	}{
		{"truncated", m[:len(m)-9], format.ErrChecksum},
		{"short", m[:10], format.ErrTruncated},
		{"altered", append(append([]byte{}, m[:30]...), append([]byte{m[30] ^ 1}, m[31:]...)...), format.ErrChecksum},
	} {
		os.WriteFile(set, c.b, 0o644)
		_, err := OpenSet(set)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), "set.dcar") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := OpenSet(VolumeName(set, 0) + "x"); !errors.Is(err, ErrNotSet) {
		t.Errorf("not a set: %v", err)
	}
}

func TestPlanSetVolumeSize(t *testing.T) {
	if _, err := PlanSet([]string{"."}, SetOptions{VolumeSize: 100, BlockSize: 4096}); !errors.Is(err, ErrVolumeSize) {
		t.Fatal(err)
	}
}

// goldenSetEntry is one file of the golden set, as extracted.
type goldenSetEntry struct {
	Path   string `json:"path"`
	Mode   string `json:"mode"`
	SHA256 string `json:"sha256,omitempty"`
	Link   string `json:"link,omitempty"`
}

func extractedTree(t testing.TB, dir string) []goldenSetEntry {
	var out []goldenSetEntry
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		fi, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		e := goldenSetEntry{Path: filepath.ToSlash(rel), Mode: fi.Mode().String()}
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			e.SHA256 = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.Link, _ = os.Readlink(p)
		}
		out = append(out, e)
		return nil
	})
	return out
}

// TestGoldenSet decodes the committed golden volume set (version 3
// volumes with pieces, a manifest): it must keep decoding forever.
func TestGoldenSet(t *testing.T) {
	gdir := filepath.Join("..", "testdata", "golden-set")
	if *update {
		dir := t.TempDir()
		makeSetTree(t, filepath.Join(dir, "tree"))
		_, set := createSet(t, dir, "tree", 2)
		os.RemoveAll(gdir)
		os.MkdirAll(gdir, 0o755)
		for n, b := range readDir(t, filepath.Dir(set)) {
			os.WriteFile(filepath.Join(gdir, n), b, 0o644)
		}
		out := t.TempDir()
		s, _ := OpenSet(set)
		if err := s.Extract(context.Background(), out, ExtractOptions{}); err != nil {
			t.Fatal(err)
		}
		j, _ := json.MarshalIndent(extractedTree(t, out), "", "  ")
		os.WriteFile(filepath.Join(gdir, "tree.json"), append(j, '\n'), 0o644)
	}
	s, err := OpenSet(filepath.Join(gdir, "set.dcar.002"))
	if err != nil {
		t.Fatal(err)
	}
	if rep := s.Verify(2, nil); len(rep.Problems) > 0 {
		t.Fatal(rep.Problems)
	}
	out := t.TempDir()
	if err := s.Extract(context.Background(), out, ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	var want []goldenSetEntry
	j, err := os.ReadFile(filepath.Join(gdir, "tree.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(j, &want); err != nil {
		t.Fatal(err)
	}
	if got := extractedTree(t, out); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("extracted\n%v\nwant\n%v", got, want)
	}
}

func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{"4096": 4096, "64K": 64 << 10, "100M": 100 << 20, "1G": 1 << 30, "2t": 2 << 40, "100MiB": 100 << 20, "5MB": 5 << 20} {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1M", "1.5G", "12X", "M", "99999999999T"} {
		if _, err := ParseSize(s); !errors.Is(err, ErrSize) {
			t.Errorf("%q: %v", s, err)
		}
	}
}
