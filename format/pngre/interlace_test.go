package pngre

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// kinds are the colour type and bit depth pairs PNG allows (PNG spec
// 11.2.2); pngre handles them all.
var kinds = []struct {
	ct    byte
	depth int
}{
	{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16},
	{2, 8}, {2, 16},
	{3, 1}, {3, 2}, {3, 4}, {3, 8},
	{4, 8}, {4, 16},
	{6, 8}, {6, 16},
}

// synthSamples draws w×h pixels of c samples in range 0..2^depth-1
// (two bytes per sample, most significant first, at depth 16): smooth
// ramps with noise, so that the filters and the deflate stream have
// something to find.
func synthSamples(w, h, c, depth int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	sb := 1
	if depth == 16 {
		sb = 2
	}
	max := 1<<depth - 1
	out := make([]byte, 0, w*h*c*sb)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for k := 0; k < c; k++ {
				v := (x*(37+k*11) + y*23 + r.Intn(9)) * (max + 1) / 512 % (max + 1)
				if (x/5+y/3)%4 == 0 {
					v = max - v
				}
				if sb == 2 {
					out = append(out, byte(v>>8), byte(v))
				} else {
					out = append(out, byte(v))
				}
			}
		}
	}
	return out
}

// synthPNG writes a PNG of the given kind from raster samples with this
// package's own filtering and interlacing (encode) and Go's zlib at the
// given level, the filter type of row i being types(i).
func synthPNG(t testing.TB, w, h int, ct byte, depth int, interlaced bool, pix []byte, level int, types func(i int) byte) []byte {
	t.Helper()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = byte(depth), ct
	if interlaced {
		ihdr[12] = 1
	}
	hd, err := parseHeader(ihdr, 0)
	if err != nil {
		t.Fatal(err)
	}
	ft := make([]byte, hd.rows())
	for i := range ft {
		ft[i] = types(i)
	}
	data, err := encode(hd, pix, ft)
	if err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, level)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	out := append([]byte(nil), signature[:]...)
	out = appendChunk(out, "IHDR", ihdr)
	if ct == 3 {
		pal := make([]byte, 3<<depth)
		for i := range pal {
			pal[i] = byte(i * 37)
		}
		out = appendChunk(out, "PLTE", pal)
	}
	// two IDAT chunks when there is enough to split
	zb := z.Bytes()
	cut := len(zb) / 2
	out = appendChunk(out, "IDAT", zb[:cut])
	out = appendChunk(out, "IDAT", zb[cut:])
	return appendChunk(out, "IEND", nil)
}

// decodedSamples returns the samples image/png decodes from a PNG of
// colour type ct and the given depth, in Parts.Pixels form.
func decodedSamples(t testing.TB, b []byte, ct byte, depth int) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("image/png: %v", err)
	}
	var out []byte
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			switch m := img.(type) {
			case *image.Paletted:
				out = append(out, m.ColorIndexAt(x, y))
			case *image.Gray:
				v := m.GrayAt(x, y).Y
				if depth < 8 { // image/png scales low depths to 0..255
					v /= 255 / byte(1<<depth-1)
				}
				out = append(out, v)
			case *image.Gray16:
				out = binary.BigEndian.AppendUint16(out, m.Gray16At(x, y).Y)
			case *image.RGBA:
				p := m.RGBAAt(x, y)
				out = append(out, p.R, p.G, p.B)
			case *image.NRGBA:
				p := m.NRGBAAt(x, y)
				if ct == 4 {
					out = append(out, p.R, p.A)
				} else {
					out = append(out, p.R, p.G, p.B, p.A)
				}
			case *image.RGBA64:
				p := m.RGBA64At(x, y)
				for _, v := range []uint16{p.R, p.G, p.B} {
					out = binary.BigEndian.AppendUint16(out, v)
				}
			case *image.NRGBA64:
				p := m.NRGBA64At(x, y)
				vs := []uint16{p.R, p.G, p.B, p.A}
				if ct == 4 {
					vs = []uint16{p.R, p.A}
				}
				for _, v := range vs {
					out = binary.BigEndian.AppendUint16(out, v)
				}
			default:
				t.Fatalf("image/png gave %T", img)
			}
		}
	}
	return out
}

// TestDepthInterlace: every colour type and bit depth, interlaced or
// not, at sizes that leave Adam7 passes empty (1×1 has only pass 1) or
// partial, with every filter type and zlib levels 0-9: Split's pixels are the
// image's samples in raster order (as image/png decodes them), Format
// reports the kind, and Join rebuilds the file.
func TestDepthInterlace(t *testing.T) {
	sizes := [][2]int{{1, 1}, {2, 1}, {1, 5}, {3, 3}, {9, 9}, {17, 6}, {33, 21}}
	filters := []func(int) byte{
		func(int) byte { return 0 },
		func(i int) byte { return byte(i % 5) },
		func(i int) byte { return byte(4 - i%5) },
		func(int) byte { return 4 },
	}
	for _, k := range kinds {
		c := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[k.ct]
		for _, interlaced := range []bool{false, true} {
			for si, sz := range sizes {
				name := fmt.Sprintf("ct%d/%d-bit/interlaced=%v/%dx%d", k.ct, k.depth, interlaced, sz[0], sz[1])
				pix := synthSamples(sz[0], sz[1], c, k.depth, int64(si))
				levels := []int{zlib.NoCompression, zlib.DefaultCompression, zlib.BestSpeed, zlib.BestCompression}
				for fi, f := range filters {
					b := synthPNG(t, sz[0], sz[1], k.ct, k.depth, interlaced, pix, levels[(fi+si)%4], f)
					if fi == 1 {
						if got := decodedSamples(t, b, k.ct, k.depth); !bytes.Equal(got, pix) {
							t.Fatalf("%s: the test's PNG does not decode to its samples", name)
						}
						roundTripV1(t, b)
					}
					p := roundTrip(t, name, b)
					if !bytes.Equal(p.Pixels, pix) {
						t.Fatalf("%s: Split's pixels differ from the image's", name)
					}
					w, h, cc, sb, il, err := Format(p.Meta)
					if err != nil || w != sz[0] || h != sz[1] || cc != c || sb != p.SampleBytes || sb != len(pix)/(w*h*c) || il != interlaced {
						t.Fatalf("%s: Format %d %d %d %d %v %v", name, w, h, cc, sb, il, err)
					}
				}
			}
		}
	}
}

// TestPasses checks the Adam7 pass sizes against PNG spec 8.2 for small
// images: the passes tile the image exactly once.
func TestPasses(t *testing.T) {
	for w := 1; w <= 17; w++ {
		for h := 1; h <= 17; h++ {
			hd := header{W: w, H: h, C: 1, Depth: 8, Interlaced: true}
			seen := make([]int, w*h)
			rows := 0
			for _, p := range hd.passes() {
				for j := 0; j < p.H; j++ {
					for i := 0; i < p.W; i++ {
						seen[(p.y0+j*p.dy)*w+p.x0+i*p.dx]++
					}
				}
				rows += p.H
			}
			for i, n := range seen {
				if n != 1 {
					t.Fatalf("%dx%d: pixel %d in %d passes", w, h, i, n)
				}
			}
			if rows != hd.rows() {
				t.Fatalf("%dx%d: rows %d vs %d", w, h, rows, hd.rows())
			}
		}
	}
	if n := len((header{W: 1, H: 1, Interlaced: true}).passes()); n != 1 {
		t.Fatalf("1x1: %d passes", n)
	}
}

// TestFixtures round-trips the committed PNGs of testdata/ (written by
// ImageMagick, pngcrush, optipng and pnmtopng; see testdata/README) and
// checks their pixels against image/png's decoding.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.png")
	if len(files) == 0 {
		t.Skip("no fixtures")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := roundTrip(t, f, b)
		roundTripV1(t, b)
		hd, err := headerOf(b[8:])
		if err != nil {
			t.Fatal(err)
		}
		if got := decodedSamples(t, b, hd.ColorType, hd.Depth); !bytes.Equal(got, p.Pixels) {
			t.Errorf("%s: pixels differ from image/png's", f)
		}
	}
}

// TestOldDecoderRefuses: side data of the new kinds (interlaced, 16-bit)
// keeps the meta versions 1 and 2; what an old decoder refuses them by is
// the IHDR it reads back from the meta, which its parseHeader refused
// with ErrUnsupported. This checks the IHDR in the meta is the file's.
func TestOldDecoderRefuses(t *testing.T) {
	pix := synthSamples(9, 9, 1, 16, 1)
	b := synthPNG(t, 9, 9, 0, 16, true, pix, 6, func(int) byte { return 1 })
	p := roundTrip(t, "gray16 interlaced", b)
	pre, hd, err := preOf(p.Meta)
	if err != nil || !hd.Interlaced || hd.Depth != 16 || !bytes.Equal(pre[:25], b[8:33]) {
		t.Fatalf("meta's IHDR: %v %+v", err, hd)
	}
}
