package pixels

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/dcar-archiver/dcar/format/pixels/pixeltest"
	"golang.org/x/image/tiff"
)

// samples16 returns n random 16-bit samples, most significant byte first.
func samples16(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 16))
	out := make([]byte, 2*n)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint16(out[2*i:], uint16(rng.IntN(65536)))
	}
	return out
}

// samples8 returns n random samples of 0..maxval.
func samples8(n, maxval int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 8))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(rng.IntN(maxval + 1))
	}
	return out
}

// wideCase is a container of 16-bit samples (or 8-bit of a maxval below
// 255) with the samples Parse must find.
type wideCase struct {
	name   string
	data   []byte
	pix    []byte // nil: not checked
	c, sb  int
	little bool
}

func wideCases(t testing.TB) []wideCase {
	var cases []wideCase
	for i, sz := range [][2]int{{1, 1}, {3, 2}, {5, 7}, {16, 16}, {33, 9}} {
		w, h := sz[0], sz[1]
		seed := uint64(i)
		for _, c := range []int{1, 3} {
			s16 := samples16(w*h*c, seed)
			for _, mv := range []int{256, 1023, 4095, 65535} {
				cases = append(cases, wideCase{fmt.Sprintf("pnm c%d maxval %d %dx%d", c, mv, w, h), pixeltest.PNM(w, h, c, mv, s16), s16, c, 2, false})
			}
			for _, mv := range []int{1, 15, 100, 254} {
				s8 := samples8(w*h*c, mv, seed)
				cases = append(cases, wideCase{fmt.Sprintf("pnm c%d maxval %d %dx%d", c, mv, w, h), pixeltest.PNM(w, h, c, mv, s8), s8, c, 1, false})
			}
		}
		for c := 1; c <= 4; c++ {
			s16 := samples16(w*h*c, seed+1)
			cases = append(cases, wideCase{fmt.Sprintf("pam c%d 16-bit %dx%d", c, w, h), pixeltest.PAM(w, h, c, 65535, s16, "trailer"), s16, c, 2, false})
			s8 := samples8(w*h*c, 99, seed)
			cases = append(cases, wideCase{fmt.Sprintf("pam c%d maxval 99 %dx%d", c, w, h), pixeltest.PAM(w, h, c, 99, s8, ""), s8, c, 1, false})
			for _, le := range []bool{false, true} {
				for _, rps := range []int{0, 2} {
					cases = append(cases, wideCase{fmt.Sprintf("tiff c%d 16-bit le=%v rps %d %dx%d", c, le, rps, w, h), pixeltest.TIFF(w, h, c, 16, le, s16, rps), s16, c, 2, le})
				}
			}
		}
		// golang.org/x/image/tiff writes 16-bit images in "II" order
		g := image.NewGray16(image.Rect(0, 0, w, h))
		copy(g.Pix, samples16(w*h, seed+2))
		var b bytes.Buffer
		if err := tiff.Encode(&b, g, &tiff.Options{Compression: tiff.Uncompressed}); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, wideCase{fmt.Sprintf("tiff x/image gray16 %dx%d", w, h), bytes.Clone(b.Bytes()), g.Pix, 1, 2, true})
		n := image.NewNRGBA64(image.Rect(0, 0, w, h))
		copy(n.Pix, samples16(w*h*4, seed+3))
		b.Reset()
		if err := tiff.Encode(&b, n, &tiff.Options{Compression: tiff.Uncompressed}); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, wideCase{fmt.Sprintf("tiff x/image nrgba64 %dx%d", w, h), b.Bytes(), n.Pix, 4, 2, true})
	}
	return cases
}

// TestWide: Parse finds 16-bit samples (most significant byte first
// whatever the file's order) and 8-bit ones of a maxval below 255; the
// layout's binary form round-trips through UnmarshalLayout, and
// Join rebuilds the file. Parse refuses the 16-bit files and accepts the
// 8-bit ones; UnmarshalLayout refuses 16-bit layouts.
func TestWide(t *testing.T) {
	for _, c := range wideCases(t) {
		t.Run(c.name, func(t *testing.T) {
			l, _, err := Parse(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if l.C != c.c || l.SampleBytes() != c.sb || l.LittleEndian != c.little {
				t.Fatalf("C %d bytes %d little %v, want %d %d %v", l.C, l.SampleBytes(), l.LittleEndian, c.c, c.sb, c.little)
			}
			if l.RowBytes() != l.W*l.C*c.sb {
				t.Fatalf("RowBytes %d", l.RowBytes())
			}
			pix, rest, err := l.Split(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if c.pix != nil && !bytes.Equal(pix, c.pix) {
				t.Fatal("samples differ from the image's")
			}
			lb := l.MarshalBinary()
			if want := byte(c.sb); lb[0] != want {
				t.Fatalf("layout version %d, want %d", lb[0], want)
			}
			l2, err := UnmarshalLayout(lb, int64(len(c.data)))
			if err != nil {
				t.Fatal(err)
			}
			back, err := l2.Join(pix, rest)
			if err != nil || !bytes.Equal(back, c.data) {
				t.Fatalf("Join(Split(x)) != x: %v", err)
			}
			// row by row, as archive/codec does
			row := make([]byte, l.RowBytes())
			for y, off := range l.Rows {
				l.GatherRow(row, c.data[off:off+int64(len(row))])
				if !bytes.Equal(row, pix[y*len(row):(y+1)*len(row)]) {
					t.Fatalf("GatherRow %d differs", y)
				}
				file := make([]byte, len(row))
				l.ScatterRow(file, row)
				if !bytes.Equal(file, c.data[off:off+int64(len(row))]) {
					t.Fatalf("ScatterRow %d differs", y)
				}
			}
		})
	}
}

// TestLayoutBytes8: the binary form of 8-bit layouts is the one archives
// hold (version 1), with or without Bytes set.
func TestLayoutBytes8(t *testing.T) {
	data := ppm(randImage(3, 2, false, 1), false, "")
	l, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{1, 3, 2, 3, 0, 1, 2, 3, 11, 0, 18} // W H C Perm first-row stride(zigzag 9)
	if got := l.MarshalBinary(); !bytes.Equal(got, want) {
		t.Fatalf("layout % x, want % x", got, want)
	}
	l.Bytes = 0
	if got := l.MarshalBinary(); !bytes.Equal(got, want) {
		t.Fatalf("Bytes 0: layout % x, want % x", got, want)
	}
}

// TestWideRefused: what Parse refuses, and damaged 16-bit layouts.
func TestWideRefused(t *testing.T) {
	s := samples16(6, 1)
	tif := pixeltest.TIFF(2, 1, 3, 16, false, s, 0)
	for _, in := range [][]byte{
		[]byte("P6\n1 1\n65536\n\x00\x00\x00\x00\x00\x00"), // maxval too large
		[]byte("P5\n1 1\n0\n\x00"),                         // maxval 0
		[]byte("P6\n1 1\n65535\n\x00\x00\x00\x00\x00"),     // a byte short
		[]byte("P7\nWIDTH 1\nHEIGHT 1\nDEPTH 1\nMAXVAL 70000\nENDHDR\n\x00\x00"),
		tif[:len(tif)/2], // strips outside the file
		pixeltest.TIFF(2, 1, 3, 16, true, s, 0)[:20],
	} {
		if _, _, err := Parse(in); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%q: %v", in, err)
		}
	}
	// mixed bits per sample: 16,16,8
	mixed := bytes.Clone(tif)
	i := bytes.LastIndex(mixed, []byte{0, 16, 0, 16, 0, 16})
	mixed[i+5] = 8
	if _, _, err := Parse(mixed); !errors.Is(err, ErrUnsupported) {
		t.Errorf("bits 16,16,8: %v", err)
	}
	l, _, err := Parse(tif)
	if err != nil {
		t.Fatal(err)
	}
	lb := l.MarshalBinary()
	for _, bad := range [][]byte{
		{2},
		append([]byte{2, 1, 0}, lb[3:]...), // sample width 1 in a version 2 layout
		append([]byte{2, 2, 2}, lb[3:]...), // byte order 2
		append([]byte{3}, lb[1:]...),
		lb[:len(lb)-1],
	} {
		if _, err := UnmarshalLayout(bad, int64(len(tif))); err == nil {
			t.Errorf("layout % x accepted", bad)
		}
	}
	for _, l := range []*Layout{
		{W: 1, H: 1, C: 1, Rows: []int64{0}, Bytes: 3},
		{W: 1, H: 1, C: 1, Rows: []int64{0}, Bytes: 1, LittleEndian: true},
	} {
		if _, _, err := l.Split([]byte{1, 2, 3}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%+v: %v", l, err)
		}
	}
}
