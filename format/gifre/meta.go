package gifre

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dcar-archiver/dcar/format/deflatere"
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

// wrap gives an error of the side data reader this package's ErrFormat.
func wrap(err error) error {
	if errors.Is(err, deflatere.ErrFormat) {
		return fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return err
}

// metaReader reads the side data with every count checked against the
// bytes left before anything is allocated (deflatere.FieldReader, the
// format packages' one bounded field reader; errors go through wrap).
type metaReader struct{ deflatere.FieldReader }

// record reads one image's record; pixels is the image's W*H.
func (m *metaReader) record(pixels int) record {
	var r record
	r.flags = m.Uvarint("number", uint64(fAll))
	if r.flags&fExplicitClears != 0 {
		r.clears = make([]int, m.Count("count", 1))
		last := 0
		for i := range r.clears {
			d := m.Uvarint("number", uint64(1<<30))
			if d == 0 {
				m.Fail("clear index order")
			}
			last += d
			r.clears[i] = last
		}
	} else {
		r.policy = m.Uvarint("number", uint64(maxCodes))
	}
	if r.flags&fExceptions != 0 {
		r.exc = make([]exception, m.Uvarint("number", uint64((len(m.B)-m.Off)/2)))
		last := -1
		for i := range r.exc {
			d := m.Uvarint("number", uint64(1<<30))
			if d == 0 {
				m.Fail("exception index order")
			}
			last += d
			r.exc[i] = exception{last, m.Uvarint("number", uint64(maxCodes-1))}
		}
	}
	r.count = pixels
	if r.flags&fCount != 0 {
		r.count = m.Uvarint("number", uint64(pixels))
	}
	if r.flags&fTail != 0 {
		r.tailBits = m.Uvarint("number", uint64(255))
		r.tailBytes = m.Bytes(m.Count("count", 1), "bytes")
	}
	if r.flags&fBlocksConstant != 0 && r.flags&fBlocksExplicit != 0 {
		m.Fail("two sub-block modes")
	}
	switch {
	case r.flags&fBlocksConstant != 0:
		r.blockLen = int(m.Byte("byte"))
		if r.blockLen == 0 {
			m.Fail("sub-block length 0")
		}
	case r.flags&fBlocksExplicit != 0:
		r.blocks = m.Bytes(m.Count("count", 1), "bytes")
	default:
		r.blockLen = 255
	}
	return r
}
