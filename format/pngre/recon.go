package pngre

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dcar-archiver/dcar/coder"
)

// metaVersion is the first byte of the meta part of the side data that
// Split writes; Join also reads version 1 (dynamic headers verbatim in
// the meta).
const metaVersion = 2

// bitModel is an adaptive binary probability: p is P(bit = 0) in 1/65536,
// n counts updates (the adaptation rate slows from 1/2 to 1/64).
type bitModel struct {
	p uint16
	n uint8
}

var rates = [...]uint8{1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6}

func (m *bitModel) update(bit int) {
	if m.p == 0 {
		m.p = 32768
	}
	r := rates[m.n]
	if int(m.n) < len(rates)-1 {
		m.n++
	}
	if bit == 0 {
		m.p += (65535 - m.p) >> r
	} else {
		m.p -= m.p >> r
	}
}

func (m *bitModel) p0() uint16 {
	if m.p == 0 {
		return 32768
	}
	return m.p
}

// bitCoder codes one binary decision: the encoder codes b and returns it,
// the decoder ignores b and returns the decoded bit.
type bitCoder interface {
	bit(m *bitModel, b int) int
	raw(v uint32, n uint) uint32
}

type encCoder struct{ e *coder.Encoder }

// statHook, when set (tests), sees every coded decision of the encoder.
var statHook func(p0 uint16, bit int)

func (c encCoder) bit(m *bitModel, b int) int {
	if statHook != nil {
		statHook(m.p0(), b)
	}
	c.e.EncodeBit(m.p0(), b)
	m.update(b)
	return b
}

func (c encCoder) raw(v uint32, n uint) uint32 {
	for k := int(n) - 1; k >= 0; k-- {
		c.e.EncodeBit(32768, int(v>>uint(k))&1)
	}
	return v
}

type decCoder struct{ d *coder.Decoder }

func (c decCoder) bit(m *bitModel, _ int) int {
	b := c.d.DecodeBit(m.p0())
	m.update(b)
	return b
}

func (c decCoder) raw(_ uint32, n uint) uint32 {
	v := uint32(0)
	for k := uint(0); k < n; k++ {
		v = v<<1 | uint32(c.d.DecodeBit(32768))
	}
	return v
}

// setCat is a test hook naming the category of the next decisions.
var setCat = func(int) {}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func codeTree(c bitCoder, t []bitModel, nbits uint, v int) int {
	node := 1
	for k := int(nbits) - 1; k >= 0; k-- {
		node = node<<1 | c.bit(&t[node], (v>>uint(k))&1)
	}
	return node - 1<<nbits
}

// tokenModel holds the adaptive probabilities of the correction stream
// (see the package documentation for the contexts).
type tokenModel struct {
	flag    [1 + nMargin*2*4*2*2]bitModel
	lenEq0  [4]bitModel
	lenEq   [2 * 4]bitModel
	lenEqM  [4]bitModel
	lenTree [256]bitModel
	distEq  [2 * 3]bitModel
	dsym    [32]bitModel
}

func mBucket(m int) int {
	switch {
	case m <= 3:
		return 0
	case m == 4:
		return 1
	case m <= 8:
		return 2
	}
	return 3
}

// marginBuckets are the upper bounds (1/16 bit) of the margin buckets.
var marginBuckets = [...]int8{-64, -32, -16, -8, -4, -2, -1, 0, 1, 3, 7, 15, 31, 63, 127}

const nMargin = len(marginBuckets)

func marginBucket(g int8) int {
	for i, b := range marginBuckets {
		if g <= b {
			return i
		}
	}
	return nMargin - 1
}

// codeBlock codes (enc: toks given) or decodes (toks nil) the tokens of
// one Huffman-coded block against its plan. It returns the tokens.
func (md *tokenModel) codeBlock(c bitCoder, pl *plan, data []byte, toks []uint32, out []uint32) ([]uint32, error) {
	n := pl.e - pl.s
	enc := toks != nil
	ti, prevMatch := 0, 0
	for i := 0; i < n; {
		var t uint32
		if enc {
			if ti >= len(toks) {
				return out, errf(ErrFormat, pl.s+i, "tokens end before the block")
			}
			t = toks[ti]
			ti++
		}
		M := pl.maxLenAt(i)
		ctx := 0
		choice := pl.choice[i]
		if M >= minMatch {
			ctx = 1 + (((marginBucket(pl.margin[i])*2+b2i(pl.choice0[i] != 0))*4+mBucket(M))*2+b2i(pl.maxLenAt(i+1) > M))*2 + prevMatch
		}
		setCat(0)
		if M >= minMatch {
			setCat(1 + b2i(choice != 0))
		}
		if c.bit(&md.flag[ctx], int(t>>31)) == 0 {
			out = append(out, uint32(data[pl.s+i]))
			i++
			prevMatch = 0
			continue
		}
		prevMatch = 1
		L, D := tokLen(t), tokDist(t)
		lp := int(choice >> 16)
		if lp == 0 {
			lp = M
		}
		lp0 := int(pl.choice0[i] >> 16)
		eqLen := false
		setCat(3)
		switch {
		case M < minMatch:
			L = 3 + codeTree(c, md.lenTree[:], 8, L-3)
		case c.bit(&md.lenEq[b2i(choice != 0)*4+mBucket(M)], b2i(L == lp)) == 1:
			L, eqLen = lp, true
		case lp0 != 0 && lp0 != lp && c.bit(&md.lenEq0[mBucket(M)], b2i(L == lp0)) == 1:
			L = lp0
		case lp != M && lp0 != M && c.bit(&md.lenEqM[mBucket(M)], b2i(L == M)) == 1:
			L = M
		default:
			L = 3 + codeTree(c, md.lenTree[:], 8, L-3)
		}
		if L > n-i {
			return out, errf(ErrFormat, pl.s+i, "side data: match length %d past the block end", L)
		}
		dp := pl.nearest(i, L)
		setCat(4)
		if dp == 0 || c.bit(&md.distEq[b2i(eqLen)*3+min(L-3, 2)], b2i(D == dp)) == 0 {
			ds := 0
			if enc {
				ds = distSym(D)
			}
			ds = codeTree(c, md.dsym[:], 5, ds)
			if ds >= 30 {
				return out, errf(ErrFormat, pl.s+i, "side data: distance symbol %d", ds)
			}
			D = distBase[ds] + int(c.raw(uint32(D-distBase[ds]), distExtra[ds]))
		} else {
			D = dp
		}
		if D > pl.s+i {
			return out, errf(ErrFormat, pl.s+i, "side data: distance %d before the start", D)
		}
		out = append(out, matchTok(L, D))
		i += L
	}
	if enc && ti != len(toks) {
		return out, errf(ErrFormat, pl.e, "tokens past the block end")
	}
	return out, nil
}

// blockTokens splits the stream's tokens per block.
func blockTokens(s *stream) ([][]uint32, error) {
	out := make([][]uint32, len(s.blocks))
	ti := 0
	for i := range s.blocks {
		b := &s.blocks[i]
		if b.typ == blockStored {
			continue
		}
		start, raw := ti, 0
		for raw < b.raw {
			if ti >= len(s.tokens) {
				return nil, errf(ErrFormat, 0, "tokens end early")
			}
			t := s.tokens[ti]
			if t&matchFlag != 0 {
				raw += tokLen(t)
			} else {
				raw++
			}
			ti++
		}
		out[i] = s.tokens[start:ti]
	}
	return out, nil
}

// codeTokens runs the reference tokenizer over every block and codes the
// corrections (enc: toks per block given) or decodes them.
func codeTokens(c bitCoder, s *stream, data []byte, toks [][]uint32, version int) ([][]uint32, error) {
	m := newMatcher(data)
	md := &tokenModel{}
	hm := &hdrModel{}
	var prev *block
	kind := 0
	var pl plan
	out := make([][]uint32, len(s.blocks))
	pos := 0
	for i := range s.blocks {
		b := &s.blocks[i]
		if pos+b.raw > len(data) {
			return nil, errf(ErrFormat, pos, "side data: blocks longer than the data")
		}
		if b.typ != blockStored {
			dyn2 := version >= 2 && b.typ == blockDynamic
			if dyn2 {
				pl.findAll(m, pos, pos+b.raw)
				if err := hm.codeHeader(c, toks != nil, &pl, data, b, prev, kind); err != nil {
					return nil, err
				}
				pl.parseBlock(data, b)
			} else {
				newPlan(m, pos, pos+b.raw, b, &pl)
			}
			var in []uint32
			if toks != nil {
				in = toks[i]
				if in == nil {
					in = []uint32{}
				}
			}
			t, err := md.codeBlock(c, &pl, data, in, nil)
			if err != nil {
				return nil, err
			}
			out[i] = t
			if dyn2 {
				kind = builderOf(b, t, kind)
				prev = b
			}
		}
		pos += b.raw
		m.insertUpTo(pos)
	}
	if pos != len(data) {
		return nil, errf(ErrFormat, pos, "side data: blocks cover %d of %d bytes", pos, len(data))
	}
	return out, nil
}

// Parts is a PNG split for coding: its pixels and the side data that
// rebuilds the file from them.
type Parts struct {
	W, H, C int    // C: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
	Pixels  []byte // W*H*C bytes, raster order, channels interleaved
	Meta    []byte // chunks, filter types, deflate block layout (see package doc)
	Tokens  []byte // range-coded corrections to the reference tokenizer
}

// Split parses a PNG and separates it into pixels and side data. It
// fails with ErrUnsupported for PNGs it does not handle and ErrFormat for
// malformed ones. It checks that the deflate stream re-emits exactly from
// its tokens; Join's full round trip is the caller's final check.
func Split(png []byte) (*Parts, error) {
	return SplitVersion(png, metaVersion)
}

// SplitVersion is Split writing the given side data version: 1 (dynamic
// Huffman headers verbatim in the meta) or 2 (the current one).
func SplitVersion(png []byte, version int) (*Parts, error) {
	if version != 1 && version != 2 {
		return nil, fmt.Errorf("pngre: side data version %d", version)
	}
	l, err := parsePNG(png)
	if err != nil {
		return nil, err
	}
	data, s, err := inflate(l.stream, l.hdr.filteredLen(), 0)
	if err != nil {
		return nil, fmt.Errorf("IDAT stream: %w", err)
	}
	pix, types, err := unfilter(l.hdr, data)
	if err != nil {
		return nil, err
	}
	toks, err := blockTokens(s)
	if err != nil {
		return nil, err
	}
	re, err := emitStream(s, data, toks)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(re, l.stream) {
		return nil, fmt.Errorf("%w: deflate stream does not re-emit exactly", ErrUnsupported)
	}
	var e coder.Encoder
	if _, err := codeTokens(encCoder{&e}, s, data, toks, version); err != nil {
		return nil, err
	}
	tb, err := e.Finish()
	if err != nil {
		return nil, err
	}
	return &Parts{W: l.hdr.W, H: l.hdr.H, C: l.hdr.C, Pixels: pix, Meta: marshalMeta(l, s, types, version), Tokens: tb}, nil
}

func marshalMeta(l *layout, s *stream, types []byte, version int) []byte {
	m := []byte{byte(version)}
	m = binary.AppendUvarint(m, uint64(len(l.pre)))
	m = append(m, l.pre...)
	m = binary.AppendUvarint(m, uint64(len(l.post)))
	m = append(m, l.post...)
	m = binary.AppendUvarint(m, uint64(len(l.idat)))
	if n := len(l.idat); n > 1 {
		m = binary.AppendUvarint(m, uint64(l.idat[0]))
		same := true
		for _, v := range l.idat[:n-1] {
			same = same && v == l.idat[0]
		}
		if same {
			m = append(m, 0)
		} else {
			m = append(m, 1)
			for _, v := range l.idat[1 : n-1] {
				m = binary.AppendUvarint(m, uint64(v))
			}
		}
	}
	m = append(m, types...)
	m = append(m, s.zhdr[:]...)
	m = binary.AppendUvarint(m, uint64(len(s.blocks)))
	for _, b := range s.blocks {
		m = append(m, byte(b.typ)|byte(b2i(b.final))<<2)
		if b.typ == blockStored {
			m = append(m, b.pad)
		}
		m = binary.AppendUvarint(m, uint64(b.raw))
		if b.typ == blockDynamic && version == 1 {
			m = binary.AppendUvarint(m, uint64(b.hdrBits))
			m = append(m, b.hdr...)
		}
	}
	m = append(m, s.finalPad)
	m = binary.AppendUvarint(m, uint64(len(s.trailer)))
	return append(m, s.trailer...)
}

// metaReader reads the meta part, failing with the offset of the field.
type metaReader struct {
	b   []byte
	off int
	err error
}

func (r *metaReader) fail(what string) {
	if r.err == nil {
		r.err = errf(ErrFormat, r.off, "side data: %s", what)
	}
}

func (r *metaReader) uvarint(what string, max uint64) int {
	if r.err != nil {
		return 0
	}
	v, k := binary.Uvarint(r.b[r.off:])
	if k <= 0 || v > max {
		r.fail(what)
		return 0
	}
	r.off += k
	return int(v)
}

func (r *metaReader) bytes(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.fail(what)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *metaReader) byte1(what string) byte {
	b := r.bytes(1, what)
	if b == nil {
		return 0
	}
	return b[0]
}

// unmarshalMeta decodes the meta part. Sizes are bounded by the meta's
// own length, so memory stays O(len(meta)).
func unmarshalMeta(meta []byte) (*layout, *stream, []byte, int, error) {
	r := &metaReader{b: meta}
	version := int(r.byte1("version"))
	if version != 1 && version != 2 {
		return nil, nil, nil, 0, errf(ErrFormat, 0, "side data version %d", firstByte(meta))
	}
	l := &layout{}
	s := &stream{}
	lim := uint64(len(meta))
	l.pre = r.bytes(r.uvarint("pre length", lim), "pre chunks")
	l.post = r.bytes(r.uvarint("post length", lim), "post chunks")
	n := r.uvarint("IDAT count", lim+1)
	if r.err == nil && n == 0 {
		r.fail("IDAT count 0")
	}
	if n > 1 {
		first := r.uvarint("IDAT length", 1<<31-1)
		l.idat = append(l.idat, first)
		switch r.byte1("IDAT mode") {
		case 0:
			for len(l.idat) < n-1 {
				l.idat = append(l.idat, first)
			}
		case 1:
			for len(l.idat) < n-1 && r.err == nil {
				l.idat = append(l.idat, r.uvarint("IDAT length", 1<<31-1))
			}
		default:
			r.fail("IDAT mode")
		}
	}
	l.idat = append(l.idat, 0) // the last chunk holds the rest of the stream
	if r.err != nil {
		return nil, nil, nil, 0, r.err
	}
	h, err := headerOf(l.pre)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	l.hdr = h
	types := r.bytes(h.H, "filter types")
	copy(s.zhdr[:], r.bytes(2, "zlib header"))
	nb := r.uvarint("block count", lim)
	total := 0
	for i := 0; i < nb && r.err == nil; i++ {
		var b block
		f := r.byte1("block type")
		b.typ, b.final = int(f&3), f>>2 == 1
		if f > 6 || b.typ == 3 || b.final != (i == nb-1) {
			r.fail(fmt.Sprintf("block %d type %#x", i, f))
			break
		}
		if b.typ == blockStored {
			b.pad = r.byte1("stored padding")
			b.raw = r.uvarint("stored length", 0xffff)
		} else {
			b.raw = r.uvarint("block length", uint64(h.filteredLen()))
		}
		total += b.raw
		if total > h.filteredLen() {
			r.fail("blocks longer than the image")
			break
		}
		switch b.typ {
		case blockFixed:
			b.lit, b.dist = fixedLit, fixedDist
		case blockDynamic:
			if version >= 2 {
				break // coded with the tokens
			}
			b.hdrBits = r.uvarint("header bits", 8*lim)
			b.hdr = r.bytes((b.hdrBits+7)/8, "dynamic header")
			if r.err != nil {
				break
			}
			br := &bitReader{b: b.hdr}
			if err := readDynamicHeader(br, &b, r.off); err != nil {
				return nil, nil, nil, 0, err
			}
			if br.bitPos() != b.hdrBits {
				r.fail(fmt.Sprintf("block %d header length", i))
			}
		}
		s.blocks = append(s.blocks, b)
	}
	s.finalPad = r.byte1("final padding")
	s.trailer = r.bytes(r.uvarint("trailer length", lim), "trailer")
	if r.err == nil && r.off != len(meta) {
		r.fail("trailing bytes")
	}
	if r.err == nil && nb == 0 {
		r.fail("no blocks")
	}
	if r.err != nil {
		return nil, nil, nil, 0, r.err
	}
	if total != h.filteredLen() {
		return nil, nil, nil, 0, errf(ErrFormat, 0, "side data: blocks hold %d bytes, image %d", total, h.filteredLen())
	}
	return l, s, types, version, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// Dims returns the image size and channel count recorded in meta.
func Dims(meta []byte) (w, h, c int, err error) {
	r := &metaReader{b: meta}
	if v := r.byte1("version"); v != 1 && v != 2 {
		return 0, 0, 0, errf(ErrFormat, 0, "side data version %d", firstByte(meta))
	}
	pre := r.bytes(r.uvarint("pre length", uint64(len(meta))), "pre chunks")
	if r.err != nil {
		return 0, 0, 0, r.err
	}
	hd, err := headerOf(pre)
	return hd.W, hd.H, hd.C, err
}

// Join rebuilds the PNG file from its pixels and side data.
func Join(meta, tokens, pixels []byte) ([]byte, error) {
	l, s, types, version, err := unmarshalMeta(meta)
	if err != nil {
		return nil, err
	}
	data, err := refilter(l.hdr, pixels, types)
	if err != nil {
		return nil, err
	}
	var d coder.Decoder
	if err := d.Init(tokens); err != nil {
		return nil, fmt.Errorf("%w: side data token stream: %v", ErrFormat, err)
	}
	toks, err := codeTokens(decCoder{&d}, s, data, nil, version)
	if err != nil {
		return nil, err
	}
	if err := d.Finish(); err != nil {
		return nil, fmt.Errorf("%w: side data token stream: %v", ErrFormat, err)
	}
	z, err := emitStream(s, data, toks)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(z)+len(l.pre)+len(l.post)+12*len(l.idat)+8+12)
	out = append(out, signature[:]...)
	out = append(out, l.pre...)
	rest := z
	for i := range l.idat {
		n := len(rest)
		if i < len(l.idat)-1 {
			n = l.idat[i]
			if n > len(rest) {
				return nil, errf(ErrFormat, 0, "side data: IDAT lengths exceed the stream")
			}
		}
		out = appendChunk(out, "IDAT", rest[:n])
		rest = rest[n:]
	}
	return append(out, l.post...), nil
}
