package deflatere

import (
	"encoding/binary"
	"hash/adler32"
)

// Token encoding: a literal is its byte value (< 256); a match is
// matchFlag | length<<16 | distance (length 3..258, distance 1..32768).
const matchFlag = 1 << 31

func matchTok(length, dist int) uint32 { return matchFlag | uint32(length)<<16 | uint32(dist) }
func tokLen(t uint32) int              { return int(t>>16) & 0x1ff }
func tokDist(t uint32) int             { return int(t & 0xffff) }

// Deflate block types.
const (
	blockStored  = 0
	blockFixed   = 1
	blockDynamic = 2
)

// block is one deflate block, everything needed to re-emit it given the
// uncompressed bytes and its tokens.
type block struct {
	final   bool
	typ     int
	pad     byte   // stored: the padding bits between the header and LEN
	hdr     []byte // dynamic: the header bits after BTYPE, LSB first
	hdrBits int
	raw     int // uncompressed bytes the block holds
	lit     [288]uint8
	dist    [32]uint8
}

// Stream is a deflate stream parsed at token level: its framing (raw
// deflate, or zlib with its header and Adler-32), its blocks and their
// tokens. With the uncompressed data it re-emits the stream exactly.
type Stream struct {
	zlib     bool
	zhdr     [2]byte // zlib: the header
	blocks   []block
	tokens   []uint32   // while parsing: all blocks' tokens in order
	toks     [][]uint32 // each block's tokens (none for stored blocks)
	finalPad byte       // bits after the final block up to the byte boundary
	trailer  []byte     // zlib: the bytes after the Adler-32, kept verbatim
}

// bitReader reads deflate's LSB-first bit stream.
type bitReader struct {
	b   []byte
	off int // next byte to load
	buf uint64
	n   uint // bits in buf
}

func (r *bitReader) fill() {
	for r.n <= 56 && r.off < len(r.b) {
		r.buf |= uint64(r.b[r.off]) << r.n
		r.off++
		r.n += 8
	}
}

// bitPos is the number of bits consumed.
func (r *bitReader) bitPos() int { return r.off*8 - int(r.n) }

func (r *bitReader) bits(k uint) (uint32, bool) {
	if r.n < k {
		r.fill()
		if r.n < k {
			return 0, false
		}
	}
	v := uint32(r.buf & (1<<k - 1))
	r.buf >>= k
	r.n -= k
	return v, true
}

// huffDec is a canonical Huffman decoding table indexed by the next
// maxBits bits: entry sym<<4 | length, 0 for an unused code.
type huffDec struct {
	t       []uint16
	maxBits uint
}

// buildDec builds a decoder for the code lengths; incomplete codes are
// allowed (unused entries stay 0), oversubscribed ones are not.
func buildDec(d *huffDec, lens []uint8) bool {
	var count [16]int
	maxBits := uint(0)
	for _, l := range lens {
		count[l]++
		if uint(l) > maxBits {
			maxBits = uint(l)
		}
	}
	count[0] = 0
	left := 1
	for i := 1; i < 16; i++ {
		left = left<<1 - count[i]
		if left < 0 {
			return false
		}
	}
	if maxBits == 0 {
		maxBits = 1
	}
	size := 1 << maxBits
	if cap(d.t) >= size {
		d.t = d.t[:size]
		clear(d.t)
	} else {
		d.t = make([]uint16, size)
	}
	d.maxBits = maxBits
	codes := canonical(lens)
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		rev := reverse(codes[sym], uint(l))
		for k := rev; k < uint32(size); k += 1 << l {
			d.t[k] = uint16(sym)<<4 | uint16(l)
		}
	}
	return true
}

// canonical assigns the RFC 1951 canonical codes (MSB-first values).
func canonical(lens []uint8) []uint32 {
	var count [16]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint32
	code := uint32(0)
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	codes := make([]uint32, len(lens))
	for s, l := range lens {
		if l != 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
	return codes
}

func reverse(v uint32, n uint) uint32 {
	r := uint32(0)
	for i := uint(0); i < n; i++ {
		r = r<<1 | v&1
		v >>= 1
	}
	return r
}

func (r *bitReader) decode(d *huffDec) (int, bool) {
	if r.n < d.maxBits {
		r.fill()
	}
	e := d.t[uint32(r.buf)&(1<<d.maxBits-1)]
	l := uint(e & 15)
	if l == 0 || l > r.n {
		return 0, false
	}
	r.buf >>= l
	r.n -= l
	return int(e >> 4), true
}

// Length and distance code tables (RFC 1951 3.2.5).
var (
	lenBase   [29]int
	lenExtra  [29]uint
	distBase  [30]int
	distExtra [30]uint
	lenSym    [259]uint16 // length -> symbol-257
	fixedLit  [288]uint8
	fixedDist [32]uint8
)

func init() {
	l := 3
	for i := 0; i < 28; i++ {
		if i >= 8 {
			lenExtra[i] = uint(i/4 - 1)
		}
		lenBase[i] = l
		for k := 0; k < 1<<lenExtra[i]; k++ {
			lenSym[l+k] = uint16(i)
		}
		l += 1 << lenExtra[i]
	}
	lenBase[28], lenSym[258] = 258, 28 // 285: length 258 (284+31 is refused)
	for l := 3; l <= 258; l++ {
		lenLast[lenSym[l]] = l
	}
	d := 1
	for i := 0; i < 30; i++ {
		if i >= 4 {
			distExtra[i] = uint(i/2 - 1)
		}
		distBase[i] = d
		d += 1 << distExtra[i]
	}
	for i := range fixedLit {
		switch {
		case i < 144:
			fixedLit[i] = 8
		case i < 256:
			fixedLit[i] = 9
		case i < 280:
			fixedLit[i] = 7
		default:
			fixedLit[i] = 8
		}
	}
	for i := range fixedDist {
		fixedDist[i] = 5
	}
}

// distSym is the distance symbol of distance d (1..32768).
func distSym(d int) int {
	if d <= 256 {
		return int(distCode[d-1])
	}
	return int(distCode[256+(d-1)>>7])
}

// distCode maps d-1 < 256 at [d-1], and (d-1)>>7 at [256+(d-1)>>7].
var distCode [512]uint8

func init() {
	for s := 0; s < 30; s++ {
		for d := distBase[s]; d < distBase[s]+1<<distExtra[s]; d++ {
			if d <= 256 {
				distCode[d-1] = uint8(s)
			} else {
				distCode[256+(d-1)>>7] = uint8(s)
			}
		}
	}
}

var clOrder = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// readDynamicHeader reads HLIT..code lengths into blk's tables.
func readDynamicHeader(r *bitReader, blk *block, base int) error {
	hlit, ok1 := r.bits(5)
	hdist, ok2 := r.bits(5)
	hclen, ok3 := r.bits(4)
	if !ok1 || !ok2 || !ok3 {
		return errf(ErrFormat, base+r.bitPos()/8, "truncated dynamic header")
	}
	nlit, ndist := int(hlit)+257, int(hdist)+1
	if nlit > 286 || ndist > 30 {
		return errf(ErrFormat, base+r.bitPos()/8, "HLIT %d / HDIST %d", nlit, ndist)
	}
	var cl [19]uint8
	for i := 0; i < int(hclen)+4; i++ {
		v, ok := r.bits(3)
		if !ok {
			return errf(ErrFormat, base+r.bitPos()/8, "truncated code length code")
		}
		cl[clOrder[i]] = uint8(v)
	}
	var cld huffDec
	if !buildDec(&cld, cl[:]) {
		return errf(ErrFormat, base+r.bitPos()/8, "bad code length code")
	}
	var lens [286 + 30]uint8
	for i := 0; i < nlit+ndist; {
		sym, ok := r.decode(&cld)
		if !ok {
			return errf(ErrFormat, base+r.bitPos()/8, "bad code length symbol")
		}
		rep, val := 1, uint8(0)
		var err bool
		switch {
		case sym < 16:
			val = uint8(sym)
		case sym == 16:
			if i == 0 {
				return errf(ErrFormat, base+r.bitPos()/8, "repeat with no previous length")
			}
			v, ok := r.bits(2)
			rep, val, err = 3+int(v), lens[i-1], !ok
		case sym == 17:
			v, ok := r.bits(3)
			rep, err = 3+int(v), !ok
		default:
			v, ok := r.bits(7)
			rep, err = 11+int(v), !ok
		}
		if err || i+rep > nlit+ndist {
			return errf(ErrFormat, base+r.bitPos()/8, "code length repeat past the end")
		}
		for k := 0; k < rep; k++ {
			lens[i] = val
			i++
		}
	}
	blk.lit = [288]uint8{}
	blk.dist = [32]uint8{}
	copy(blk.lit[:], lens[:nlit])
	copy(blk.dist[:], lens[nlit:nlit+ndist])
	if blk.lit[256] == 0 {
		return errf(ErrFormat, base+r.bitPos()/8, "no end-of-block code")
	}
	return nil
}

// extractBits copies bits [from, to) of b (LSB-first) into a new slice.
func extractBits(b []byte, from, to int) []byte {
	out := make([]byte, (to-from+7)/8)
	for i := from; i < to; i++ {
		if b[i>>3]>>(i&7)&1 != 0 {
			k := i - from
			out[k>>3] |= 1 << (k & 7)
		}
	}
	return out
}

// InflateZlib parses a zlib stream (RFC 1950) whose data must be exactly
// want bytes long. It returns the data and the token-level stream.
// Anything that could not be re-emitted exactly from tokens (a preset
// dictionary, a wrong Adler-32, and what InflateRaw refuses) is refused.
// base is the stream's offset in the file, for messages.
func InflateZlib(z []byte, want int, base int) ([]byte, *Stream, error) {
	if len(z) < 2 {
		return nil, nil, errf(ErrFormat, base, "zlib header truncated")
	}
	if z[0]&15 != 8 || z[0]>>4 > 7 || (uint(z[0])<<8|uint(z[1]))%31 != 0 {
		return nil, nil, errf(ErrFormat, base, "zlib header %02x %02x", z[0], z[1])
	}
	if z[1]&0x20 != 0 {
		return nil, nil, errf(ErrUnsupported, base, "zlib preset dictionary")
	}
	out, s, n, err := InflateRaw(z[2:], want, base+2)
	if err != nil {
		return nil, nil, err
	}
	if len(out) != want {
		return nil, nil, errf(ErrFormat, base+2+n, "data %d bytes, want %d", len(out), want)
	}
	s.zlib, s.zhdr = true, [2]byte{z[0], z[1]}
	end := 2 + n
	if len(z)-end < 4 {
		return nil, nil, errf(ErrFormat, base+end, "Adler-32 truncated")
	}
	if binary.BigEndian.Uint32(z[end:]) != adler32.Checksum(out) {
		return nil, nil, errf(ErrUnsupported, base+end, "Adler-32 mismatch")
	}
	s.trailer = z[end+4:]
	return out, s, nil
}

// InflateRaw parses a raw deflate stream (RFC 1951) up to its final block
// and the padding bits after it, with at most max bytes of data. It
// returns the data, the token-level stream and the number of bytes of z
// the stream took. Anything that could not be re-emitted exactly from
// tokens (a length 258 coded as 284+31, NLEN not the complement of LEN)
// is refused. base is the stream's offset in the file, for messages.
func InflateRaw(z []byte, max int, base int) ([]byte, *Stream, int, error) {
	s := &Stream{}
	out := make([]byte, 0, min(max, 4*len(z)+1024))
	r := &bitReader{b: z}
	var litD, distD huffDec
	long := func() error {
		return errf(ErrFormat, base+r.bitPos()/8, "data longer than %d bytes", max)
	}
	for {
		var blk block
		h, ok := r.bits(3)
		if !ok {
			return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "truncated block header")
		}
		blk.final, blk.typ = h&1 != 0, int(h>>1)
		start := len(out)
		switch blk.typ {
		case blockStored:
			k := uint(r.bitPos()) & 7
			if k != 0 {
				p, _ := r.bits(8 - k)
				blk.pad = byte(p)
			}
			ln, ok1 := r.bits(16)
			nln, ok2 := r.bits(16)
			if !ok1 || !ok2 {
				return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "truncated stored block")
			}
			if ln != ^nln&0xffff {
				return nil, nil, 0, errf(ErrUnsupported, base+r.bitPos()/8, "stored block NLEN")
			}
			if int(ln) > max-len(out) {
				return nil, nil, 0, long()
			}
			for i := 0; i < int(ln); i++ {
				v, ok := r.bits(8)
				if !ok {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "truncated stored block")
				}
				out = append(out, byte(v))
			}
		case blockFixed, blockDynamic:
			if blk.typ == blockFixed {
				blk.lit, blk.dist = fixedLit, fixedDist
			} else {
				from := r.bitPos()
				if err := readDynamicHeader(r, &blk, base); err != nil {
					return nil, nil, 0, err
				}
				blk.hdrBits = r.bitPos() - from
				blk.hdr = extractBits(r.b, from, r.bitPos())
			}
			if !buildDec(&litD, blk.lit[:]) || !buildDec(&distD, blk.dist[:]) {
				return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "oversubscribed Huffman code")
			}
			for {
				sym, ok := r.decode(&litD)
				if !ok {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "bad literal/length code")
				}
				if sym < 256 {
					if len(out) >= max {
						return nil, nil, 0, long()
					}
					out = append(out, byte(sym))
					s.tokens = append(s.tokens, uint32(sym))
					continue
				}
				if sym == 256 {
					break
				}
				sym -= 257
				if sym >= 29 {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "length symbol %d", sym+257)
				}
				e, ok := r.bits(lenExtra[sym])
				if !ok {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "truncated length")
				}
				length := lenBase[sym] + int(e)
				if length > 258 || (sym == 27 && length == 258) {
					return nil, nil, 0, errf(ErrUnsupported, base+r.bitPos()/8, "length 258 coded as 284+31")
				}
				ds, ok := r.decode(&distD)
				if !ok || ds >= 30 {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "bad distance code")
				}
				e, ok = r.bits(distExtra[ds])
				if !ok {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "truncated distance")
				}
				dist := distBase[ds] + int(e)
				if dist > len(out) {
					return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "distance %d before the start", dist)
				}
				if length > max-len(out) {
					return nil, nil, 0, long()
				}
				for i := 0; i < length; i++ {
					out = append(out, out[len(out)-dist])
				}
				s.tokens = append(s.tokens, matchTok(length, dist))
			}
		default:
			return nil, nil, 0, errf(ErrFormat, base+r.bitPos()/8, "block type 3")
		}
		blk.raw = len(out) - start
		s.blocks = append(s.blocks, blk)
		if blk.final {
			break
		}
	}
	if k := uint(r.bitPos()) & 7; k != 0 {
		p, _ := r.bits(8 - k)
		s.finalPad = byte(p)
	}
	toks, err := blockTokens(s)
	if err != nil {
		return nil, nil, 0, err
	}
	s.toks, s.tokens = toks, nil
	return out, s, r.bitPos() / 8, nil
}
