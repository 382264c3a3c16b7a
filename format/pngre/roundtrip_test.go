package pngre

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
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
	w, h, c, sb, _, err := Format(p.Meta)
	if err != nil || w != p.W || h != p.H || c != p.C || sb != p.SampleBytes {
		t.Fatalf("%s: Format %d %d %d %d %v", name, w, h, c, sb, err)
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
	p, err := SplitVersion(b, 1, 0)
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

// TestUnsupported: IHDRs this package refuses with ErrUnsupported (it
// refused 16-bit images before they were supported; they are tested in
// TestDepthInterlace).
func TestUnsupported(t *testing.T) {
	for _, c := range []struct {
		name              string
		depth, ct, interl byte
	}{
		{"interlace method 2", 8, 2, 2},
		{"16-bit palette", 16, 3, 0},
		{"2-bit RGB", 2, 2, 0},
		{"colour type 5", 8, 5, 0},
	} {
		b := encodePNG(t, testImage(20, 10, color.RGBAModel, 1), png.DefaultCompression)
		b = withIHDR(b, c.depth, c.ct, c.interl)
		if _, err := Split(b); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// withIHDR sets the bit depth, colour type and interlace method of a PNG
// file's IHDR (and its CRC).
func withIHDR(b []byte, depth, ct, interlace byte) []byte {
	b = bytes.Clone(b)
	b[24], b[25], b[28] = depth, ct, interlace
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
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

// palettePNG encodes a w×h paletted image of n colours with Go's
// image/png, which writes 1-, 2-, 4- or 8-bit indices by palette size.
func palettePNG(t testing.TB, w, h, n int, seed int64) []byte {
	pal := make(color.Palette, n)
	r := rand.New(rand.NewSource(seed))
	for i := range pal {
		pal[i] = color.RGBA{uint8(r.Intn(256)), uint8(r.Intn(256)), uint8(r.Intn(256)), 255}
	}
	m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// flat regions with edges, as in a diagram
			m.Pix[y*m.Stride+x] = uint8(((x/7)*3 + (y/5)*5 + r.Intn(2)) % n)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPaletteAndLowDepth: palette PNGs of 1-, 2-, 4- and 8-bit indices
// (odd widths, so rows end inside a byte) round-trip, their pixels are
// the indices, and a row whose unused bits are not zero is refused.
func TestPaletteAndLowDepth(t *testing.T) {
	for _, n := range []int{2, 3, 4, 11, 16, 200} {
		b := palettePNG(t, 37, 13, n, int64(n))
		p := roundTrip(t, "palette", b)
		if p.C != 1 || len(p.Pixels) != 37*13 {
			t.Fatalf("%d colours: C %d, %d pixels", n, p.C, len(p.Pixels))
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(img.(*image.Paletted).Pix, p.Pixels) {
			t.Errorf("%d colours: pixels are not the indices", n)
		}
	}
	// Gray at 1, 2, 4 bits: pack and unpack directly, unused bits set.
	for _, d := range []int{1, 2, 4} {
		h := header{W: 13, H: 3, C: 1, Depth: d, ColorType: 0}
		s := make([]byte, 13*3)
		for i := range s {
			s[i] = byte(i*7) & byte(1<<d-1)
		}
		packed, err := pack(h, s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := unpack(h, packed)
		if err != nil || !bytes.Equal(back, s) {
			t.Fatalf("%d bits: unpack(pack) differs (%v)", d, err)
		}
		packed[h.packedRow()-1] |= 1 // an unused bit of row 0
		if _, err := unpack(h, packed); err == nil {
			t.Errorf("%d bits: unused bits accepted", d)
		}
		s[0] = 1 << d
		if _, err := pack(h, s); err == nil {
			t.Errorf("%d bits: out-of-range sample packed", d)
		}
	}
}
