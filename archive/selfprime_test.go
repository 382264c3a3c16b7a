package archive

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/model/domain"
)

// shotPNG is a small screenshot-like PNG seeded by k.
func shotPNG(t *testing.T, k int) []byte {
	t.Helper()
	const w, h = 96, 64
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{236, 236, 232, 255}
			switch {
			case x%32 == 0 || y%16 == 0:
				c = color.RGBA{120, 120, 130, 255}
			case y%16 > 4 && y%16 < 10 && (x*7+y*3+k)%11 < 4:
				c = color.RGBA{20, 20, byte(50 + 20*k), 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCreatePrimeImages: with PrimeImages, Create carries a self primer
// of the folder's flat PNGs (a domain model with only the stage's
// primer) and the archive decodes with nothing else; without it, or
// with PresetFast, or below selfPrimeLeast, no model.
func TestCreatePrimeImages(t *testing.T) {
	defer func(v int64) { selfPrimeLeast = v }(selfPrimeLeast)
	dir := t.TempDir()
	want := map[string]string{}
	for k := range 5 {
		b := shotPNG(t, k)
		name := fmt.Sprintf("shots/s%d.png", k)
		if err := os.MkdirAll(filepath.Join(dir, "shots"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		want[name] = string(b)
	}
	want["shots/readme.txt"] = "five screenshots\n"
	if err := os.WriteFile(filepath.Join(dir, "shots/readme.txt"), []byte(want["shots/readme.txt"]), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, c := range []struct {
		name   string
		opts   CreateOptions
		least  int64
		primed bool
	}{
		{"primed", CreateOptions{PrimeImages: true}, 1, true},
		{"not asked", CreateOptions{}, 1, false},
		{"fast", CreateOptions{PrimeImages: true, WriterOptions: WriterOptions{Preset: PresetFast}}, 1, false},
		{"too few", CreateOptions{PrimeImages: true}, 1 << 30, false},
	} {
		selfPrimeLeast = c.least
		var arc bytes.Buffer
		if err := Create(&arc, []string{"shots"}, c.opts); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, r, err := readAll(t, arc.Bytes(), ReaderOptions{Jobs: 2})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s: %s differs", c.name, name)
			}
		}
		d := r.Domain()
		if primed := d != nil && d.Info == domain.SelfPrimerInfo && d.Image() != nil && d.Image().StagePrimer != nil; primed != c.primed {
			t.Errorf("%s: self primer carried %v, want %v", c.name, primed, c.primed)
		}
	}
}
