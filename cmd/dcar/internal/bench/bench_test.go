package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
)

func fixture(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte(strings.Repeat("some text to compress\n", 300)), 0o644)
	var ppm bytes.Buffer
	fmt.Fprintf(&ppm, "P6\n16 8\n255\n")
	for i := 0; i < 16*8*3; i++ {
		ppm.WriteByte(byte(i * 7))
	}
	os.WriteFile(filepath.Join(dir, "b.ppm"), ppm.Bytes(), 0o644)
	return dir
}

func TestRunDcar(t *testing.T) {
	dir := fixture(t)
	files, err := Collect([]string{dir})
	if err != nil || len(files) != 2 {
		t.Fatalf("%v %v", files, err)
	}
	rows, err := RunDcar([]string{dir}, files, archive.CreateOptions{}, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	img, txt := rows[format.ModalityImage], rows[format.ModalityText]
	if img == nil || txt == nil || !img.Verified || !txt.Verified || img.Samples != 16*8*3 || txt.Packed <= 0 {
		t.Fatalf("rows %+v %+v", img, txt)
	}
	if b, unit := img.BitsPerUnit(); unit != "bpsp" || b <= 0 {
		t.Errorf("image: %v %s", b, unit)
	}
}

// Small text files go into a solid group: their coded bytes are the
// group's, and they count (the rows' packed bytes add up to nearly the
// whole archive).
func TestRunDcarSolid(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in")
	os.MkdirAll(dir, 0o755)
	for i := range 4 {
		s := strings.Repeat(fmt.Sprintf("line %d of file %d, with words of its own\n", i*i, i), 40+i)
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("t%d.txt", i)), []byte(s), 0o644)
	}
	files, err := Collect([]string{dir})
	if err != nil || len(files) != 4 {
		t.Fatalf("%v %v", files, err)
	}
	tmp := t.TempDir()
	rows, err := RunDcar([]string{dir}, files, archive.CreateOptions{}, tmp)
	if err != nil {
		t.Fatal(err)
	}
	txt := rows[format.ModalityText]
	if txt == nil || txt.Files != 4 || !txt.Verified {
		t.Fatalf("rows %+v", rows)
	}
	arc, err := os.ReadFile(filepath.Join(tmp, "bench.dcar"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := archive.ReadIndex(bytes.NewReader(arc), int64(len(arc)))
	if err != nil {
		t.Fatal(err)
	}
	var want int64 // every entry's bytes but the directory's
	groups := 0
	for _, e := range idx {
		if e.Header.Type == format.TypeGroup {
			groups++
		}
		if e.Header.Type != format.TypeDir {
			want += e.Stored
		}
	}
	if groups != 1 || txt.Packed != want {
		t.Errorf("%d groups; text row counts %d packed bytes, the entries hold %d", groups, txt.Packed, want)
	}
}

func TestRunPeer(t *testing.T) {
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Skip("zstd not installed")
	}
	dir := fixture(t)
	files, _ := Collect([]string{dir})
	rows, err := RunPeer(context.Background(), Peers()[0], files, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for m, r := range rows {
		if !r.Verified || r.Files != 1 || r.Packed <= 0 {
			t.Errorf("%v: %+v", m, r)
		}
	}
}
