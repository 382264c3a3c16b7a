package bmpre

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// metaVersion is the first byte of the side data.
const metaVersion = 1

// Record flags (see the package doc).
const (
	fTails    = 1 << iota // BI_RGB: rows whose padding bits are not zero
	fOverflow             // RLE: non-zero pixels past W
	fExc                  // RLE: codes the canonical encoder would not write
	fAll      = 1<<iota - 1
)

// tail is a BI_RGB row's bits after its W pixels, when not all zero.
type tail struct {
	row   int
	bytes []byte
}

// overflow is a pixel an RLE stream writes past W, when not zero: its
// index among the rowPixels-W such positions of every row, file order.
type overflow struct {
	idx int
	v   byte
}

// exception is an RLE code where the canonical encoder would have
// written another one; explicit says a run's byte is not the canonical
// encoder's.
type exception struct {
	idx      int
	t        token
	explicit bool
}

// Token codes in an exception (see the package doc).
const (
	kEOL = iota
	kEOB
	kDelta
	kStop
)

func appendToken(b []byte, x exception) []byte {
	t := x.t
	switch t.kind {
	case tEOL:
		return append(b, kEOL)
	case tEOB:
		return append(b, kEOB)
	case tStop:
		return append(b, kStop)
	case tDelta:
		return append(b, kDelta, t.n, t.dy)
	case tRun:
		if x.explicit {
			return append(binary.AppendUvarint(b, uint64(t.n)*4+2), byte(t.b))
		}
		return binary.AppendUvarint(b, uint64(t.n)*4)
	}
	if t.b != 0 {
		return binary.AppendUvarint(binary.AppendUvarint(b, uint64(t.n)*4+3), uint64(t.b))
	}
	return binary.AppendUvarint(b, uint64(t.n)*4+1)
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

// token reads an exception's code.
func (m *metaReader) token() (token, bool) {
	k := m.Uvarint("number", uint64(255*4+3))
	switch k {
	case kEOL:
		return token{kind: tEOL}, false
	case kEOB:
		return token{kind: tEOB}, false
	case kStop:
		return token{kind: tStop}, false
	case kDelta:
		return token{kind: tDelta, n: m.Byte("byte"), dy: m.Byte("byte")}, false
	}
	n := k / 4
	if n == 0 || (k&1 == 1 && n < 3) {
		m.Fail(fmt.Sprintf("token %d", k))
	}
	switch k & 3 {
	case 0:
		return token{kind: tRun, n: uint8(n)}, false
	case 1:
		return token{kind: tLit, n: uint8(n)}, false
	case 2:
		return token{kind: tRun, n: uint8(n), b: uint16(m.Byte("byte"))}, true
	}
	return token{kind: tLit, n: uint8(n), b: uint16(m.Uvarint("number", uint64(255<<4|15)))}, false
}
