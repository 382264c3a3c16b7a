package pngre

import (
	"encoding/binary"
	"fmt"
)

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
