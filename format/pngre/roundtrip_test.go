package pngre

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// zstdSize is the size of b as one zstd frame at the best level (how the
// codec stores the meta part).
func zstdSize(b []byte) int {
	e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	defer e.Close()
	return len(e.EncodeAll(b, nil))
}

// roundTrip splits and joins b and checks the result is identical.
func roundTrip(t testing.TB, name string, b []byte) *Parts {
	t.Helper()
	p, err := Split(b)
	if err != nil {
		t.Fatalf("%s: Split: %v", name, err)
	}
	w, h, c, err := Dims(p.Meta)
	if err != nil || w != p.W || h != p.H || c != p.C {
		t.Fatalf("%s: Dims %d %d %d %v", name, w, h, c, err)
	}
	got, err := Join(p.Meta, p.Tokens, p.Pixels)
	if err != nil {
		t.Fatalf("%s: Join: %v", name, err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("%s: Join differs (%d vs %d bytes)", name, len(got), len(b))
	}
	return p
}

// roundTripV1 checks that side data version 1 still round-trips.
func roundTripV1(t testing.TB, b []byte) {
	t.Helper()
	p, err := SplitVersion(b, 1)
	if err != nil {
		t.Fatalf("v1 Split: %v", err)
	}
	if p.Meta[0] != 1 {
		t.Fatalf("v1 meta version %d", p.Meta[0])
	}
	got, err := Join(p.Meta, p.Tokens, p.Pixels)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("v1 Join: %v", err)
	}
}

// testImage draws a smooth image with noise and some repetition.
func testImage(w, h int, model color.Model, seed int64) image.Image {
	r := rand.New(rand.NewSource(seed))
	rect := image.Rect(0, 0, w, h)
	var img interface {
		image.Image
		Set(x, y int, c color.Color)
	}
	switch model {
	case color.GrayModel:
		img = image.NewGray(rect)
	case color.NRGBAModel:
		img = image.NewNRGBA(rect)
	case color.Gray16Model:
		img = image.NewGray16(rect)
	default:
		img = image.NewRGBA(rect)
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(x*3 + y*2 + r.Intn(8))
			if (x/7+y/5)%3 == 0 {
				v = uint8(x ^ y)
			}
			img.Set(x, y, color.NRGBA{v, uint8(int(v) + y), uint8(x * y / 16), uint8(200 + r.Intn(50))})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image, level png.CompressionLevel) []byte {
	var buf bytes.Buffer
	e := png.Encoder{CompressionLevel: level}
	if err := e.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var levels = []png.CompressionLevel{png.DefaultCompression, png.NoCompression, png.BestSpeed, png.BestCompression}

func TestRoundTripGo(t *testing.T) {
	sizes := [][2]int{{1, 1}, {3, 2}, {17, 9}, {64, 64}, {301, 123}}
	models := []color.Model{color.GrayModel, color.RGBAModel, color.NRGBAModel}
	for _, sz := range sizes {
		for mi, m := range models {
			img := testImage(sz[0], sz[1], m, int64(sz[0]*7+mi))
			for _, lv := range levels {
				b := encodePNG(t, img, lv)
				roundTrip(t, "go", b)
				roundTripV1(t, b)
			}
		}
	}
}

func TestUnsupported(t *testing.T) {
	b := encodePNG(t, testImage(20, 10, color.Gray16Model, 1), png.DefaultCompression)
	if _, err := Split(b); err == nil {
		t.Fatal("16-bit accepted")
	}
}

// TestCorpora round-trips the Kodak and training PNGs when ../shared is
// present: two of them by default (keeping go test ./... fast), all of
// them with PNGRE_CORPUS=all, or those matching PNGRE_FILES (a glob).
func TestCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	var files []string
	for _, g := range []string{"../../../shared/data/kodak/*.png", "../../../shared/data/train-images/*/*.png"} {
		f, _ := filepath.Glob(g)
		if os.Getenv("PNGRE_CORPUS") != "all" && len(f) > 1 {
			f = f[:1]
		}
		files = append(files, f...)
	}
	if p := os.Getenv("PNGRE_FILES"); p != "" {
		files, _ = filepath.Glob(p)
	}
	if len(files) == 0 {
		t.Skip("no ../shared data")
	}
	var total struct{ meta, tokens int }
	defer func() {
		t.Logf("total: meta (zstd) %d tokens %d side %d over %d files", total.meta, total.tokens, total.meta+total.tokens, len(files))
	}()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		p := roundTrip(t, f, b)
		zm := zstdSize(p.Meta)
		total.meta += zm
		total.tokens += len(p.Tokens)
		t.Logf("%s: meta %d (zstd %d) tokens %d side %d (%.1fs)", filepath.Base(f), len(p.Meta), zm, len(p.Tokens), zm+len(p.Tokens), time.Since(t0).Seconds())
	}
}
