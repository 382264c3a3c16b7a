package pngre

import (
	"encoding/binary"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

func marshalMeta(l *layout, s *deflatere.Stream, types []byte, version int) []byte {
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
	return s.AppendLayout(m, version)
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
func unmarshalMeta(meta []byte) (*layout, *deflatere.Stream, []byte, int, error) {
	r := &metaReader{b: meta}
	version := int(r.byte1("version"))
	if version != 1 && version != 2 {
		return nil, nil, nil, 0, errf(ErrFormat, 0, "side data version %d", firstByte(meta))
	}
	l := &layout{}
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
	if r.err != nil {
		return nil, nil, nil, 0, r.err
	}
	s, n, err := deflatere.ReadLayout(meta[r.off:], true, version, h.filteredLen(), r.off)
	if err != nil {
		return nil, nil, nil, 0, wrap(err)
	}
	if r.off+n != len(meta) {
		return nil, nil, nil, 0, errf(ErrFormat, r.off+n, "side data: trailing bytes")
	}
	if s.Len() != h.filteredLen() {
		return nil, nil, nil, 0, errf(ErrFormat, 0, "side data: blocks hold %d bytes, image %d", s.Len(), h.filteredLen())
	}
	return l, s, types, version, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}
