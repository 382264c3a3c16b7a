package tiffre

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// metaVersion is the first byte of the side data Split writes: version
// 1 keeps Deflate chunks' tokens in deflatere's layout version 2, version
// 2 in layout version 3 (against zlib's emulated parse where it
// reproduces them).
const metaVersion = 2

// layoutOf is the deflatere layout version of side data version v.
func layoutOf(v byte) int {
	if v >= 2 {
		return deflatere.ZlibEmulated
	}
	return deflatere.HeadersCoded
}

// Pad modes: how the tiles' padding samples are kept: as they are, or
// less the previous tile's samples at the same place (padDelta).
const (
	padZero      = 0 // all zero
	padFlate     = 1 // deflated with compress/flate
	padPrevZero  = 2 // the previous tile's samples
	padPrevFlate = 3 // the previous tile's samples plus the deflated differences
)

// choosePad picks the pad mode that keeps the padding smallest, given
// the plain padding and the differences to the previous tile; pad is
// set to the bytes that mode stores.
func choosePad(pad *[]byte, resid []byte) byte {
	switch {
	case allZero(*pad):
		return padZero
	case allZero(resid):
		*pad = resid
		return padPrevZero
	case len(deflate(resid)) < len(deflate(*pad)):
		*pad = resid
		return padPrevFlate
	}
	return padFlate
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// LZW chunk flags.
const (
	lzwNoAuto   = 1 // no implied clear when the table fills
	lzwVerbatim = 2 // the end of the chunk is kept verbatim
)

// PackBits chunk modes.
const (
	pbCanonical = 0
	pbHeaders   = 1
)

// side is the side data: everything of the file but the samples.
type side struct {
	g       geom
	v       byte   // side data version
	rest    []byte // the file with every chunk's bytes cut out
	perm    []int  // the chunk index at each chunk position in file order
	gaps    []int  // bytes of rest before each chunk in file order, from the previous cut
	pad     []byte // the tiles' padding samples (Pixels' byte order, predictor undone), or their differences
	padMode byte
	// the chunk offsets and byte counts, written by Join (size 0: kept in rest)
	offArr, cntArr array
	lzw            []lzwChunk
	pbMode         []byte
	pbHdr          [][]byte
	tails          [][]byte // uncompressed and PackBits: the chunk bytes past the data
	zs             []*deflatere.Stream
	tokens         []byte // Deflate: the token corrections of every chunk's stream
}

func appendBytes(m, b []byte) []byte {
	m = binary.AppendUvarint(m, uint64(len(b)))
	return append(m, b...)
}

func (s *side) marshal() []byte {
	g := s.g
	m := []byte{s.v}
	m = binary.AppendUvarint(m, uint64(g.W))
	m = binary.AppendUvarint(m, uint64(g.H))
	m = binary.AppendUvarint(m, uint64(g.C))
	m = append(m, byte(g.Depth), byte(b2i(g.Big)|b2i(g.Tiled)<<1|b2i(g.Palette)<<2), byte(g.Pred))
	m = binary.AppendUvarint(m, uint64(g.Comp))
	if g.Tiled {
		m = binary.AppendUvarint(m, uint64(g.TW))
	}
	m = binary.AppendUvarint(m, uint64(g.TH))
	m = appendBytes(m, s.rest)
	n := g.chunks()
	inOrder := true
	for k, i := range s.perm {
		inOrder = inOrder && i == k
	}
	if inOrder {
		m = append(m, 0)
	} else {
		m = append(m, 1)
		for _, i := range s.perm {
			m = binary.AppendUvarint(m, uint64(i))
		}
	}
	for _, v := range s.gaps {
		m = binary.AppendUvarint(m, uint64(v))
	}
	if s.offArr.size == 0 {
		m = append(m, 0)
	} else {
		m = append(m, 1)
		for _, a := range []array{s.offArr, s.cntArr} {
			m = binary.AppendUvarint(m, uint64(a.at))
			m = append(m, byte(a.size))
		}
	}
	if g.Tiled {
		m = append(m, s.padMode)
		if s.padMode == padFlate || s.padMode == padPrevFlate {
			m = appendBytes(m, deflate(s.pad))
		}
	}
	for i := 0; i < n; i++ {
		switch g.Comp {
		case compNone:
			m = appendBytes(m, s.tails[i])
		case compPackBits:
			m = append(m, s.pbMode[i])
			if s.pbMode[i] == pbHeaders {
				m = appendBytes(m, s.pbHdr[i])
			}
			m = appendBytes(m, s.tails[i])
		case compLZW:
			c := s.lzw[i]
			f := b2i(c.noAuto) * lzwNoAuto
			if c.tail != nil {
				f |= lzwVerbatim
			}
			m = append(m, byte(f))
			m = binary.AppendUvarint(m, uint64(len(c.clears)))
			for _, v := range c.clears {
				m = binary.AppendUvarint(m, uint64(v))
			}
			if c.tail != nil {
				m = appendBytes(m, c.tail)
			}
		default:
			m = s.zs[i].AppendLayout(m, layoutOf(s.v))
		}
	}
	if g.Comp == compDeflate || g.Comp == compDeflateX {
		m = appendBytes(m, s.tokens)
	}
	return m
}

// readGeom reads the side data version and the geometry at the start of
// the side data.
func readGeom(r *deflatere.FieldReader) (geom, byte) {
	var g geom
	v := r.Byte("version")
	if r.Err == nil && (v < 1 || v > metaVersion) {
		r.Fail("version")
	}
	g.W = r.Uvarint("width", maxSide)
	g.H = r.Uvarint("height", maxSide)
	g.C = r.Uvarint("samples per pixel", 4)
	g.Depth = int(r.Byte("depth"))
	f := r.Byte("flags")
	g.Big, g.Tiled, g.Palette = f&1 != 0, f&2 != 0, f&4 != 0
	g.Pred = int(r.Byte("predictor"))
	g.Comp = r.Uvarint("compression", 1<<16)
	if f > 7 || g.Palette && g.C != 1 {
		r.Fail("flags")
	}
	if g.Tiled {
		g.TW = r.Uvarint("tile width", maxSide+16)
	} else {
		g.TW = g.W
	}
	g.TH = r.Uvarint("chunk height", maxSide+16)
	return g, v
}

// unmarshal reads side data. Every count is bounded by the bytes of
// meta that it needs, so memory stays O(len(meta)) besides the padding,
// which the geometry bounds by a small multiple of the image.
func unmarshal(meta []byte) (*side, error) {
	r := &deflatere.FieldReader{B: meta}
	s := &side{}
	s.g, s.v = readGeom(r)
	g := s.g
	if r.Err != nil {
		return nil, wrap(r.Err)
	}
	if err := g.check(0); err != nil {
		return nil, err
	}
	lim := uint64(len(meta))
	s.rest = r.Bytes(r.Uvarint("rest length", lim), "rest")
	n := g.chunks()
	if uint64(n) > lim {
		return nil, errf(ErrFormat, r.Off, "side data: %d chunks", n)
	}
	s.perm = make([]int, n)
	switch r.Byte("order") {
	case 0:
		for i := range s.perm {
			s.perm[i] = i
		}
	case 1:
		seen := make([]bool, n)
		for k := range s.perm {
			i := r.Uvarint("chunk index", uint64(n-1))
			if r.Err == nil && seen[i] {
				r.Fail("chunk order")
			}
			if r.Err != nil {
				break
			}
			seen[i], s.perm[k] = true, i
		}
	default:
		r.Fail("order")
	}
	s.gaps = make([]int, n)
	cut := 0
	for k := range s.gaps {
		s.gaps[k] = r.Uvarint("gap", uint64(len(s.rest)-cut))
		cut += s.gaps[k]
	}
	switch r.Byte("derived arrays") {
	case 0:
	case 1:
		for _, a := range []*array{&s.offArr, &s.cntArr} {
			a.at = r.Uvarint("array offset", 1<<32)
			if a.size = int(r.Byte("array value size")); a.size != 2 && a.size != 4 {
				r.Fail("array value size")
			}
		}
	default:
		r.Fail("derived arrays")
	}
	if g.Tiled {
		s.padMode = r.Byte("pad mode")
		switch s.padMode {
		case padZero, padPrevZero:
			s.pad = make([]byte, g.padLen())
		case padFlate, padPrevFlate:
			z := r.Bytes(r.Uvarint("pad length", lim), "pad")
			if r.Err != nil {
				break
			}
			s.pad = make([]byte, g.padLen())
			fr := flate.NewReader(bytes.NewReader(z))
			if _, err := io.ReadFull(fr, s.pad); err != nil {
				r.Fail("pad data")
			} else if k, _ := fr.Read(make([]byte, 1)); k != 0 {
				r.Fail("pad data length")
			}
		default:
			r.Fail("pad mode")
		}
	}
	for i := 0; i < n && r.Err == nil; i++ {
		switch g.Comp {
		case compNone:
			s.tails = append(s.tails, r.Bytes(r.Uvarint("tail length", lim), "tail"))
		case compPackBits:
			mode := r.Byte("PackBits mode")
			var h []byte
			switch mode {
			case pbCanonical:
			case pbHeaders:
				h = r.Bytes(r.Uvarint("header count", lim), "PackBits headers")
			default:
				r.Fail("PackBits mode")
			}
			s.pbMode, s.pbHdr = append(s.pbMode, mode), append(s.pbHdr, h)
			s.tails = append(s.tails, r.Bytes(r.Uvarint("tail length", lim), "tail"))
		case compLZW:
			f := r.Byte("LZW flags")
			if f > 3 {
				r.Fail("LZW flags")
			}
			c := lzwChunk{noAuto: f&lzwNoAuto != 0}
			k := r.Uvarint("clear count", lim)
			for j := 0; j < k && r.Err == nil; j++ {
				c.clears = append(c.clears, r.Uvarint("clear", 1<<32))
			}
			if f&lzwVerbatim != 0 {
				c.tail = r.Bytes(r.Uvarint("tail length", lim), "tail")
				if c.tail == nil {
					c.tail = []byte{}
				}
			}
			s.lzw = append(s.lzw, c)
		default:
			z, k, err := deflatere.ReadLayout(meta[r.Off:], true, layoutOf(s.v), g.rawLen(i), r.Off)
			if err != nil {
				return nil, wrap(err)
			}
			if z.Len() != g.rawLen(i) {
				return nil, errf(ErrFormat, r.Off, "side data: chunk %d holds %d bytes, want %d", i, z.Len(), g.rawLen(i))
			}
			r.Off += k
			s.zs = append(s.zs, z)
		}
	}
	if g.Comp == compDeflate || g.Comp == compDeflateX {
		s.tokens = r.Bytes(r.Uvarint("tokens length", lim), "tokens")
	}
	if r.Err == nil && r.Off != len(meta) {
		r.Fail("trailing bytes")
	}
	if r.Err != nil {
		return nil, wrap(r.Err)
	}
	return s, nil
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
