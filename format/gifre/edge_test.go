package gifre

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand"
	"testing"
)

// encOpts are the encoder variations the hand-made edge cases exercise.
type encOpts struct {
	clearAt        int   // clear once the next slot reaches this (0: never, the table stays full)
	clearCodes     []int // or: clear before the data codes of these indices (counting data codes)
	noInitialClear bool
	noEOI          bool
	clearBeforeEOI bool
	pad            byte   // the unused bits of the last byte
	after          []byte // bytes after the end of the code stream
	literals       bool   // literal codes only
	shortEvery     int    // every n-th code one pixel shorter than greedy (non-greedy parse)
}

// lzwEncode is an independent, plain LZW writer for the tests: a map of
// strings, the width rule of GIF89a appendix F.
func lzwEncode(pix []byte, m int, o encOpts) []byte {
	clear, eoi := 1<<m, 1<<m+1
	var out []byte
	var acc uint32
	var nb uint
	var width, next int
	put := func(c int) {
		acc |= uint32(c) << nb
		for nb += uint(width); nb >= 8; nb -= 8 {
			out = append(out, byte(acc))
			acc >>= 8
		}
	}
	var dict map[string]int
	prev := ""
	reset := func() {
		dict = map[string]int{}
		for c := range clear {
			dict[string([]byte{byte(c)})] = c
		}
		next, width, prev = eoi+1, m+1, ""
	}
	reset()
	if !o.noInitialClear {
		put(clear)
	}
	ci, k := 0, 0
	for p := 0; p < len(pix); k++ {
		if ci < len(o.clearCodes) && o.clearCodes[ci] == k {
			put(clear)
			reset()
			ci++
		}
		if prev != "" && next < 4096 {
			if _, ok := dict[prev+string(pix[p:p+1])]; !ok {
				dict[prev+string(pix[p:p+1])] = next
			}
			next++
		}
		l := 1
		for !o.literals && p+l < len(pix) {
			if _, ok := dict[string(pix[p:p+l+1])]; !ok {
				break
			}
			l++
		}
		if o.shortEvery > 0 && k%o.shortEvery == o.shortEvery-1 && l > 1 {
			l--
		}
		s := string(pix[p : p+l])
		put(dict[s])
		p += l
		prev = s
		if next >= 1<<width && width < 12 {
			width++
		}
		if o.clearAt > 0 && next >= o.clearAt && (p < len(pix) || o.clearBeforeEOI) {
			put(clear)
			reset()
		}
	}
	if !o.noEOI {
		put(eoi)
	}
	if nb > 0 {
		out = append(out, byte(acc)|o.pad<<nb)
	}
	return append(out, o.after...)
}

// gifFile wraps one image's code stream in a GIF89a with a global table
// of 1<<m colours, a comment and the given sub-block lengths (nil: 255s).
func gifFile(w, h, m int, data []byte, blocks []int, tail []byte) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, uint16(w))
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = append(b, 0x80|byte(m-1), 0, 0)
	for i := range 1 << m {
		b = append(b, byte(i), byte(i*3), byte(i*7))
	}
	b = append(b, 0x21, 0xfe, 5, 'h', 'e', 'l', 'l', 'o', 0) // comment
	b = append(b, 0x2c, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(w))
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = append(b, 0, byte(m))
	for i := 0; len(data) > 0; i++ {
		n := 255
		if blocks != nil {
			n = blocks[i%len(blocks)]
		}
		n = min(n, len(data))
		b = append(append(b, byte(n)), data[:n]...)
		data = data[n:]
	}
	b = append(b, 0)
	return append(b, tail...)
}

func edgePixels(w, h, colours int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	p := make([]byte, w*h)
	for i := range p {
		p[i] = byte((i%w/4 + i/w/3 + r.Intn(2)) % colours)
	}
	return p
}

type edgeCase struct {
	name string
	gif  []byte
}

func edgeCases() []edgeCase {
	pix := edgePixels(200, 150, 64, 1)
	noisy := make([]byte, 300*200)
	r := rand.New(rand.NewSource(2))
	for i := range noisy {
		noisy[i] = byte(r.Intn(200))
	}
	g := func(p []byte, w, h, m int, o encOpts) []byte {
		return gifFile(w, h, m, lzwEncode(p, m, o), nil, []byte{0x3b})
	}
	return []edgeCase{
		{"greedy clear at full", g(pix, 200, 150, 6, encOpts{clearAt: 4096})},
		{"early clear 4093", g(pix, 200, 150, 6, encOpts{clearAt: 4093})},
		{"early clear 4094", g(noisy, 300, 200, 8, encOpts{clearAt: 4094})},
		{"clear at 1000", g(noisy, 300, 200, 8, encOpts{clearAt: 1000})},
		{"deferred clear", g(noisy, 300, 200, 8, encOpts{})},
		{"deferred then cleared", g(noisy, 300, 200, 8, encOpts{clearCodes: []int{9000, 20000, 20001}})},
		{"clear before EOI", g(pix[:4036], 4036, 1, 6, encOpts{clearAt: 4096, clearBeforeEOI: true})},
		{"no initial clear", g(pix, 200, 150, 6, encOpts{clearAt: 4096, noInitialClear: true})},
		{"no EOI", g(pix, 200, 150, 6, encOpts{clearAt: 4096, noEOI: true})},
		{"padding ones", g(pix, 200, 150, 6, encOpts{clearAt: 4096, pad: 0xff})},
		{"data after EOI", g(pix, 200, 150, 6, encOpts{clearAt: 4096, after: []byte{0, 0, 7}})},
		{"literals only", g(pix, 200, 150, 6, encOpts{literals: true, clearAt: 1<<7 - 2})},
		{"non-greedy", g(pix, 200, 150, 6, encOpts{clearAt: 4096, shortEvery: 37})},
		{"code size 1", g(edgePixels(30, 20, 2, 3), 30, 20, 1, encOpts{clearAt: 4096})},
		{"code size 8, 2 colours", g(edgePixels(30, 20, 2, 3), 30, 20, 8, encOpts{clearAt: 4096})},
		{"indices beyond the table", gifFile(40, 10, 3, lzwEncode(edgePixels(40, 10, 8, 4), 3, encOpts{}), nil, []byte{0x3b})},
		{"sub-blocks of 254", gifFile(200, 150, 6, lzwEncode(pix, 6, encOpts{clearAt: 4096}), []int{254}, []byte{0x3b})},
		{"sub-blocks irregular", gifFile(200, 150, 6, lzwEncode(pix, 6, encOpts{clearAt: 4096}), []int{17, 255, 3, 200}, []byte{0x3b})},
		{"bytes after trailer", gifFile(200, 150, 6, lzwEncode(pix, 6, encOpts{clearAt: 4096}), nil, []byte{0x3b, 'x', 0, 'y'})},
		{"no trailer", gifFile(200, 150, 6, lzwEncode(pix, 6, encOpts{clearAt: 4096}), nil, nil)},
		{"codes after the last pixel", gifFile(5, 2, 4, lzwEncode(pix[:40], 4, encOpts{}), nil, []byte{0x3b})},
		{"short image data", gifFile(200, 150, 6, lzwEncode(pix[:5000], 6, encOpts{clearAt: 4096}), nil, []byte{0x3b})},
		{"empty image data", gifFile(20, 15, 6, nil, nil, []byte{0x3b})},
		{"zero-size image", gifFile(0, 0, 2, lzwEncode(nil, 2, encOpts{}), nil, []byte{0x3b})},
		{"extensions", append(gifFile(20, 15, 6, lzwEncode(pix[:300], 6, encOpts{}), nil, nil),
			0x21, 0x01, 12, 0, 0, 0, 0, 8, 0, 8, 0, 8, 8, 1, 0, 3, 'a', 'b', 'c', 0, // plain text
			0x21, 0xff, 11, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 0, 0, 0, // loop
			0x21, 0x99, 2, 1, 2, 0, // unknown
			0x3b)},
	}
}

func TestEdgeCases(t *testing.T) {
	for _, c := range edgeCases() {
		t.Run(c.name, func(t *testing.T) {
			p := roundTrip(t, c.name, c.gif)
			l, m, _ := readMeta(p.Meta)
			t.Logf("%d bytes, departures %d bytes (skeleton %d)", len(c.gif), len(p.Meta)-m.Off, len(l.skel))
		})
	}
}

// TestDepartures checks that common encoders' streams cost only a few
// bytes of side data besides the skeleton.
func TestDepartures(t *testing.T) {
	for name, b := range synthetic(t) {
		p, err := Split(b)
		if err != nil {
			t.Fatal(err)
		}
		_, m, _ := readMeta(p.Meta)
		if d := len(p.Meta) - m.Off; d > 4*len(p.Frames) {
			t.Errorf("%s: %d bytes of departures for %d frames", name, d, len(p.Frames))
		}
	}
}

func TestSplitErrors(t *testing.T) {
	pix := edgePixels(50, 40, 16, 5)
	good := gifFile(50, 40, 4, lzwEncode(pix, 4, encOpts{clearAt: 4096}), nil, []byte{0x3b})
	badCode := gifFile(50, 40, 4, []byte{0x10, 0xff, 0xff, 0xff}, nil, []byte{0x3b}) // clear, then codes beyond the table
	big := gifFile(1, 1, 2, nil, nil, []byte{0x3b})
	big[6], big[7], big[8], big[9] = 0xff, 0xff, 0xff, 0xff
	hugeFrame := bytes.Clone(big)
	i := bytes.IndexByte(hugeFrame[6+7+12:], 0x2c) + 6 + 7 + 12
	hugeFrame[i+5], hugeFrame[i+6], hugeFrame[i+7], hugeFrame[i+8] = 0xff, 0xff, 0xff, 0xff
	minCode := bytes.Clone(good)
	l, _ := parse(good, false)
	minCode[l.images[0].dataOff-1] = 9
	tooMuch := gifFile(5, 1, 4, lzwEncode(make([]byte, 40), 4, encOpts{}), nil, []byte{0x3b}) // the third code crosses pixel 5
	for _, c := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrUnsupported},
		{"png", []byte("\x89PNG\r\n\x1a\n"), ErrUnsupported},
		{"version", []byte("GIF90a1234567"), ErrUnsupported},
		{"header only", []byte("GIF89a12"), ErrFormat},
		{"truncated table", good[:30], ErrFormat},
		{"truncated data", good[:len(good)-20], ErrFormat},
		{"truncated descriptor", good[:i+4], ErrFormat},
		{"bad introducer", append(bytes.Clone(good[:len(good)-1]), 0x55), ErrFormat},
		{"code beyond the table", badCode, ErrFormat},
		{"too many pixels", hugeFrame, ErrUnsupported},
		{"minimum code size 9", minCode, ErrUnsupported},
		{"more data than pixels", tooMuch, ErrUnsupported},
	} {
		if _, err := Split(c.b); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// Every truncation is refused or rebuilt, never a panic or a wrong file.
	for n := range len(good) {
		if p, err := Split(good[:n]); err == nil {
			pix := make([][]byte, len(p.Frames))
			for i, f := range p.Frames {
				pix[i] = f.Pix
			}
			if out, _ := Join(p.Meta, pix); !bytes.Equal(out, good[:n]) {
				t.Fatalf("truncated to %d: rebuild differs", n)
			}
		}
	}
}

func TestJoinErrors(t *testing.T) {
	b := edgeCases()[0].gif
	p, err := Split(b)
	if err != nil {
		t.Fatal(err)
	}
	pix := [][]byte{p.Frames[0].Pix}
	bad := bytes.Clone(pix[0])
	bad[7] = 64 // beyond the 6-bit code size
	cases := []struct {
		name string
		meta []byte
		pix  [][]byte
	}{
		{"no meta", nil, pix},
		{"version", append([]byte{9}, p.Meta[1:]...), pix},
		{"missing frame", p.Meta, nil},
		{"short pixels", p.Meta, [][]byte{pix[0][1:]}},
		{"pixel beyond the code size", p.Meta, [][]byte{bad}},
		{"truncated meta", p.Meta[:len(p.Meta)-1], pix},
		{"trailing meta", append(bytes.Clone(p.Meta), 0), pix},
	}
	for _, c := range cases {
		if _, err := Join(c.meta, c.pix); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: got %v, want ErrFormat", c.name, err)
		}
	}
}
