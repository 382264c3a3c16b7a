package codec

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/pixels/pixeltest"
)

func readGolden(t testing.TB, path string) []byte {
	b, err := os.ReadFile("../../testdata/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rasterBlock plans data with planner p and returns its block.
func rasterBlock(t testing.TB, p Planner, mime string, data []byte) Block {
	ch, ok := p(Kind{MIME: mime, Modality: format.ModalityImage}, bytes.NewReader(data), int64(len(data)))
	if !ok {
		t.Fatal("not planned")
	}
	return Block{EntrySize: int64(len(data)), Params: ch.Params}
}

func TestRasterRoundTripAndDeclines(t *testing.T) {
	for _, tc := range []struct {
		rc    rasterCodec
		mime  string
		plans []Planner
		files []string
	}{
		{modelGIF, "image/gif", []Planner{planGIF, planGIFFast}, []string{"golden-gif/magick-16-interlace.gif", "golden-gif/gifsicle-O3-anim.gif", "golden-gif/pamtogif-nolzw.gif"}},
		{modelBMP, "image/bmp", []Planner{planBMP, planBMPFast}, []string{"golden-bmp/magick-rle8.bmp", "golden-bmp/magick-v5-16.bmp", "golden-bmp/ppmtobmp-4.bmp", "golden-bmp/ppmtobmp-os2-1.bmp"}},
		{modelTIFF, "image/tiff", []Planner{planTIFF, planTIFFFast}, []string{"golden-tiff/im-lzw-pred2.tif", "golden-tiff/im-lzw-grey16-msb.tif", "golden-tiff/im-lzw-palette.tif", "golden-tiff/tc-zip-rgb16-r7.tif", "golden-tiff/tc-packbits-tiled.tif"}},
	} {
		for _, name := range tc.files {
			data := readGolden(t, name)
			for _, p := range tc.plans {
				b := rasterBlock(t, p, tc.mime, data)
				enc, err := tc.rc.Compress(nil, data, b)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				back, err := tc.rc.Decompress(nil, enc, len(data), b)
				if err != nil || !bytes.Equal(back, data) {
					t.Fatalf("%s: round trip failed (%v)", name, err)
				}
				if len(enc) >= len(data) {
					t.Errorf("%s: %d bytes coded to %d", name, len(data), len(enc))
				}
			}
			// A truncated or damaged file is declined (its block goes to
			// zstd), unless what is left still rebuilds exactly.
			for _, bad := range [][]byte{data[:len(data)/2], append(append([]byte{}, data[:40]...), bytes.Repeat([]byte{0xff}, 200)...)} {
				b := rasterBlock(t, tc.plans[0], tc.mime, bad)
				enc, err := tc.rc.Compress(nil, bad, b)
				if err == nil {
					back, err := tc.rc.Decompress(nil, enc, len(bad), b)
					if err != nil || !bytes.Equal(back, bad) {
						t.Errorf("%s damaged: coded, but does not round-trip (%v)", name, err)
					}
				} else if !errors.Is(err, ErrDeclined) {
					t.Errorf("%s damaged: %v, want ErrDeclined", name, err)
				}
			}
		}
	}
}

func TestRasterBadParams(t *testing.T) {
	data := readGolden(t, "golden-gif/pamtogif-nolzw.gif")
	b := rasterBlock(t, planGIF, "image/gif", data)
	enc, err := modelGIF.Compress(nil, data, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][]byte{nil, {2}, append([]byte{2}, b.Params[1:]...), b.Params[:9], append(append([]byte{}, b.Params[:9]...), make([]byte, 8)...)} {
		bb := b
		bb.Params = p
		if _, err := modelGIF.Decompress(nil, enc, len(data), bb); err == nil {
			t.Errorf("params %x: no error", p)
		}
	}
	bb := b
	bb.Offset = 1
	if _, err := modelGIF.Decompress(nil, enc, len(data), bb); err == nil {
		t.Error("entry in two blocks: no error")
	}
	for n := range len(enc) {
		if _, err := modelGIF.Decompress(nil, enc[:n], len(data), b); err == nil {
			t.Fatalf("payload cut at %d: no error", n)
		}
	}
}

func FuzzModelTIFFDecompress(f *testing.F) {
	data := readGolden(f, "golden-tiff/im-lzw-grey16-msb.tif")
	b := rasterBlock(f, planTIFFFast, "image/tiff", data)
	enc, err := modelTIFF.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		modelTIFF.Decompress(nil, src, len(data), b)
	})
}

func FuzzModelBMPDecompress(f *testing.F) {
	data := readGolden(f, "golden-bmp/magick-rle8.bmp")
	b := rasterBlock(f, planBMPFast, "image/bmp", data)
	enc, err := modelBMP.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		modelBMP.Decompress(nil, src, len(data), b)
	})
}

func FuzzModelGIFDecompress(f *testing.F) {
	data := readGolden(f, "golden-gif/magick-16-interlace.gif")
	b := rasterBlock(f, planGIFFast, "image/gif", data)
	enc, err := modelGIF.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		modelGIF.Decompress(nil, src, len(data), b)
	})
}

// A TIFF of flat pixels (a page, a screenshot) goes to the
// context-mixing stage in the default, a photo to the network.
func TestRasterFlat(t *testing.T) {
	w, h := 64, 48
	page := bytes.Repeat([]byte{255}, w*h)
	for i := 0; i < len(page); i += 37 {
		page[i] = 0
	}
	cm, err := defaultCMFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		tif  []byte
		flat bool
	}{
		{"page", pixeltest.TIFF(w, h, 1, 8, false, page, 16), true},
		{"photo", pixeltest.TIFF(w, h, 3, 8, false, SmoothImage(w, h, 3, 4), 16), false},
	} {
		if got := modelTIFF.flat(bytes.NewReader(tc.tif), int64(len(tc.tif))); got != tc.flat {
			t.Errorf("%s: flat %v", tc.name, got)
		}
		ch, ok := planTIFF(Kind{MIME: "image/tiff", Modality: format.ModalityImage}, bytes.NewReader(tc.tif), int64(len(tc.tif)))
		if !ok {
			t.Fatalf("%s: not planned", tc.name)
		}
		if got := bytes.Equal(ch.Params[1:9], cm[:]); got != tc.flat {
			t.Errorf("%s: colour model the context-mixing stage: %v", tc.name, got)
		}
		if _, ok := planTIFFBest(Kind{MIME: "image/tiff", Modality: format.ModalityImage}, bytes.NewReader(tc.tif), int64(len(tc.tif))); !ok {
			t.Fatalf("%s: not planned with --best", tc.name)
		}
	}
}

// Small and oddly shaped GIFs and TIFFs round-trip: whatever the writer
// writes, the reader reads (side data can outweigh tiny pixels).
func TestRasterSmallShapesRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 6))
	pal := color.Palette{color.Gray{0}, color.Gray{90}, color.Gray{180}, color.Gray{255}}
	for _, sh := range [][2]int{{1, 1}, {1, 300}, {300, 1}, {2, 150}, {150, 2}, {7, 9}, {150, 150}} {
		w, h := sh[0], sh[1]
		for flatness := range 3 {
			m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
			for j := range m.Pix {
				if flatness == 2 || flatness == 1 && rng.IntN(8) > 0 {
					m.Pix[j] = 3
				} else {
					m.Pix[j] = byte(rng.IntN(4))
				}
			}
			var buf bytes.Buffer
			if err := gif.Encode(&buf, m, nil); err != nil {
				t.Fatal(err)
			}
			grey := make([]byte, w*h)
			for j := range grey {
				grey[j] = m.Pix[j] * 80
			}
			for _, f := range []struct {
				rc   rasterCodec
				p    Planner
				mime string
				data []byte
			}{
				{modelGIF, planGIF, "image/gif", buf.Bytes()},
				{modelTIFF, planTIFF, "image/tiff", pixeltest.TIFF(w, h, 1, 8, false, grey, 3)},
			} {
				t.Logf("%s %dx%d, %d bytes, flatness %d", f.mime, w, h, len(f.data), flatness)
				blockRoundTrip(t, f.rc, f.data, rasterBlock(t, f.p, f.mime, f.data).Params)
			}
		}
	}
}
