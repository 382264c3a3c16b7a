package bmpre

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

type splitCase struct {
	name    string
	w, h, n int // size and colours of the test picture
	o       bmpOpts
	maxRec  int // the most side data bytes expected beyond the header copy and the trailing bytes
}

func rleCases() []splitCase {
	var cs []splitCase
	add := func(name string, w, h, n int, o bmpOpts, maxRec int) {
		cs = append(cs, splitCase{name, w, h, n, o, maxRec})
	}
	for _, bpp := range []int{4, 8} {
		comp := biRLE8
		if bpp == 4 {
			comp = biRLE4
		}
		n := 1 << bpp
		for _, w := range []int{1, 2, 3, 5, 37, 64, 301} {
			r := func(name string, ro rleOpts, maxRec int) {
				add(fmt.Sprintf("rle%d-w%d-%s", bpp, w, name), w, 23, n, bmpOpts{bpp: bpp, comp: comp, rle: ro}, maxRec)
			}
			r("runs", rleOpts{}, 10)
			r("runs127", rleOpts{maxRun: 127}, 10)
			r("abs3", rleOpts{absolute: true}, 10)
			r("abs2", rleOpts{absolute: true, minRun: 2}, 10)
			r("abs4-lit100", rleOpts{absolute: true, minRun: 4, maxLit: 100}, 16)
			r("abs-nolasteol", rleOpts{absolute: true, noLastEOL: true}, 10)
			r("magick", rleOpts{padRow: true}, 10)
			r("gimp", rleOpts{gimp: true}, 8+3*23)
			r("litpad", rleOpts{absolute: true, litPad: 0xaa}, 12)
			r("deltas", rleOpts{absolute: true, deltas: true}, 0)
			r("early-eob", rleOpts{earlyEOB: true}, 0)
			r("no-eob", rleOpts{noEOB: true, absolute: true}, 16)
		}
	}
	return cs
}

func rgbCases() []splitCase {
	var cs []splitCase
	for _, bpp := range []int{1, 4, 8} {
		for _, w := range []int{1, 3, 7, 8, 31, 33} {
			for _, hdr := range []int{12, 40, 64, 108, 124} {
				for _, td := range []bool{false, true} {
					if td && hdr == 12 {
						continue
					}
					o := bmpOpts{bpp: bpp, hdr: hdr, topDown: td}
					cs = append(cs, splitCase{fmt.Sprintf("rgb%d-w%d-h%d-td%v", bpp, w, hdr, td), w, 11, 1 << bpp, o, 2})
				}
			}
			o := bmpOpts{bpp: bpp, padByte: 0x5a, colours: 2, gap: 3, trailing: []byte("tail")}
			cs = append(cs, splitCase{fmt.Sprintf("rgb%d-w%d-padding", bpp, w), w, 11, 2, o, 0})
		}
	}
	return cs
}

func checkSplit(t *testing.T, bmp, pix []byte, w, h int, maxRec int) *Parts {
	t.Helper()
	p, err := Split(bmp)
	if err != nil {
		t.Fatal(err)
	}
	if p.W != w || p.H != h {
		t.Fatalf("size %dx%d, want %dx%d", p.W, p.H, w, h)
	}
	if pix != nil && !bytes.Equal(p.Pix, pix) {
		t.Fatalf("pixels differ")
	}
	out, err := Join(p.Meta, p.Pix)
	if err != nil || !bytes.Equal(out, bmp) {
		t.Fatalf("Join: %v", err)
	}
	sw, sh, pal, err := Shape(p.Meta)
	if err != nil || sw != w || sh != h || !bytes.Equal(pal, p.Palette) {
		t.Fatalf("Shape: %d %d %v", sw, sh, err)
	}
	hd, _, _ := readMeta(p.Meta)
	rec := len(p.Meta) - 1 - hd.offBits - uvarintLen(hd.offBits)
	if maxRec > 0 && rec > maxRec {
		t.Errorf("%d bytes of side data beyond the headers, want at most %d", rec, maxRec)
	}
	t.Logf("%d bytes, side data %d (%d beyond the headers)", len(bmp), len(p.Meta), rec)
	return p
}

func uvarintLen(v int) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func TestSplitRLE(t *testing.T) {
	for _, c := range rleCases() {
		t.Run(c.name, func(t *testing.T) {
			pix := testPix(c.w, c.h, c.n, 1)
			checkSplit(t, writeBMP(c.w, c.h, pix, c.o), pix, c.w, c.h, c.maxRec)
		})
	}
}

func TestSplitRGB(t *testing.T) {
	for _, c := range rgbCases() {
		t.Run(c.name, func(t *testing.T) {
			pix := testPix(c.w, c.h, c.n, 2)
			checkSplit(t, writeBMP(c.w, c.h, pix, c.o), pix, c.w, c.h, c.maxRec)
		})
	}
}

// TestPalette: the colour table as RGB triples, biClrUsed entries, or
// 1<<bpp 3-byte entries with the core header.
func TestPalette(t *testing.T) {
	pix := testPix(10, 4, 5, 3)
	for _, c := range []struct{ hdr, colours, want int }{{40, 5, 5}, {40, 0, 256}, {12, 0, 256}, {124, 300, 256}} {
		b := writeBMP(10, 4, pix, bmpOpts{bpp: 8, hdr: c.hdr, colours: c.colours})
		p, err := Split(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Palette) != 3*c.want || p.Palette[3] != 255-1 || p.Palette[4] != 13 || p.Palette[5] != 7 {
			t.Fatalf("header %d, %d colours: palette %v", c.hdr, c.colours, p.Palette[:6])
		}
	}
}

func fixtures(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	files, _ := filepath.Glob("testdata/*.bmp")
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(fn)] = b
	}
	return out
}

func TestFixtures(t *testing.T) {
	fs := fixtures(t)
	if len(fs) == 0 {
		t.Fatal("no fixtures")
	}
	for name, b := range fs {
		t.Run(name, func(t *testing.T) {
			hd, err := parseHeader(b, false)
			if err != nil {
				t.Fatal(err)
			}
			checkSplit(t, b, nil, hd.w, hd.h, 32)
		})
	}
}
