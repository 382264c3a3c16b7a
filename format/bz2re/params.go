package bz2re

import "fmt"

// Params is what, beside the decompressed bytes, rebuilds the .bz2 file.
type Params struct {
	// Streams in file order; a plain .bz2 has one, pbzip2 and
	// concatenated files have several.
	Streams []Stream
	// Rotations lists the periodic blocks whose origPtr libbzip2's sort
	// put somewhere other than where Encode predicts, by increasing Block.
	Rotations []Rotation
}

// Stream is one bzip2 stream.
type Stream struct {
	Level int   // block size in units of 100000 bytes, 1..9
	Len   int64 // decompressed bytes
	// Finish: the stream came from a single BZ_FINISH call
	// (BZ2_bzBuffToBuffCompress, pbzip2). It matters only when the input
	// ends exactly as a block fills; Split sets it only then.
	Finish bool
	// Legacy: libbzip2 1.0.0-1.0.2, whose Huffman codes may be up to 20
	// bits long instead of 17. Split sets it only when it matters.
	Legacy bool
}

// Rotation places rotation 0 of a periodic block X^k among its k equal
// rotations.
type Rotation struct {
	Block int64 // block number, from 0, counted over all streams
	Rank  int   // 0..k-1
}

const (
	paramsVersion = 1
	// maxRank bounds Rotation.Rank: a block has fewer than 900000 bytes.
	maxRank = 1 << 20
	// maxTotalLen bounds the decompressed size a record may describe.
	maxTotalLen = 1 << 50
	flagFinish  = 1 << 4
	flagLegacy  = 1 << 5
)

// MarshalBinary encodes p; see the package documentation for the layout.
func (p Params) MarshalBinary() ([]byte, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	b := []byte{paramsVersion}
	b = appendUvarint(b, uint64(len(p.Streams)))
	for _, s := range p.Streams {
		f := byte(s.Level)
		if s.Finish {
			f |= flagFinish
		}
		if s.Legacy {
			f |= flagLegacy
		}
		b = append(b, f)
		b = appendUvarint(b, uint64(s.Len))
	}
	b = appendUvarint(b, uint64(len(p.Rotations)))
	prev := int64(-1)
	for _, r := range p.Rotations {
		b = appendUvarint(b, uint64(r.Block-prev-1))
		b = appendUvarint(b, uint64(r.Rank))
		prev = r.Block
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote. It accepts exactly
// that canonical form: no trailing bytes, no over-long varints, every
// field in range.
func (p *Params) UnmarshalBinary(b []byte) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrParams, fmt.Sprintf(format, args...))
	}
	if len(b) == 0 {
		return bad("empty record")
	}
	if b[0] != paramsVersion {
		return bad("unknown version %d", b[0])
	}
	r := b[1:]
	var err error
	next := func(limit uint64) uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		v, r, err = readUvarint(r)
		if err == nil && v > limit {
			err = bad("value %d out of range", v)
		}
		return v
	}
	// Every stream takes at least two bytes, every rotation two.
	ns := next(uint64(len(b)))
	if err != nil {
		return err
	}
	if ns == 0 {
		return bad("no streams")
	}
	q := Params{Streams: make([]Stream, 0, min(ns, uint64(len(r)/2)+1))}
	for i := uint64(0); i < ns; i++ {
		if len(r) == 0 {
			return bad("truncated")
		}
		f := r[0]
		r = r[1:]
		if f&^(flagFinish|flagLegacy|0x0f) != 0 {
			return bad("unknown stream flags %#x", f)
		}
		s := Stream{Level: int(f & 0x0f), Finish: f&flagFinish != 0, Legacy: f&flagLegacy != 0}
		s.Len = int64(next(maxTotalLen))
		if err != nil {
			return err
		}
		q.Streams = append(q.Streams, s)
	}
	nr := next(uint64(len(r)))
	prev := int64(-1)
	for i := uint64(0); i < nr && err == nil; i++ {
		gap := next(maxTotalLen)
		rank := next(maxRank - 1)
		blk := prev + 1 + int64(gap)
		q.Rotations = append(q.Rotations, Rotation{Block: blk, Rank: int(rank)})
		prev = blk
	}
	if err != nil {
		return err
	}
	if len(r) != 0 {
		return bad("%d trailing bytes", len(r))
	}
	if err := q.validate(); err != nil {
		return err
	}
	*p = q
	return nil
}

func (p Params) validate() error {
	if len(p.Streams) == 0 {
		return fmt.Errorf("%w: no streams", ErrParams)
	}
	total := int64(0)
	for i, s := range p.Streams {
		if s.Level < 1 || s.Level > 9 {
			return fmt.Errorf("%w: stream %d: level %d", ErrParams, i, s.Level)
		}
		if s.Len < 0 || s.Len > maxTotalLen-total {
			return fmt.Errorf("%w: stream %d: length %d", ErrParams, i, s.Len)
		}
		total += s.Len
	}
	prev := int64(-1)
	for _, r := range p.Rotations {
		if r.Block <= prev || r.Block > maxTotalLen || r.Rank < 0 || r.Rank >= maxRank {
			return fmt.Errorf("%w: rotation %+v", ErrParams, r)
		}
		prev = r.Block
	}
	return nil
}

func (p Params) totalLen() int64 {
	t := int64(0)
	for _, s := range p.Streams {
		t += s.Len
	}
	return t
}

func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// readUvarint rejects over-long encodings so that every record has one
// spelling.
func readUvarint(b []byte) (uint64, []byte, error) {
	var v uint64
	for i := 0; i < 10 && i < len(b); i++ {
		c := b[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			if c == 0 && i > 0 || i == 9 && c > 1 {
				return 0, nil, fmt.Errorf("%w: non-canonical varint", ErrParams)
			}
			return v, b[i+1:], nil
		}
	}
	return 0, nil, fmt.Errorf("%w: truncated varint", ErrParams)
}
