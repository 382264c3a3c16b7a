package deflatere

import (
	"encoding/binary"
	"hash/adler32"
)

// bitWriter writes deflate's LSB-first bit stream.
type bitWriter struct {
	out []byte
	buf uint64
	n   uint
}

func (w *bitWriter) bits(v uint32, k uint) {
	w.buf |= uint64(v) << w.n
	w.n += k
	for w.n >= 8 {
		w.out = append(w.out, byte(w.buf))
		w.buf >>= 8
		w.n -= 8
	}
}

// bitPos is the number of bits written.
func (w *bitWriter) bitPos() int { return len(w.out)*8 + int(w.n) }

// bytes returns a copy of what was written, the last partial byte
// included.
func (w *bitWriter) bytes() []byte {
	x := append([]byte{}, w.out...)
	if w.n > 0 {
		x = append(x, byte(w.buf))
	}
	return x
}

func (w *bitWriter) rawBits(b []byte, n int) {
	for i := 0; i+8 <= n; i += 8 {
		w.bits(uint32(b[i>>3]), 8)
	}
	if r := n & 7; r != 0 {
		w.bits(uint32(b[n>>3])&(1<<r-1), uint(r))
	}
}

// huffEnc holds the bit-reversed codes of a code length table.
type huffEnc struct {
	code []uint32
	len  []uint8
}

func newEnc(lens []uint8) huffEnc {
	c := canonical(lens)
	for s, l := range lens {
		c[s] = reverse(c[s], uint(l))
	}
	return huffEnc{c, lens}
}

// emitter re-emits a deflate stream from its blocks and tokens.
type emitter struct {
	w bitWriter
}

// emitBlock writes one block; data is the whole filtered data, s the
// block's first byte, toks its tokens. The block has passed check.
func (e *emitter) emitBlock(b *block, data []byte, s int, toks []uint32) {
	w := &e.w
	f := uint32(0)
	if b.final {
		f = 1
	}
	w.bits(f|uint32(b.typ)<<1, 3)
	switch b.typ {
	case blockStored:
		if k := uint(w.bitPos()) & 7; k != 0 {
			w.bits(uint32(b.pad), 8-k)
		}
		w.bits(uint32(b.raw), 16)
		w.bits(^uint32(b.raw)&0xffff, 16)
		for _, c := range data[s : s+b.raw] {
			w.bits(uint32(c), 8)
		}
		return
	case blockDynamic:
		w.rawBits(b.hdr, b.hdrBits)
	}
	lit, dist := newEnc(b.lit[:]), newEnc(b.dist[:])
	for _, t := range toks {
		if t&matchFlag == 0 {
			w.bits(lit.code[t], uint(lit.len[t]))
			continue
		}
		l, d := tokLen(t), tokDist(t)
		ls := lenSym[l]
		ds := distSym(d)
		w.bits(lit.code[257+int(ls)], uint(lit.len[257+int(ls)]))
		w.bits(uint32(l-lenBase[ls]), lenExtra[ls])
		w.bits(dist.code[ds], uint(dist.len[ds]))
		w.bits(uint32(d-distBase[ds]), distExtra[ds])
	}
	w.bits(lit.code[256], uint(lit.len[256]))
}

// padFits reports whether pad fits the k bits that take a bit
// position to the next byte boundary (none when pos is on one).
func padFits(pad byte, pos int) bool {
	k := uint(pos) & 7
	if k == 0 {
		return pad == 0
	}
	return uint32(pad)>>(8-k) == 0
}

// check reports an error (ErrFormat) unless Emit can write s over
// data: tokens for every block, blocks that cover data exactly, every
// token and every end of block with a code in its block, and padding
// bits (of stored blocks and after the final block) that fit the bits
// left to the byte boundary where the emitted stream reaches them. It
// follows the emitted bit position without writing: a block's length in
// bits is its header, its Huffman header and its tokens' codes and
// extra bits.
func (s *Stream) check(data []byte) error {
	if len(s.toks) != len(s.blocks) {
		return errf(ErrFormat, 0, "side data: tokens of %d blocks for %d", len(s.toks), len(s.blocks))
	}
	bit, pos := 0, 0 // emitted bits, data bytes covered
	for i := range s.blocks {
		b := &s.blocks[i]
		if pos+b.raw > len(data) {
			return errf(ErrFormat, pos, "side data: blocks longer than the data")
		}
		bit += 3
		switch b.typ {
		case blockStored:
			if !padFits(b.pad, bit) {
				return errf(ErrFormat, pos, "side data: stored block padding %#x", b.pad)
			}
			bit = (bit+7)&^7 + 32 + 8*b.raw
			pos += b.raw
			continue
		case blockDynamic:
			bit += b.hdrBits
		}
		for _, t := range s.toks[i] {
			if t&matchFlag == 0 {
				if b.lit[t] == 0 {
					return errf(ErrFormat, pos, "side data: literal %d has no code", t)
				}
				bit += int(b.lit[t])
				continue
			}
			l, d := tokLen(t), tokDist(t)
			ls, ds := lenSym[l], distSym(d)
			if b.lit[257+int(ls)] == 0 || b.dist[ds] == 0 {
				return errf(ErrFormat, pos, "side data: match %d,%d has no code", l, d)
			}
			bit += int(b.lit[257+int(ls)]) + int(lenExtra[ls]) + int(b.dist[ds]) + int(distExtra[ds])
		}
		if b.lit[256] == 0 {
			return errf(ErrFormat, pos, "side data: end of block has no code")
		}
		bit += int(b.lit[256])
		pos += b.raw
	}
	if pos != len(data) {
		return errf(ErrFormat, pos, "side data: blocks cover %d of %d bytes", pos, len(data))
	}
	if !padFits(s.finalPad, bit) {
		return errf(ErrFormat, 0, "side data: final padding %#x", s.finalPad)
	}
	return nil
}

// Emit appends the stream, re-emitted from data and its tokens, to dst:
// for zlib the header, the blocks, the padding, the Adler-32 and the
// trailer; for raw deflate the blocks and the padding.
func (s *Stream) Emit(dst, data []byte) ([]byte, error) {
	if err := s.check(data); err != nil {
		return dst, err
	}
	e := &emitter{}
	e.w.out = dst
	if s.zlib {
		e.w.out = append(e.w.out, s.zhdr[:]...)
	}
	pos := 0
	for i := range s.blocks {
		e.emitBlock(&s.blocks[i], data, pos, s.toks[i])
		pos += s.blocks[i].raw
	}
	if k := e.w.n; k != 0 {
		e.w.bits(uint32(s.finalPad), 8-k)
	}
	out := e.w.out
	if s.zlib {
		out = binary.BigEndian.AppendUint32(out, adler32.Checksum(data))
		out = append(out, s.trailer...)
	}
	return out, nil
}
