package pixels

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"

	"github.com/dcar-archiver/dcar/format/pixels/pixeltest"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func randImage(w, h int, alpha bool, seed uint64) *image.NRGBA {
	rng := rand.New(rand.NewPCG(seed, 9))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(rng.IntN(256))
		if !alpha && i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

// want returns the canonical samples of img with c channels.
func want(img *image.NRGBA, c int) []byte {
	b := img.Bounds()
	var out []byte
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			p := img.Pix[y*img.Stride+4*x:]
			switch c {
			case 1:
				out = append(out, p[0])
			case 3:
				out = append(out, p[0], p[1], p[2])
			case 4:
				out = append(out, p[0], p[1], p[2], p[3])
			}
		}
	}
	return out
}

func ppm(img *image.NRGBA, gray bool, comment string) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	if gray {
		fmt.Fprintf(&buf, "P5\n%s%d %d\n255\n", comment, b.Dx(), b.Dy())
		buf.Write(want(img, 1))
	} else {
		fmt.Fprintf(&buf, "P6\n%s%d %d\n255\n", comment, b.Dx(), b.Dy())
		buf.Write(want(img, 3))
	}
	return buf.Bytes()
}

func pam(img *image.NRGBA, trailer string) []byte {
	b := img.Bounds()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n", b.Dx(), b.Dy())
	buf.Write(want(img, 4))
	buf.WriteString(trailer)
	return buf.Bytes()
}

// bmp24 writes img as a 24-bit BMP with junk in the row padding.
func bmp24(img *image.NRGBA, topDown bool) []byte {
	b := img.Bounds()
	return pixeltest.BMP24(b.Dx(), b.Dy(), want(img, 3), topDown)
}

func TestRoundTrip(t *testing.T) {
	type tc struct {
		name string
		data []byte
		pix  []byte
		c    int
	}
	var cases []tc
	for _, sz := range [][2]int{{1, 1}, {3, 2}, {5, 7}, {16, 16}, {33, 9}} {
		w, h := sz[0], sz[1]
		img := randImage(w, h, false, uint64(w*h))
		imga := randImage(w, h, true, uint64(w*h+1))
		cases = append(cases,
			tc{fmt.Sprintf("ppm %dx%d", w, h), ppm(img, false, "# a comment\n"), want(img, 3), 3},
			tc{fmt.Sprintf("pgm %dx%d", w, h), ppm(img, true, ""), want(img, 1), 1},
			tc{fmt.Sprintf("pam %dx%d", w, h), pam(imga, "trailing bytes"), want(imga, 4), 4},
			tc{fmt.Sprintf("bmp bottom-up %dx%d", w, h), bmp24(img, false), want(img, 3), 3},
			tc{fmt.Sprintf("bmp top-down %dx%d", w, h), bmp24(img, true), want(img, 3), 3},
		)
		var b bytes.Buffer
		if err := bmp.Encode(&b, imga); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{fmt.Sprintf("bmp32 x/image %dx%d", w, h), bytes.Clone(b.Bytes()), nil, 4})
		b.Reset()
		if err := tiff.Encode(&b, img, &tiff.Options{Compression: tiff.Uncompressed}); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{fmt.Sprintf("tiff x/image %dx%d", w, h), b.Bytes(), want(img, 4), 4})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, _, err := Parse(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if l.C != c.c {
				t.Fatalf("%d channels, want %d", l.C, c.c)
			}
			pix, rest, err := l.Split(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if c.pix != nil && !bytes.Equal(pix, c.pix) {
				t.Fatal("samples differ from the image's")
			}
			l2, err := UnmarshalLayout(l.MarshalBinary(), int64(len(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			back, err := l2.Join(pix, rest)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, c.data) {
				t.Fatal("Join(Split(x)) != x")
			}
		})
	}
}

func TestUnsupported(t *testing.T) {
	for _, in := range []string{"", "P6\n1 1\n65535\n\x00\x00\x00\x00\x00", "P6\n1 1\n65536\n\x00\x00\x00\x00\x00\x00", "P6\n2 2\n255\n\x00", "BM", "hello", "P5 3", "II*\x00\x08\x00\x00\x00\x00\x00"} {
		if _, _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	img := randImage(5, 3, false, 1)
	f.Add(ppm(img, false, "#c\n"))
	f.Add(bmp24(img, false))
	var b bytes.Buffer
	tiff.Encode(&b, img, nil)
	f.Add(b.Bytes())
	f.Add(pam(img, ""))
	for _, c := range wideCases(f) { // 16-bit files
		if len(c.data) < 2000 {
			f.Add(c.data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, _, err := Parse(data)
		if err != nil {
			return
		}
		pix, rest, err := l.Split(data)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := UnmarshalLayout(l.MarshalBinary(), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		back, err := l2.Join(pix, rest)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("round trip failed: %v", err)
		}
	})
}

func FuzzUnmarshalLayout(f *testing.F) {
	l, _, _ := Parse(ppm(randImage(4, 4, false, 2), false, ""))
	f.Add(l.MarshalBinary(), int64(100))
	for _, c := range wideCases(f)[:12] { // 16-bit layouts
		l, _, err := Parse(c.data)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(l.MarshalBinary(), int64(len(c.data)))
	}
	f.Fuzz(func(t *testing.T, b []byte, size int64) {
		if size < 0 || size > 1<<30 {
			return
		}
		if l, err := UnmarshalLayout(b, size); err == nil {
			n := l.Samples() * l.SampleBytes()
			l.Join(make([]byte, n), make([]byte, size-int64(n)))
		}
	})
}

var _ = color.RGBA{}
