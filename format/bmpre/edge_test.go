package bmpre

import (
	"bytes"
	"errors"
	"testing"
)

// rleFile is a 6x2 RLE8 (or RLE4) BMP with the given codes.
func rleFile(bpp int, codes ...byte) []byte {
	comp := biRLE8
	if bpp == 4 {
		comp = biRLE4
	}
	b := writeBMP(6, 2, make([]byte, 12), bmpOpts{bpp: bpp, comp: comp, colours: 2})
	off := le32(b[10:])
	return append(b[:off:off], codes...)
}

func TestSplitErrors(t *testing.T) {
	pix := testPix(9, 5, 16, 1)
	good := writeBMP(9, 5, pix, bmpOpts{bpp: 8})
	patch := func(at int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[at:], v)
		return b
	}
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrUnsupported},
		{"gif", []byte("GIF89a......"), ErrUnsupported},
		{"short", good[:17], ErrFormat},
		{"truncated info header", good[:40], ErrFormat},
		{"header size 200", patch(14, 200), ErrUnsupported},
		{"header size 8", patch(14, 8), ErrUnsupported},
		{"24 bits", patch(28, 24), ErrUnsupported},
		{"2 bits", patch(28, 2), ErrUnsupported},
		{"bitfields", patch(30, 3), ErrUnsupported},
		{"jpeg", patch(30, 4), ErrUnsupported},
		{"RLE4 at 8 bits", patch(30, biRLE4), ErrUnsupported},
		{"width 0", patch(18, 0, 0, 0, 0), ErrUnsupported},
		{"negative width", patch(18, 0xff, 0xff, 0xff, 0xff), ErrUnsupported},
		{"width 70000", patch(18, 0x70, 0x11, 1, 0), ErrUnsupported},
		{"height 0", patch(22, 0, 0, 0, 0), ErrUnsupported},
		{"height -70000", patch(22, 0x90, 0xee, 0xfe, 0xff), ErrUnsupported},
		{"height min int32", patch(22, 0, 0, 0, 0x80), ErrUnsupported},
		{"too many pixels", patch(18, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0), ErrUnsupported},
		{"offset past the end", patch(10, 0xff, 0xff, 0, 0), ErrFormat},
		{"offset inside the headers", patch(10, 20, 0), ErrUnsupported},
		{"truncated pixels", good[:len(good)-1], ErrFormat},
		{"RLE run past the row", rleFile(8, 9, 1, 0, 1), ErrUnsupported},
		{"RLE run past the padded row", rleFile(8, 8, 1, 1, 1, 0, 1), ErrUnsupported},
		{"RLE end of line past the last row", rleFile(8, 0, 0, 0, 0, 0, 0, 0, 1), ErrUnsupported},
		{"RLE delta past the last row", rleFile(8, 0, 2, 0, 3, 0, 1), ErrUnsupported},
		{"RLE literal past the row", rleFile(8, 2, 1, 0, 7, 1, 2, 3, 4, 5, 6, 7, 0, 0, 1), ErrUnsupported},
		{"RLE truncated literal", rleFile(8, 0, 5, 1, 2, 3), ErrFormat},
		{"RLE truncated delta", rleFile(8, 0, 2, 1), ErrFormat},
		{"RLE truncated code", rleFile(8, 1, 1, 0), ErrFormat},
		{"RLE4 literal past the row", rleFile(4, 0, 9, 1, 2, 3, 4, 5, 0), ErrUnsupported},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Split(c.b); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestRLEEdges: streams that are odd but rebuild: writes into the row
// padding, deltas to the end, no end of bitmap, codes after it, top-down.
func TestRLEEdges(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
	}{
		{"padding pixels", rleFile(8, 7, 3, 0, 0, 8, 1, 0, 1)},
		{"RLE4 padding pixels", rleFile(4, 8, 0x35, 0, 0, 0, 1)},
		{"delta to the end", rleFile(8, 2, 1, 0, 2, 0, 2, 0, 1)},
		{"delta past the row", rleFile(8, 0, 2, 40, 0, 0, 0, 0, 1)},
		{"empty", rleFile(8, 0, 1)},
		{"nothing", rleFile(8)},
		{"no end of bitmap", rleFile(8, 8, 1, 0, 0, 8, 2, 0, 0)},
		{"end of line after the last row", rleFile(8, 8, 1, 0, 0, 8, 2, 0, 0, 0, 1, 9, 9)},
		{"RLE4 odd runs", rleFile(4, 1, 0x12, 3, 0x45, 1, 0x66, 3, 0x89, 0, 0, 0, 1)},
		{"RLE4 odd literal", rleFile(4, 0, 3, 0x12, 0x3f, 0, 0, 0, 5, 1, 2, 0xa7, 0x11, 0, 1)},
		{"literal padding", rleFile(8, 0, 3, 1, 2, 3, 0xee, 0, 5, 1, 2, 3, 4, 5, 0x77, 0, 1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkSplit(t, c.b, nil, 6, 2, 0)
		})
	}
	pix := testPix(37, 19, 16, 4)
	for _, comp := range []int{biRLE4, biRLE8} {
		bpp := 4
		if comp == biRLE8 {
			bpp = 8
		}
		b := writeBMP(37, 19, pix, bmpOpts{bpp: bpp, comp: comp, topDown: true, rle: rleOpts{absolute: true}})
		checkSplit(t, b, pix, 37, 19, 16)
	}
}

func TestJoinErrors(t *testing.T) {
	pix := testPix(37, 19, 16, 4)
	for _, o := range []bmpOpts{
		{bpp: 4, comp: biRLE4, rle: rleOpts{deltas: true, absolute: true, litPad: 3}, trailing: []byte{1, 2}},
		{bpp: 4, padByte: 0xff},
		{bpp: 8, comp: biRLE8, rle: rleOpts{padRow: true}},
	} {
		b := writeBMP(37, 19, pix, o)
		p, err := Split(b)
		if err != nil {
			t.Fatal(err)
		}
		// Every truncation fails cleanly.
		for n := range len(p.Meta) {
			if _, err := Join(p.Meta[:n], p.Pix); !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("meta[:%d]: %v", n, err)
			}
		}
		if _, err := Join(append(bytes.Clone(p.Meta), 0), p.Pix); !errors.Is(err, ErrFormat) {
			t.Fatalf("trailing byte: %v", err)
		}
		if _, err := Join(p.Meta, p.Pix[1:]); !errors.Is(err, ErrFormat) {
			t.Fatalf("short pixels: %v", err)
		}
		bad := bytes.Clone(p.Pix)
		bad[5] = 16
		if _, err := Join(p.Meta, bad); o.bpp == 4 && !errors.Is(err, ErrFormat) {
			t.Fatalf("index 16 at 4 bits: %v", err)
		}
		// Damaged side data never panics.
		for i := 1; i < len(p.Meta); i++ {
			m := bytes.Clone(p.Meta)
			m[i] ^= 0x55
			Join(m, p.Pix)
		}
	}
	if _, err := Join([]byte{2}, nil); !errors.Is(err, ErrFormat) {
		t.Fatalf("version: %v", err)
	}
}
