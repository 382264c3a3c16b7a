package deflatere

import (
	"encoding/binary"
	"fmt"
)

// Layout versions: how a stream's dynamic Huffman headers are kept.
const (
	// HeadersVerbatim keeps each dynamic header's bits in the layout.
	HeadersVerbatim = 1
	// HeadersCoded codes each dynamic header with the tokens, against the
	// code lengths the reference parse predicts (dynheader.go).
	HeadersCoded = 2
)

// AppendLayout appends the stream's layout (see the package
// documentation) to dst, in the given layout version.
func (s *Stream) AppendLayout(dst []byte, version int) []byte {
	if s.zlib {
		dst = append(dst, s.zhdr[:]...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s.blocks)))
	for _, b := range s.blocks {
		dst = append(dst, byte(b.typ)|byte(b2i(b.final))<<2)
		if b.typ == blockStored {
			dst = append(dst, b.pad)
		}
		dst = binary.AppendUvarint(dst, uint64(b.raw))
		if b.typ == blockDynamic && version == HeadersVerbatim {
			dst = binary.AppendUvarint(dst, uint64(b.hdrBits))
			dst = append(dst, b.hdr...)
		}
	}
	dst = append(dst, s.finalPad)
	if s.zlib {
		dst = binary.AppendUvarint(dst, uint64(len(s.trailer)))
		dst = append(dst, s.trailer...)
	}
	return dst
}

// Len returns the number of uncompressed bytes the stream holds.
func (s *Stream) Len() int {
	n := 0
	for _, b := range s.blocks {
		n += b.raw
	}
	return n
}

// ReadLayout reads a stream layout written by AppendLayout from the start
// of b: a zlib stream's if zlib is set, else a raw deflate stream's, in
// layout version version, holding at most maxData bytes. It returns the
// stream (without tokens: a TokenDecoder adds them) and the number of
// bytes it read. base is b's offset, for messages. Memory is O(len(b)).
func ReadLayout(b []byte, zlib bool, version, maxData, base int) (*Stream, int, error) {
	if version != HeadersVerbatim && version != HeadersCoded {
		return nil, 0, errf(ErrFormat, base, "side data: layout version %d", version)
	}
	r := &layoutReader{b: b, base: base}
	s := &Stream{zlib: zlib}
	lim := uint64(len(b))
	if zlib {
		copy(s.zhdr[:], r.bytes(2, "zlib header"))
	}
	nb := r.uvarint("block count", lim)
	total := 0
	for i := 0; i < nb && r.err == nil; i++ {
		var blk block
		f := r.byte1("block type")
		blk.typ, blk.final = int(f&3), f>>2 == 1
		if f > 6 || blk.typ == 3 || blk.final != (i == nb-1) {
			r.fail(fmt.Sprintf("block %d type %#x", i, f))
			break
		}
		if blk.typ == blockStored {
			blk.pad = r.byte1("stored padding")
			blk.raw = r.uvarint("stored length", 0xffff)
		} else {
			blk.raw = r.uvarint("block length", uint64(maxData))
		}
		total += blk.raw
		if total > maxData {
			r.fail(fmt.Sprintf("blocks longer than %d bytes", maxData))
			break
		}
		switch blk.typ {
		case blockFixed:
			blk.lit, blk.dist = fixedLit, fixedDist
		case blockDynamic:
			if version == HeadersCoded {
				break // coded with the tokens
			}
			blk.hdrBits = r.uvarint("header bits", 8*lim)
			blk.hdr = r.bytes((blk.hdrBits+7)/8, "dynamic header")
			if r.err != nil {
				break
			}
			br := &bitReader{b: blk.hdr}
			if err := readDynamicHeader(br, &blk, base+r.off); err != nil {
				return nil, 0, err
			}
			if br.bitPos() != blk.hdrBits {
				r.fail(fmt.Sprintf("block %d header length", i))
			}
		}
		s.blocks = append(s.blocks, blk)
	}
	s.finalPad = r.byte1("final padding")
	if zlib {
		s.trailer = r.bytes(r.uvarint("trailer length", lim), "trailer")
	}
	if r.err == nil && nb == 0 {
		r.fail("no blocks")
	}
	if r.err != nil {
		return nil, 0, r.err
	}
	return s, r.off, nil
}

// layoutReader reads a layout, failing with the offset of the field.
type layoutReader struct {
	b    []byte
	off  int
	base int
	err  error
}

func (r *layoutReader) fail(what string) {
	if r.err == nil {
		r.err = errf(ErrFormat, r.base+r.off, "side data: %s", what)
	}
}

func (r *layoutReader) uvarint(what string, max uint64) int {
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

func (r *layoutReader) bytes(n int, what string) []byte {
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

func (r *layoutReader) byte1(what string) byte {
	b := r.bytes(1, what)
	if b == nil {
		return 0
	}
	return b[0]
}
