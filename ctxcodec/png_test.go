package ctxcodec

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
)

// pngOf writes px (w x h x c, c in 1..4) as a PNG at the given level.
func pngOf(t testing.TB, w, h, c int, px []byte, level png.CompressionLevel) []byte {
	r := image.Rect(0, 0, w, h)
	var img image.Image
	switch c {
	case 1:
		g := image.NewGray(r)
		copy(g.Pix, px)
		img = g
	case 2:
		g := image.NewGray16(r) // 16-bit: not handled, for the fallback test
		for i, v := range px[:w*h] {
			g.Pix[2*i], g.Pix[2*i+1] = v, px[w*h+i%(len(px)-w*h)]
		}
		img = g
	case 3:
		m := image.NewRGBA(r)
		for i := 0; i < w*h; i++ {
			copy(m.Pix[4*i:], px[3*i:3*i+3])
			m.Pix[4*i+3] = 255
		}
		img = m
	case 4:
		m := image.NewNRGBA(r)
		copy(m.Pix, px)
		img = m
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: level}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPNGArchive(t *testing.T) {
	files := map[string][]byte{}
	levels := map[string]png.CompressionLevel{"def": png.DefaultCompression, "none": png.NoCompression, "fast": png.BestSpeed, "best": png.BestCompression}
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {64, 48}, {101, 37}} {
		w, h := sz[0], sz[1]
		for _, c := range []int{1, 3, 4} {
			px := smoothImage(w, h, c, uint64(w+c))
			for ln, lv := range levels {
				files[fmt.Sprintf("c%d-%dx%d-%s.png", c, w, h, ln)] = pngOf(t, w, h, c, px, lv)
			}
		}
	}
	files["gray16.png"] = pngOf(t, 40, 30, 2, smoothImage(40, 30, 2, 1), png.DefaultCompression)
	tail := pngOf(t, 64, 48, 3, smoothImage(64, 48, 3, 2), png.DefaultCompression)
	files["trailing.png"] = append(tail[:len(tail):len(tail)], "junk after IEND"...)
	_, idx := roundTrip(t, files, 2)
	for _, e := range idx {
		name := filepath.Base(e.Header.Path)
		if !strings.HasSuffix(name, ".png") {
			continue
		}
		want := format.CodecModelPNG
		if name == "gray16.png" {
			want = format.CodecZstd
		}
		if (strings.Contains(name, "64x48") || strings.Contains(name, "101x37") || name == "gray16.png" || name == "trailing.png") && e.Header.Codec != want {
			t.Errorf("%s coded with %s", name, archive.CodecName(e.Header.Codec))
		}
	}
}

// TestPNGSmaller checks model-png beats zstd on a PNG the pixel model
// likes, through the codec directly.
func TestPNGSmaller(t *testing.T) {
	w, h := 96, 64
	data := pngOf(t, w, h, 3, smoothImage(w, h, 3, 7), png.BestCompression)
	for _, c := range []pngCodec{pngCtx, pngModel} {
		params, err := c.params()
		if err != nil {
			t.Fatal(err)
		}
		b := archive.Block{EntrySize: int64(len(data)), Params: params}
		enc, err := c.Compress(nil, data, b)
		if err != nil {
			t.Fatal(err)
		}
		// any model-png decoder decodes any shipped pixel model
		dec, err := pngModel.Decompress(nil, enc, len(data), b)
		if err != nil || !bytes.Equal(dec, data) {
			t.Fatalf("round trip: %v", err)
		}
		t.Logf("PNG %d bytes, model-png %d (pixel model %x)", len(data), len(enc), params[1:9])
		if len(enc) >= len(data) {
			t.Errorf("model-png %d bytes, the PNG itself %d", len(enc), len(data))
		}
	}
}

func TestPNGBadParams(t *testing.T) {
	c := pngCtx
	if _, err := c.Decompress(nil, []byte{0}, 1, archive.Block{Params: []byte{99}}); err == nil {
		t.Error("unknown parameters accepted")
	}
	p := []byte{pngParamsVersion, 1, 2, 3, 4, 5, 6, 7, 8}
	if _, err := c.Decompress(nil, []byte{0}, 1, archive.Block{Params: p}); err == nil || !strings.Contains(err.Error(), "0102030405060708") {
		t.Errorf("another model: %v", err)
	}
}

// TestPNGTools round-trips PNGs written by ImageMagick and optipng when
// they are installed.
func TestPNGTools(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.png")
	os.WriteFile(src, pngOf(t, 120, 80, 3, smoothImage(120, 80, 3, 11), png.NoCompression), 0o644)
	files := map[string][]byte{}
	if _, err := exec.LookPath("convert"); err == nil {
		for _, q := range []string{"00", "19", "75", "95", "99"} {
			out := filepath.Join(dir, "im"+q+".png")
			if err := exec.Command("convert", src, "-quality", q, out).Run(); err == nil {
				files["im"+q+".png"], _ = os.ReadFile(out)
			}
		}
	}
	if _, err := exec.LookPath("optipng"); err == nil {
		for _, o := range []string{"-o1", "-o3", "-o7"} {
			out := filepath.Join(dir, "opt"+o+".png")
			if err := exec.Command("optipng", "-quiet", o, "-out", out, src).Run(); err == nil {
				files["opt"+o+".png"], _ = os.ReadFile(out)
			}
		}
	}
	if len(files) == 0 {
		t.Skip("neither convert nor optipng on PATH")
	}
	_, idx := roundTrip(t, files, 1)
	for _, e := range idx {
		if strings.HasSuffix(e.Header.Path, ".png") {
			t.Logf("%s: %s", filepath.Base(e.Header.Path), archive.CodecName(e.Header.Codec))
		}
	}
}

func FuzzPNGDecompress(f *testing.F) {
	data := pngOf(f, 12, 7, 3, smoothImage(12, 7, 3, 1), png.BestCompression)
	c := pngCtx
	params, err := c.params()
	if err != nil {
		f.Fatal(err)
	}
	b := archive.Block{EntrySize: int64(len(data)), Params: params}
	enc, err := c.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		c.Decompress(nil, src, len(data), b)
	})
}
