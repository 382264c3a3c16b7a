package tiffre

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/tiff"
)

// roundTrip splits and joins b and checks the result is identical.
func roundTrip(t testing.TB, name string, b []byte) *Parts {
	t.Helper()
	p, err := Split(b)
	if err != nil {
		t.Fatalf("%s: Split: %v", name, err)
	}
	w, h, c, d, _, err := Shape(p.Meta)
	if err != nil || w != p.W || h != p.H || c != p.C || d != p.Depth {
		t.Fatalf("%s: Shape %d %d %d %d %v", name, w, h, c, d, err)
	}
	if p.Meta[0] != metaVersion || len(p.Pixels) != w*h*c*d/8 {
		t.Fatalf("%s: meta version %d, %d pixel bytes", name, p.Meta[0], len(p.Pixels))
	}
	got, err := Join(p.Meta, p.Pixels)
	if err != nil {
		t.Fatalf("%s: Join: %v", name, err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("%s: Join differs (%d vs %d bytes)", name, len(got), len(b))
	}
	return p
}

// refSamples decodes b with golang.org/x/image/tiff and returns its
// samples in Pixels' layout (c samples per pixel).
func refSamples(t *testing.T, b []byte, c int) []byte {
	t.Helper()
	m, err := tiff.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("x/image/tiff: %v", err)
	}
	var pix []byte
	var stride int // bytes per pixel in pix
	switch m := m.(type) {
	case *image.Gray:
		pix, stride = m.Pix, 1
	case *image.Gray16:
		pix, stride = m.Pix, 2
	case *image.Paletted:
		pix, stride = m.Pix, 1
	case *image.RGBA:
		pix, stride = m.Pix, 4
	case *image.NRGBA:
		pix, stride = m.Pix, 4
	case *image.RGBA64:
		pix, stride = m.Pix, 8
	case *image.NRGBA64:
		pix, stride = m.Pix, 8
	default:
		t.Fatalf("x/image/tiff image %T", m)
	}
	bps := stride / min(stride, 4)
	if stride == 1 || stride == 2 {
		bps = stride
	}
	if stride <= 2 {
		return pix
	}
	var out []byte
	for p := 0; p < len(pix); p += stride {
		out = append(out, pix[p:p+c*bps]...)
	}
	return out
}

func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.tif")
	if len(files) < 10 {
		t.Fatalf("%d fixtures", len(files))
	}
	for _, fn := range files {
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		p := roundTrip(t, fn, b)
		if ref := refSamples(t, b, p.C); !bytes.Equal(ref, p.Pixels) {
			t.Errorf("%s: pixels differ from x/image/tiff's", fn)
		}
		t.Logf("%s: %dx%dx%d %d-bit, %d bytes, meta %d", fn, p.W, p.H, p.C, p.Depth, len(b), len(p.Meta))
	}
}

// synth describes a TIFF for writeTIFF.
type synth struct {
	big              bool
	w, h, c, depth   int
	comp, pred       int
	tw, th           int // tiles when tw > 0, else th rows per strip
	photo            int
	chunks           [][]byte
	pixels           []byte // the samples chunks were made from
	stripFirst, swap bool   // chunk data before the IFD; chunks 0 and 1 swapped in the file
}

// writeTIFF lays out a TIFF: header, chunk data, IFD (or chunk data
// after the IFD), with the chunks in index order or with the first two
// swapped.
func writeTIFF(s synth) []byte {
	var o binary.ByteOrder = binary.LittleEndian
	b := []byte("II*\x00\x00\x00\x00\x00")
	if s.big {
		o = binary.BigEndian
		b = []byte("MM\x00*\x00\x00\x00\x00")
	}
	order := make([]int, len(s.chunks))
	for i := range order {
		order[i] = i
	}
	if s.swap && len(order) > 1 {
		order[0], order[1] = 1, 0
	}
	offs := make([]uint32, len(s.chunks))
	writeChunks := func() {
		for _, i := range order {
			offs[i] = uint32(len(b))
			b = append(b, s.chunks[i]...)
			if len(b)%2 == 1 {
				b = append(b, 0)
			}
		}
	}
	if s.stripFirst {
		writeChunks()
	}
	type tag struct {
		id, typ int
		vals    []uint32
	}
	n := uint32(len(s.chunks))
	bits := make([]uint32, s.c)
	for i := range bits {
		bits[i] = uint32(s.depth)
	}
	counts := make([]uint32, n)
	for i, c := range s.chunks {
		counts[i] = uint32(len(c))
	}
	tags := []tag{{256, 4, []uint32{uint32(s.w)}}, {257, 4, []uint32{uint32(s.h)}}, {258, 3, bits},
		{259, 3, []uint32{uint32(s.comp)}}, {262, 3, []uint32{uint32(s.photo)}}, {273, 4, nil},
		{277, 3, []uint32{uint32(s.c)}}, {278, 4, []uint32{uint32(s.th)}}, {279, 4, counts},
		{284, 3, []uint32{1}}, {317, 3, []uint32{uint32(s.pred)}}}
	if s.tw > 0 {
		tags = []tag{tags[0], tags[1], tags[2], tags[3], tags[4], tags[6], tags[9], tags[10],
			{322, 4, []uint32{uint32(s.tw)}}, {323, 4, []uint32{uint32(s.th)}}, {324, 4, nil}, {325, 4, counts}}
	}
	ifdAt := len(b)
	ifdLen := 2 + 12*len(tags) + 4
	// out-of-line values follow the IFD; the chunk offsets are patched in
	// once the chunks are placed.
	valAt := ifdAt + ifdLen
	ifd := make([]byte, ifdLen)
	var vals []byte
	o.PutUint16(ifd, uint16(len(tags)))
	offsetSlots := []int{} // where the offsets array sits (in b), or inline
	for k, tg := range tags {
		e := ifd[2+12*k:]
		o.PutUint16(e, uint16(tg.id))
		o.PutUint16(e[2:], uint16(tg.typ))
		v := tg.vals
		if tg.id == 273 || tg.id == 324 {
			v = make([]uint32, n)
		}
		o.PutUint32(e[4:], uint32(len(v)))
		size := 2
		if tg.typ == 4 {
			size = 4
		}
		at := ifdAt + 2 + 12*k + 8
		if len(v)*size > 4 {
			at = valAt + len(vals)
			o.PutUint32(e[8:], uint32(at))
			vals = append(vals, make([]byte, len(v)*size)...)
		}
		if tg.id == 273 || tg.id == 324 {
			offsetSlots = append(offsetSlots, at)
		}
		for j, x := range v {
			p := at - ifdAt + j*size
			dst := ifd
			if len(v)*size > 4 {
				dst, p = vals, at-valAt+j*size
			}
			if size == 2 {
				o.PutUint16(dst[p:], uint16(x))
			} else {
				o.PutUint32(dst[p:], x)
			}
		}
	}
	b = append(b, ifd...)
	b = append(b, vals...)
	o.PutUint32(b[4:], uint32(ifdAt))
	if !s.stripFirst {
		writeChunks()
	}
	for j, off := range offs {
		o.PutUint32(b[offsetSlots[0]+4*j:], off)
	}
	return b
}

// makeSynth codes random-ish samples into the chunks of s with the
// package's own encoders (and mode hooks for variants).
func makeSynth(s synth, code func(i int, raw []byte) []byte) synth {
	g := geom{W: s.w, H: s.h, C: s.c, Depth: s.depth, Big: s.big, Comp: s.comp, Pred: s.pred, Tiled: s.tw > 0, TW: s.tw, TH: s.th}
	if !g.Tiled {
		g.TW, g.TH = s.w, min(s.th, s.h)
	}
	rng := rand.New(rand.NewSource(int64(s.w*31 + s.h)))
	s.pixels = make([]byte, s.w*s.h*s.c*s.depth/8)
	for i := range s.pixels {
		s.pixels[i] = byte(i/7%5*40) + byte(rng.Intn(3))
	}
	pad := make([]byte, g.padLen())
	s.chunks = nil
	for i := 0; i < g.chunks(); i++ {
		raw := make([]byte, g.rawLen(i))
		pad = gather(g, i, raw, s.pixels, pad)
		samplesToRaw(g, raw)
		s.chunks = append(s.chunks, code(i, raw))
	}
	return s
}

func lzwCode(auto bool, clears []int) func(int, []byte) []byte {
	return func(_ int, raw []byte) []byte {
		out, _ := new(lzwEncoder).encode(nil, raw, auto, clears)
		return out
	}
}

func TestSynthetic(t *testing.T) {
	base := synth{w: 37, h: 23, c: 3, depth: 8, comp: compLZW, pred: 1, th: 5, photo: 2}
	cases := []struct {
		name string
		s    synth
		code func(int, []byte) []byte
	}{
		{"lzw II", base, lzwCode(true, []int{0})},
		{"lzw MM 16-bit pred2", synth{big: true, w: 29, h: 17, c: 1, depth: 16, comp: compLZW, pred: 2, th: 4, photo: 1}, lzwCode(true, []int{0})},
		{"lzw II 16-bit pred2 grey+alpha", synth{w: 29, h: 17, c: 2, depth: 16, comp: compLZW, pred: 2, th: 17, photo: 1}, lzwCode(true, []int{0})},
		{"lzw no initial clear, extra clears", base, lzwCode(true, []int{7, 0, 30})},
		{"lzw no auto clear", synth{w: 300, h: 80, c: 1, depth: 8, comp: compLZW, pred: 1, th: 80, photo: 1}, lzwCode(false, []int{0})},
		{"lzw auto clears", synth{w: 300, h: 200, c: 3, depth: 8, comp: compLZW, pred: 2, th: 200, photo: 2}, lzwCode(true, []int{0})},
		{"lzw old EOI width + trailing bytes", base, func(_ int, raw []byte) []byte {
			out, end := new(lzwEncoder).encode(nil, raw, true, []int{0})
			return append(out[:end/8+1], 0xAB, 0xCD)
		}},
		{"packbits canonical", synth{w: 37, h: 23, c: 3, depth: 8, comp: compPackBits, pred: 1, th: 3, photo: 2}, func(_ int, raw []byte) []byte {
			return packBits(nil, raw, 37*3)
		}},
		{"packbits other boundaries", synth{big: true, w: 37, h: 23, c: 3, depth: 8, comp: compPackBits, pred: 1, th: 3, photo: 2}, func(_ int, raw []byte) []byte {
			var out []byte
			for len(raw) > 0 { // literals of up to 3 bytes, no runs, a no-op
				n := min(3, len(raw))
				out = append(out, byte(n-1))
				out = append(out, raw[:n]...)
				raw = raw[n:]
			}
			return append(out, 0x80)
		}},
		{"none 16-bit MM tiles", synth{big: true, w: 37, h: 23, c: 3, depth: 16, comp: compNone, pred: 1, tw: 16, th: 16, photo: 2}, func(_ int, raw []byte) []byte {
			return raw
		}},
		{"none 16-bit II strips", synth{w: 37, h: 23, c: 4, depth: 16, comp: compNone, pred: 1, th: 6, photo: 2}, func(_ int, raw []byte) []byte {
			return raw
		}},
		{"none palette", synth{w: 37, h: 23, c: 1, depth: 8, comp: compNone, pred: 1, th: 23, photo: 3}, func(_ int, raw []byte) []byte {
			return append(raw, 1, 2, 3)
		}},
		{"lzw tiles pred2", synth{w: 37, h: 23, c: 4, depth: 8, comp: compLZW, pred: 2, tw: 16, th: 16, photo: 5}, lzwCode(true, []int{0})},
	}
	for _, tc := range cases {
		for _, layout := range []struct{ first, swap bool }{{false, false}, {true, false}, {true, true}} {
			s := makeSynth(tc.s, tc.code)
			s.stripFirst, s.swap = layout.first, layout.swap
			b := writeTIFF(s)
			p := roundTrip(t, tc.name, b)
			if !bytes.Equal(p.Pixels, s.pixels) {
				t.Errorf("%s: pixels differ", tc.name)
			}
		}
	}
}

func TestPackBitsLibtiff(t *testing.T) {
	// libtiff merges literal, run of two, single byte into one literal.
	for _, tc := range []struct{ in, want []byte }{
		{[]byte{1, 2, 2, 3}, []byte{3, 1, 2, 2, 3}},
		{[]byte{1, 1, 1}, []byte{0xfe, 1}},
		{[]byte{5}, []byte{0, 5}},
		{bytes.Repeat([]byte{7}, 130), []byte{0x81, 7, 0xff, 7}},
		{append(bytes.Repeat([]byte{7}, 129), 8), []byte{0x81, 7, 1, 7, 8}},
	} {
		if got := packBitsRow(nil, tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("packBitsRow(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func mustRead(t testing.TB, fn string) []byte {
	b, err := os.ReadFile(fn)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestErrors(t *testing.T) {
	lzw := mustRead(t, "testdata/tc-lzw-pred2-r5.tif")
	f, err := parse(lzw)
	if err != nil {
		t.Fatal(err)
	}
	// patch sets chunk i's offset (in the IFD's offsets array).
	ifd := int(binary.LittleEndian.Uint32(lzw[4:]))
	offsAt := -1
	for k := 0; k < int(binary.LittleEndian.Uint16(lzw[ifd:])); k++ {
		e := lzw[ifd+2+12*k:]
		if binary.LittleEndian.Uint16(e) == 273 {
			offsAt = int(binary.LittleEndian.Uint32(e[8:]))
		}
	}
	patch := func(i, v int) []byte {
		b := bytes.Clone(lzw)
		binary.LittleEndian.PutUint32(b[offsAt+4*i:], uint32(v))
		return b
	}
	corrupt := func(at int, v byte) []byte {
		b := bytes.Clone(lzw)
		b[at] = v
		return b
	}
	synthLZW := func(codes []int) []byte { // one strip of 4x1 grey from raw 9-bit codes
		var e lzwEncoder
		for _, c := range codes {
			e.put(c, 9)
		}
		e.put(0, 7)
		s := synth{w: 4, h: 1, c: 1, depth: 8, comp: compLZW, pred: 1, th: 1, photo: 1, chunks: [][]byte{e.out}}
		return writeTIFF(s)
	}
	for _, tc := range []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"not TIFF", []byte("GIF89a.........."), ErrFormat},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), ErrUnsupported},
		{"truncated", lzw[:len(lzw)/2], ErrFormat},
		{"bad IFD offset", append([]byte("II*\x00\xff\xff\x00\x00"), lzw[8:]...), ErrFormat},
		{"strip past the end", patch(0, len(lzw)-10), ErrFormat},
		{"overlapping strips", patch(1, f.off[0]+1), ErrUnsupported},
		{"LZW code past the table", synthLZW([]int{256, 65, 300, 257}), ErrFormat},
		{"LZW code after clear", synthLZW([]int{256, 258, 257}), ErrFormat},
		{"LZW too short", synthLZW([]int{256, 65, 257}), ErrUnsupported},
		{"LZW truncated", synthLZW([]int{256, 65}), ErrFormat},
		{"LZW too long", synthLZW([]int{256, 65, 66, 67, 259, 257}), ErrUnsupported},
		{"LZW not greedy", synthLZW([]int{256, 65, 65, 65, 65, 257}), ErrNoRebuild},
		{"JPEG compression", corrupt(ifdEntry(t, lzw, 259)+8, 7), ErrUnsupported},
	} {
		_, err := Split(tc.b)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// every truncation before the end of the last strip fails cleanly
	end := 0
	for i := range f.off {
		end = max(end, f.off[i]+f.cnt[i])
	}
	for n := 0; n < end; n += 7 {
		if _, err := Split(lzw[:n]); err == nil {
			t.Errorf("truncated to %d: no error", n)
		}
	}
}

// ifdEntry returns the offset of tag's entry in a little-endian TIFF.
func ifdEntry(t *testing.T, b []byte, tag int) int {
	ifd := int(binary.LittleEndian.Uint32(b[4:]))
	for k := 0; k < int(binary.LittleEndian.Uint16(b[ifd:])); k++ {
		if int(binary.LittleEndian.Uint16(b[ifd+2+12*k:])) == tag {
			return ifd + 2 + 12*k
		}
	}
	t.Fatalf("no tag %d", tag)
	return 0
}

func TestJoinErrors(t *testing.T) {
	p := roundTrip(t, "lzw", mustRead(t, "testdata/im-lzw-rgba-tiled.tif"))
	for _, tc := range []struct {
		name      string
		meta, pix []byte
	}{
		{"no meta", nil, p.Pixels},
		{"version", append([]byte{9}, p.Meta[1:]...), p.Pixels},
		{"short pixels", p.Meta, p.Pixels[1:]},
		{"truncated meta", p.Meta[:len(p.Meta)-1], p.Pixels},
		{"trailing meta", append(bytes.Clone(p.Meta), 0), p.Pixels},
	} {
		if _, err := Join(tc.meta, tc.pix); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", tc.name, err)
		}
	}
}

func BenchmarkSplit(b *testing.B) { benchmark(b, false) }
func BenchmarkJoin(b *testing.B)  { benchmark(b, true) }

// benchmark splits or joins a synthetic 512x512 RGB LZW file and two
// fixtures, reporting MB/s of TIFF.
func benchmark(b *testing.B, join bool) {
	s := makeSynth(synth{w: 512, h: 512, c: 3, depth: 8, comp: compLZW, pred: 2, th: 16, photo: 2}, lzwCode(true, []int{0}))
	for _, f := range []struct {
		name string
		b    []byte
	}{
		{"lzw-512", writeTIFF(s)},
		{"zip", mustRead(b, "testdata/im-zip.tif")},
		{"packbits-tiles", mustRead(b, "testdata/tc-packbits-tiled.tif")},
		{"none-16", mustRead(b, "testdata/im-none-rgb16.tif")},
	} {
		p := roundTrip(b, f.name, f.b)
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.b)))
			for range b.N {
				var err error
				if join {
					_, err = Join(p.Meta, p.Pixels)
				} else {
					_, err = Split(f.b)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
