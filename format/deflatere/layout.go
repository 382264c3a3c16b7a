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
	// ZlibEmulated is HeadersCoded where a stream's tokens (and then its
	// dynamic headers, after them) may be coded against zlib's own parse,
	// emulated (zlibemu.go, zlibstream.go); the layout is version 2's.
	ZlibEmulated = 3
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
	if version < HeadersVerbatim || version > ZlibEmulated {
		return nil, 0, errf(ErrFormat, base, "side data: layout version %d", version)
	}
	r := &FieldReader{B: b, Base: base}
	s := &Stream{zlib: zlib}
	lim := uint64(len(b))
	if zlib {
		copy(s.zhdr[:], r.Bytes(2, "zlib header"))
	}
	nb := r.Uvarint("block count", lim)
	total := 0
	for i := 0; i < nb && r.Err == nil; i++ {
		var blk block
		f := r.Byte("block type")
		blk.typ, blk.final = int(f&3), f>>2 == 1
		if f > 6 || blk.typ == 3 || blk.final != (i == nb-1) {
			r.Fail(fmt.Sprintf("block %d type %#x", i, f))
			break
		}
		if blk.typ == blockStored {
			blk.pad = r.Byte("stored padding")
			blk.raw = r.Uvarint("stored length", 0xffff)
		} else {
			blk.raw = r.Uvarint("block length", uint64(maxData))
		}
		total += blk.raw
		if total > maxData {
			r.Fail(fmt.Sprintf("blocks longer than %d bytes", maxData))
			break
		}
		switch blk.typ {
		case blockFixed:
			blk.lit, blk.dist = fixedLit, fixedDist
		case blockDynamic:
			if version >= HeadersCoded {
				break // coded with the tokens
			}
			blk.hdrBits = r.Uvarint("header bits", 8*lim)
			blk.hdr = r.Bytes((blk.hdrBits+7)/8, "dynamic header")
			if r.Err != nil {
				break
			}
			br := &bitReader{b: blk.hdr}
			if err := readDynamicHeader(br, &blk, base+r.Off); err != nil {
				return nil, 0, err
			}
			if br.bitPos() != blk.hdrBits {
				r.Fail(fmt.Sprintf("block %d header length", i))
			}
		}
		s.blocks = append(s.blocks, blk)
	}
	s.finalPad = r.Byte("final padding")
	if zlib {
		s.trailer = r.Bytes(r.Uvarint("trailer length", lim), "trailer")
	}
	if r.Err == nil && nb == 0 {
		r.Fail("no blocks")
	}
	if r.Err != nil {
		return nil, 0, r.Err
	}
	return s, r.Off, nil
}

// A FieldReader reads the fields of side data in order, bounded by the
// bytes it has: the first field that does not parse sets Err, naming the
// field and its offset (Base plus the offset in B), and later reads
// return zero values. Package pngre reads its meta with it too.
type FieldReader struct {
	B    []byte
	Off  int // offset of the next field in B
	Base int // offset of B in the side data, for messages
	Err  error
}

// Fail records that the field what does not parse (if nothing failed
// before).
func (r *FieldReader) Fail(what string) {
	if r.Err == nil {
		r.Err = errf(ErrFormat, r.Base+r.Off, "side data: %s", what)
	}
}

// Uvarint reads a uvarint of at most max.
func (r *FieldReader) Uvarint(what string, max uint64) int {
	if r.Err != nil {
		return 0
	}
	v, k := binary.Uvarint(r.B[r.Off:])
	if k <= 0 || v > max {
		r.Fail(what)
		return 0
	}
	r.Off += k
	return int(v)
}

// Bytes reads n bytes (a slice of B).
func (r *FieldReader) Bytes(n int, what string) []byte {
	if r.Err != nil {
		return nil
	}
	if n > len(r.B)-r.Off {
		r.Fail(what)
		return nil
	}
	v := r.B[r.Off : r.Off+n]
	r.Off += n
	return v
}

// Byte reads one byte.
func (r *FieldReader) Byte(what string) byte {
	b := r.Bytes(1, what)
	if b == nil {
		return 0
	}
	return b[0]
}

// Count reads the length of a list whose elements take at least per
// bytes each in what is left of B (so the list cannot claim more
// elements than the side data could hold).
func (r *FieldReader) Count(what string, per int) int {
	return r.Uvarint(what, uint64((len(r.B)-r.Off)/max(per, 1)))
}
