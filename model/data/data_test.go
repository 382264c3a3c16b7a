package data

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/model"
)

func TestForbiddenPaths(t *testing.T) {
	for _, p := range []string{"/work/shared/data/kodak", "/work/shared/data/text/canterbury", "../shared/data/kodak/kodim01.png"} {
		if _, err := Load(Config{ImageDir: p}, 64); err == nil {
			t.Errorf("Load accepted evaluation path %s", p)
		}
	}
}

func TestPNGPatchOrder(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 20, 18))
	for y := 0; y < 18; y++ {
		for x := 0; x < 20; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	os.WriteFile(filepath.Join(dir, "a.png"), buf.Bytes(), 0o644)
	rgb, err := LoadPNG(filepath.Join(dir, "a.png"))
	if err != nil {
		t.Fatal(err)
	}
	p := ImagePatch(rgb, 2, 1)
	if len(p) != 768 {
		t.Fatalf("patch has %d symbols", len(p))
	}
	// pixel (x=2+1, y=1+0) is the second pixel: R,G,B at 3,4,5
	if p[3] != 3 || p[4] != 1 || p[5] != 4 {
		t.Fatalf("raster order wrong: %v", p[:6])
	}
	// row 1 starts at 48
	if p[48] != 2 || p[49] != 2 {
		t.Fatalf("row order wrong: %v", p[48:51])
	}
	d := FromMemory(Split{Images: []*RGB{rgb}, Prose: []byte("hello world, this is text")}, Split{}, 8)
	rng := rand.New(rand.NewPCG(1, 2))
	b := d.Batch(rng, 50, Mix{ImageFrac: 0.5})
	var ni int
	for _, s := range b {
		if s.Mod == model.Image {
			ni++
			if len(s.Syms) != 768 {
				t.Fatal("bad image sequence")
			}
		} else if len(s.Syms) != 8 {
			t.Fatal("bad text sequence")
		}
	}
	if ni == 0 || ni == 50 {
		t.Fatalf("batch not mixed: %d images of 50", ni)
	}
}
