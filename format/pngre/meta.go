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

// unmarshalMeta decodes the meta part. Sizes are bounded by the meta's
// own length, so memory stays O(len(meta)).
func unmarshalMeta(meta []byte) (*layout, *deflatere.Stream, []byte, int, error) {
	r := &deflatere.FieldReader{B: meta}
	version := int(r.Byte("version"))
	if version < 1 || version > metaVersion {
		return nil, nil, nil, 0, errf(ErrFormat, 0, "side data version %d", firstByte(meta))
	}
	l := &layout{}
	lim := uint64(len(meta))
	l.pre = r.Bytes(r.Uvarint("pre length", lim), "pre chunks")
	l.post = r.Bytes(r.Uvarint("post length", lim), "post chunks")
	n := r.Uvarint("IDAT count", lim+1)
	if r.Err == nil && n == 0 {
		r.Fail("IDAT count 0")
	}
	if n > 1 {
		first := r.Uvarint("IDAT length", 1<<31-1)
		l.idat = append(l.idat, first)
		switch r.Byte("IDAT mode") {
		case 0:
			for len(l.idat) < n-1 {
				l.idat = append(l.idat, first)
			}
		case 1:
			for len(l.idat) < n-1 && r.Err == nil {
				l.idat = append(l.idat, r.Uvarint("IDAT length", 1<<31-1))
			}
		default:
			r.Fail("IDAT mode")
		}
	}
	l.idat = append(l.idat, 0) // the last chunk holds the rest of the stream
	if r.Err != nil {
		return nil, nil, nil, 0, wrap(r.Err)
	}
	h, err := headerOf(l.pre)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	l.hdr = h
	types := r.Bytes(h.rows(), "filter types")
	if r.Err != nil {
		return nil, nil, nil, 0, wrap(r.Err)
	}
	s, n, err := deflatere.ReadLayout(meta[r.Off:], true, version, h.filteredLen(), r.Off)
	if err != nil {
		return nil, nil, nil, 0, wrap(err)
	}
	if r.Off+n != len(meta) {
		return nil, nil, nil, 0, errf(ErrFormat, r.Off+n, "side data: trailing bytes")
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
