package gifre

import (
	"encoding/binary"
)

// metaVersion is the first byte of the side data.
const metaVersion = 1

// Frame record flags (see the package doc).
const (
	fNoInitialClear = 1 << iota
	fNoEOI
	fExplicitClears
	fExceptions
	fCount
	fTail
	fEndClear
	fBlocksConstant
	fBlocksExplicit
	fLiterals
	fAll = 1<<iota - 1
)

// exception is a data code the greedy parse would not have chosen.
type exception struct{ idx, code int }

// record is one image's departures from the canonical encoder.
type record struct {
	flags     int
	policy    int         // without fExplicitClears: clear once the table fill reaches it (0 never)
	clears    []int       // with fExplicitClears: the code indices of the clear codes after code 0
	exc       []exception // with fExceptions, by increasing idx: codes the parse (greedy, or all literals with fLiterals) would not have chosen
	count     int         // pixels coded: W*H unless fCount
	tailBits  int         // with fTail: the padding bits above the last code in its byte
	tailBytes []byte      // with fTail: the bytes after that one
	blockLen  int         // with fBlocksConstant: the length of every sub-block but the last
	blocks    []byte      // with fBlocksExplicit: every sub-block length
}

func (r *record) marshal(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(r.flags))
	if r.flags&fExplicitClears != 0 {
		b = binary.AppendUvarint(b, uint64(len(r.clears)))
		last := 0
		for _, k := range r.clears {
			b = binary.AppendUvarint(b, uint64(k-last))
			last = k
		}
	} else {
		b = binary.AppendUvarint(b, uint64(r.policy))
	}
	if r.flags&fExceptions != 0 {
		b = binary.AppendUvarint(b, uint64(len(r.exc)))
		last := -1
		for _, x := range r.exc {
			b = binary.AppendUvarint(b, uint64(x.idx-last))
			b = binary.AppendUvarint(b, uint64(x.code))
			last = x.idx
		}
	}
	if r.flags&fCount != 0 {
		b = binary.AppendUvarint(b, uint64(r.count))
	}
	if r.flags&fTail != 0 {
		b = binary.AppendUvarint(b, uint64(r.tailBits))
		b = binary.AppendUvarint(b, uint64(len(r.tailBytes)))
		b = append(b, r.tailBytes...)
	}
	switch {
	case r.flags&fBlocksConstant != 0:
		b = append(b, byte(r.blockLen))
	case r.flags&fBlocksExplicit != 0:
		b = binary.AppendUvarint(b, uint64(len(r.blocks)))
		b = append(b, r.blocks...)
	}
	return b
}

// metaReader reads the side data with every count checked against the
// bytes left before anything is allocated.
type metaReader struct {
	b   []byte
	pos int
	err error
}

func (m *metaReader) fail(format string, a ...any) {
	if m.err == nil {
		m.err = errf(ErrFormat, m.pos, "side data: "+format, a...)
	}
}

// uint reads a uvarint no larger than max.
func (m *metaReader) uint(max int) int {
	if m.err != nil {
		return 0
	}
	v, n := binary.Uvarint(m.b[m.pos:])
	if n <= 0 || v > uint64(max) {
		m.fail("bad number")
		return 0
	}
	m.pos += n
	return int(v)
}

// count reads a list length whose elements take at least one byte each.
func (m *metaReader) count() int { return m.uint(len(m.b) - m.pos) }

func (m *metaReader) bytes(n int) []byte {
	if m.err != nil || len(m.b)-m.pos < n {
		m.fail("truncated")
		return nil
	}
	m.pos += n
	return m.b[m.pos-n : m.pos]
}

// record reads one image's record; pixels is the image's W*H.
func (m *metaReader) record(pixels int) record {
	var r record
	r.flags = m.uint(fAll)
	if r.flags&fExplicitClears != 0 {
		r.clears = make([]int, m.count())
		last := 0
		for i := range r.clears {
			d := m.uint(1 << 30)
			if d == 0 {
				m.fail("clear index order")
			}
			last += d
			r.clears[i] = last
		}
	} else {
		r.policy = m.uint(maxCodes)
	}
	if r.flags&fExceptions != 0 {
		r.exc = make([]exception, m.uint((len(m.b)-m.pos)/2))
		last := -1
		for i := range r.exc {
			d := m.uint(1 << 30)
			if d == 0 {
				m.fail("exception index order")
			}
			last += d
			r.exc[i] = exception{last, m.uint(maxCodes - 1)}
		}
	}
	r.count = pixels
	if r.flags&fCount != 0 {
		r.count = m.uint(pixels)
	}
	if r.flags&fTail != 0 {
		r.tailBits = m.uint(255)
		r.tailBytes = m.bytes(m.count())
	}
	if r.flags&fBlocksConstant != 0 && r.flags&fBlocksExplicit != 0 {
		m.fail("two sub-block modes")
	}
	switch {
	case r.flags&fBlocksConstant != 0:
		r.blockLen = int(m.byte())
		if r.blockLen == 0 {
			m.fail("sub-block length 0")
		}
	case r.flags&fBlocksExplicit != 0:
		r.blocks = m.bytes(m.count())
	default:
		r.blockLen = 255
	}
	return r
}

func (m *metaReader) byte() byte {
	if b := m.bytes(1); b != nil {
		return b[0]
	}
	return 0
}
