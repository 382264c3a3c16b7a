package gifre

import (
	"bytes"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// testImage is a w×h paletted picture of n colours: smooth gradients with
// some noise, so that LZW finds both long and short strings.
func testImage(w, h, n int, seed int64) *image.Paletted {
	pal := make(color.Palette, n)
	for i := range pal {
		pal[i] = color.RGBA{uint8(i * 37), uint8(i * 11), uint8(255 - i), 255}
	}
	m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	r := rand.New(rand.NewSource(seed))
	for y := range h {
		for x := range w {
			v := (x/3 + y/5 + r.Intn(3)) % n
			m.Pix[y*w+x] = uint8(v)
		}
	}
	return m
}

func encodeGIF(t testing.TB, m image.Image) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeAll(t testing.TB, g *gif.GIF) []byte {
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// animation is three frames, the second with a local palette and offset.
func animation(t testing.TB) []byte {
	g := &gif.GIF{LoopCount: 0}
	for i := range 3 {
		m := testImage(40, 30, 16<<i, int64(i))
		if i == 1 {
			m.Rect = image.Rect(5, 4, 45, 34)
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 10)
	}
	g.Config = image.Config{ColorModel: g.Image[0].Palette, Width: 50, Height: 40}
	return encodeAll(t, g)
}

// synthetic returns GIFs written by image/gif.
func synthetic(t testing.TB) map[string][]byte {
	out := map[string][]byte{
		"2col":   encodeGIF(t, testImage(17, 9, 2, 1)),
		"16col":  encodeGIF(t, testImage(64, 48, 16, 2)),
		"256col": encodeGIF(t, testImage(300, 200, 256, 3)),
		"noise":  encodeGIF(t, noise(257, 130, 4)),
		"flat":   encodeGIF(t, testImage(500, 400, 1, 5)),
		"anim":   animation(t),
		"plan9":  encodeGIF(t, paletteImage(120, 80)),
		"1x1":    encodeGIF(t, testImage(1, 1, 2, 6)),
	}
	return out
}

func noise(w, h int, seed int64) *image.Paletted {
	m := testImage(w, h, 256, seed)
	r := rand.New(rand.NewSource(seed))
	for i := range m.Pix {
		m.Pix[i] = uint8(r.Intn(256))
	}
	return m
}

func paletteImage(w, h int) *image.Paletted {
	m := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7 / 5)
	}
	return m
}

func fixtures(t testing.TB) map[string][]byte {
	out := synthetic(t)
	files, _ := filepath.Glob("testdata/*.gif")
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(fn)] = b
	}
	return out
}

func roundTrip(t *testing.T, name string, b []byte) *Parts {
	t.Helper()
	p, err := Split(b)
	if err != nil {
		t.Fatalf("%s: Split: %v", name, err)
	}
	fs, err := Frames(p.Meta)
	if err != nil {
		t.Fatalf("%s: Frames: %v", name, err)
	}
	if len(fs) != len(p.Frames) {
		t.Fatalf("%s: Frames: %d frames, want %d", name, len(fs), len(p.Frames))
	}
	pix := make([][]byte, len(fs))
	for i, f := range fs {
		g := p.Frames[i]
		if f.W != g.W || f.H != g.H || !bytes.Equal(f.Palette, g.Palette) || f.Pix != nil || len(g.Pix) != g.W*g.H {
			t.Fatalf("%s: frame %d: Frames disagrees with Split", name, i)
		}
		pix[i] = g.Pix
	}
	out, err := Join(p.Meta, pix)
	if err != nil || !bytes.Equal(out, b) {
		t.Fatalf("%s: Join: %v", name, err)
	}
	return p
}

func TestRoundTrip(t *testing.T) {
	for name, b := range fixtures(t) {
		p := roundTrip(t, name, b)
		t.Logf("%-24s %6d bytes, %d frames, meta %d bytes", name, len(b), len(p.Frames), len(p.Meta))
	}
}

// TestPixels checks the indices against image/gif's decoder.
func TestPixels(t *testing.T) {
	for name, b := range fixtures(t) {
		g, err := gif.DecodeAll(bytes.NewReader(b))
		if err != nil {
			continue
		}
		p, err := Split(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(g.Image) != len(p.Frames) {
			t.Fatalf("%s: %d frames, image/gif %d", name, len(p.Frames), len(g.Image))
		}
		for i, m := range g.Image {
			if !bytes.Equal(m.Pix, p.Frames[i].Pix) {
				t.Errorf("%s: frame %d pixels differ from image/gif's", name, i)
			}
		}
	}
}
