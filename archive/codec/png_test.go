package codec

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/domain"
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
		g := image.NewGray16(r) // 16-bit grey (model-png version 4)
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
		b := Block{EntrySize: int64(len(data)), Params: params}
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
	if _, err := c.Decompress(nil, []byte{0}, 1, Block{Params: []byte{99}}); err == nil {
		t.Error("unknown parameters accepted")
	}
	p := []byte{pngParamsVersion, 1, 2, 3, 4, 5, 6, 7, 8}
	if _, err := c.Decompress(nil, []byte{0}, 1, Block{Params: p}); err == nil || !strings.Contains(err.Error(), "0102030405060708") {
		t.Errorf("another model: %v", err)
	}
}

func FuzzPNGDecompress(f *testing.F) {
	data := pngOf(f, 12, 7, 3, smoothImage(12, 7, 3, 1), png.BestCompression)
	c := pngCtx
	params, err := c.params()
	if err != nil {
		f.Fatal(err)
	}
	b := Block{EntrySize: int64(len(data)), Params: params}
	enc, err := c.Compress(nil, data, b)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Fuzz(func(t *testing.T, src []byte) {
		c.Decompress(nil, src, len(data), b)
	})
}

// TestPaletteOrder: the luminance renumbering is a bijection of 0..255
// whose inverse undoes it, and a palette PNG is planned as model-png
// version 3 and comes back exactly.
func TestPaletteOrder(t *testing.T) {
	pal := color.Palette{color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}, color.RGBA{200, 0, 0, 255}, color.RGBA{0, 0, 90, 255}, color.RGBA{10, 10, 10, 255}}
	m := image.NewPaletted(image.Rect(0, 0, 33, 9), pal)
	for i := range m.Pix {
		m.Pix[i] = uint8(i*7/5) % uint8(len(pal))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	ch, ok := planPNG(Kind{MIME: "image/png"}, bytes.NewReader(data), int64(len(data)))
	if !ok || ch.Params[0] != pngParamsVersion3+pngParamsZlib {
		t.Fatalf("planned %v %v", ok, ch.Params)
	}
	p, ok := pngSplit(data, 2, 0)
	if !ok || !<-pngCheck(p, data) {
		t.Fatal("does not rebuild")
	}
	o, err := paletteOrder(p.Meta)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[byte]bool{}
	for v := range 256 {
		if o.index[o.rank[v]] != byte(v) {
			t.Fatalf("index(rank(%d)) = %d", v, o.index[o.rank[v]])
		}
		seen[o.rank[v]] = true
	}
	if len(seen) != 256 || o.rank[1] != 0 || o.rank[4] != 1 || o.rank[0] != 4 {
		t.Errorf("ranks %v", o.rank[:6])
	}
	b := Block{EntrySize: int64(len(data)), Params: ch.Params}
	enc, err := pngModel.Compress(nil, data, b)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := pngModel.Decompress(nil, enc, len(data), b)
	if err != nil || !bytes.Equal(dec, data) {
		t.Fatalf("round trip: %v", err)
	}
}

// TestPNGVersionFits: each model-png parameter version takes only the
// PNGs it was defined for.
func TestPNGVersionFits(t *testing.T) {
	for _, tc := range []struct {
		v          byte
		sb, ch     int
		interlaced bool
		ok         bool
	}{
		{2, 1, 3, false, true}, {2, 1, 4, false, true}, {2, 2, 3, false, false}, {3, 1, 1, true, false},
		{4, 2, 1, false, true}, {4, 1, 3, true, true}, {4, 1, 3, false, false},
		{5, 1, 2, false, true}, {5, 2, 4, true, true}, {5, 1, 3, false, false}, {5, 2, 1, false, false},
	} {
		if err := pngVersionFits(tc.v, tc.sb, tc.ch, tc.interlaced); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

// TestPNGSearchBudget: the network's rebuild budget grows with the
// file's bytes per pixel byte, between 256 and 1024 steps a pixel byte;
// --fast's and --best's are fixed.
func TestPNGSearchBudget(t *testing.T) {
	ihdr := func(w, h uint32, depth, color byte, size int) []byte {
		b := make([]byte, size)
		copy(b, "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
		binary.BigEndian.PutUint32(b[16:], w)
		binary.BigEndian.PutUint32(b[20:], h)
		b[24], b[25] = depth, color
		return b
	}
	var net pixelModel = model.SplitNet{}
	for _, c := range []struct {
		png  []byte
		pm   pixelModel
		want int
	}{
		{ihdr(256, 256, 8, 2, 78250), net, 2560 * 78250 / (256 * (1 + 768))}, // a deep-sky photo: 1017
		{ihdr(800, 600, 8, 2, 20000), net, 256},                              // a screenshot: 72 pixel bytes a file byte
		{ihdr(64, 64, 8, 0, 60000), net, 1024},                               // more file than pixels
		{ihdr(256, 256, 8, 2, 78250)[:20], net, 256},                         // no IHDR to go by
		{ihdr(256, 256, 8, 2, 78250), ctxModel{}, 64},
		{ihdr(256, 256, 8, 2, 78250), model.CMNet{}, 1017}, // the default's flat PNGs: the network's budget
		{ihdr(800, 600, 8, 3, 20000), model.CMNet{}, 0},    // a palette image
		{ihdr(800, 600, 1, 0, 20000), model.CMNet{}, 0},    // a 1-bit one
	} {
		if got := pngSearchBudget(c.pm, c.png, PresetDefault); got != c.want {
			t.Errorf("%T, %d bytes: budget %d, want %d", c.pm, len(c.png), got, c.want)
		}
		if got := pngSearchBudget(c.pm, c.png, PresetBest); c.pm == (model.CMNet{}) && got != 0 {
			t.Errorf("%T, %d bytes: budget %d, want %d", c.pm, len(c.png), got, c.want)
		}
	}
}

// The default codes a flat truecolour PNG (model.FlatPNGExpansion pixel bytes
// per file byte or more) with the context-mixing stage, a photo with
// the network; the flat one round-trips through the stage and comes out
// smaller than through the network.
func TestPlanPNGFlat(t *testing.T) {
	w, h := 128, 96
	shot := make([]byte, w*h*3)
	for i := range shot {
		shot[i] = 240
	}
	for y := 10; y < h; y += 12 { // rows of "widgets"
		for x := 8; x < w-8; x++ {
			shot[3*(y*w+x)], shot[3*(y*w+x)+1] = byte(40+x%3), 90
		}
	}
	flatPNG := pngOf(t, w, h, 3, shot, png.BestCompression)
	photo := pngOf(t, w, h, 3, smoothImage(w, h, 3, 7), png.BestCompression)
	cm, err := defaultCMFingerprint()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		cm   bool
	}{{"screenshot", flatPNG, true}, {"photo", photo, false}} {
		ch, ok := planPNGFile(tc.data)
		if !ok {
			t.Fatalf("%s: not planned", tc.name)
		}
		if got := bytes.Equal(ch.Params[1:9], cm[:]); got != tc.cm {
			t.Errorf("%s (%d bytes): planned with the context-mixing stage: %v", tc.name, len(tc.data), got)
		}
		// --fast keeps flat PNGs as they are (zstd): their pixels are
		// many for the file's bytes.
		if _, ok := planPNGFast(Kind{MIME: "image/png"}, bytes.NewReader(tc.data), int64(len(tc.data))); ok == tc.cm {
			t.Errorf("%s: --fast planned it: %v", tc.name, ok)
		}
	}
	var sizes [2]int
	for i, c := range []pngCodec{pngModel, pngModelCM} {
		params, err := c.params()
		if err != nil {
			t.Fatal(err)
		}
		sizes[i] = len(blockRoundTrip(t, c, flatPNG, params))
	}
	if sizes[1] >= sizes[0] {
		t.Errorf("the flat PNG: %d bytes through the stage, %d through the network", sizes[1], sizes[0])
	}
}

// A PNG smaller than its side data (a small, nearly uniform palette
// image: a filter type per row) round-trips: the decoder bounds the side
// data as it bounds the pixels, not by the file's length (dcar up to the
// twenty-second session's wrote such entries and then rejected them as
// corrupt).
func TestPNGSideDataLongerThanFile(t *testing.T) {
	pal := color.Palette{color.Gray{0}, color.Gray{85}, color.Gray{170}, color.Gray{255}}
	img := image.NewPaletted(image.Rect(0, 0, 150, 300), pal)
	for i := range img.Pix {
		img.Pix[i] = 3
	}
	img.Pix[4321] = 1
	data := encodePNG(t, img)
	ch, ok := planPNGFile(data)
	if !ok {
		t.Fatal("not planned")
	}
	enc := blockRoundTrip(t, pngModel, data, ch.Params)
	if m, _ := binary.Uvarint(enc); int(m) <= len(data) {
		t.Fatalf("side data of %d bytes, the file %d: the case is not tested", m, len(data))
	}
}

// Small and oddly shaped PNGs of every kind round-trip through the
// default's plan: whatever the writer writes, the reader reads (their
// side data and tokens can outweigh their pixels).
func TestPNGSmallShapesRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 5))
	shapes := [][2]int{{1, 1}, {1, 300}, {300, 1}, {2, 150}, {150, 2}, {7, 9}, {64, 64}, {150, 150}}
	for i, sh := range shapes {
		w, h := sh[0], sh[1]
		for kind := range 4 {
			var img image.Image
			r := image.Rect(0, 0, w, h)
			flatness := rng.IntN(3) // 0: noise, 1: some, 2: uniform
			v := func() byte {
				if flatness == 2 || flatness == 1 && rng.IntN(8) > 0 {
					return 200
				}
				return byte(rng.IntN(256))
			}
			switch kind {
			case 0:
				m := image.NewPaletted(r, color.Palette{color.Gray{0}, color.Gray{90}, color.Gray{180}, color.Gray{255}})
				for j := range m.Pix {
					m.Pix[j] = v() & 3
				}
				img = m
			case 1:
				m := image.NewGray(r)
				for j := range m.Pix {
					m.Pix[j] = v()
				}
				img = m
			case 2:
				m := image.NewRGBA(r)
				for j := range m.Pix {
					m.Pix[j] = v()
					if j%4 == 3 {
						m.Pix[j] = 255
					}
				}
				img = m
			case 3:
				m := image.NewNRGBA(r)
				for j := range m.Pix {
					m.Pix[j] = v()
				}
				img = m
			}
			data := encodePNG(t, img)
			ch, ok := planPNGFile(data)
			if !ok {
				continue
			}
			t.Logf("case %d/%d: %dx%d, %d bytes, flatness %d", i, kind, w, h, len(data), flatness)
			blockRoundTrip(t, pngModel, data, ch.Params)
		}
	}
}

// encodePNG writes img as a PNG with Go's encoder.
func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// planPNGFile is the default's plan of the PNG data.
func planPNGFile(data []byte) (Choice, bool) {
	return planPNG(Kind{MIME: "image/png", Modality: format.ModalityImage}, bytes.NewReader(data), int64(len(data)))
}

// Under a domain model whose stage has a primer, a palette PNG's indices
// are coded with the network's stage cold (model.CMNet.Palette): the
// same bytes as the network with a stage of neither warm start nor
// primer, while a flat colour PNG's pixels read the primer (other
// bytes).
func TestPNGPaletteStageCold(t *testing.T) {
	d, err := domain.Load("../../model/domain/testdata/tiny9-primer.dcm")
	if err != nil {
		t.Fatal(err)
	}
	full := d.Image().CM()
	if full.Primer == nil || full.Warm == nil {
		t.Fatal("tiny9-primer.dcm has no primer or warm start")
	}
	cold := model.CMNet{Net: full.Net}
	const w, h = 40, 30
	pal := color.Palette{color.RGBA{236, 236, 232, 255}, color.RGBA{120, 120, 130, 255}, color.RGBA{20, 20, 50, 255}, color.RGBA{200, 30, 30, 255}}
	pi := image.NewPaletted(image.Rect(0, 0, w, h), pal)
	ci := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := byte(0)
			switch {
			case x%20 == 0 || y%10 == 0:
				v = 1
			case (x*7+y*3)%11 < 3:
				v = 2 + byte(x/20)
			}
			pi.Pix[y*w+x] = v
			ci.Set(x, y, pal[v])
		}
	}
	for _, c := range []struct {
		name string
		img  image.Image
		cold bool
	}{{"palette", pi, true}, {"flat RGB", ci, false}} {
		p, ok := pngSplit(encodePNG(t, c.img), 2, 0)
		if !ok {
			t.Fatalf("%s: does not split", c.name)
		}
		a, err := pngCode(nil, p, full, pngParamsVersion3)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pngCode(nil, p, cold, pngParamsVersion3)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, b) != c.cold {
			t.Errorf("%s: coded like the cold stage: %v, want %v (%d and %d bytes)", c.name, !c.cold, c.cold, len(a), len(b))
		}
	}
}
