package codec

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/bz2re"
)

// cm-bz2 (codec 22): a bzip2 file is split by package bz2re into its
// decompressed bytes and the few bytes of parameters that rebuild the
// exact file; the decompressed bytes are coded by bitcm in independent
// segments. bzip2 leaves much on the table for text and structured
// data, and a .bz2 is otherwise incompressible.

const (
	// bz2Segment is the length of the bitcm segments the decompressed
	// bytes are cut into (the last may be shorter): they are coded in
	// parallel. Longer segments code better (dickens: 2.7 % smaller in
	// one 10 MB segment than in 4 MiB ones).
	bz2Segment = 16 << 20
	// maxBZ2Raw bounds the decompressed bytes of a cm-bz2 entry: at most
	// maxBZ2Expansion times the file plus 1 MiB, and maxBZ2Raw in all,
	// so a decoder's memory stays bounded whatever the payload claims.
	// Files that expand more stay zstd.
	maxBZ2Expansion = 32
	maxBZ2Raw       = 256 << 20
)

func bz2RawLimit(fileLen int) int64 {
	return min(int64(maxBZ2Expansion)*int64(fileLen)+1<<20, maxBZ2Raw)
}

// planBZ2 routes bzip2 files that bz2re rebuilds exactly to cm-bz2, as
// one block. bz2re.Split runs the full rebuild and compares, so a file it
// accepts is known to come back; others stay zstd (a codec error would
// fail the whole archive).
func planBZ2(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.MIME != "application/x-bzip2" || size == 0 || size > format.MaxBlockSize {
		return Choice{}, false
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return Choice{}, false
	}
	if _, _, err := bz2re.Split(data, bz2RawLimit(len(data))); err != nil {
		return Choice{}, false
	}
	fp := bz2Fingerprints[len(bz2Fingerprints)-1]
	return Choice{Codec: format.CodecCMBZ2, Params: append([]byte{paramsVersion}, fp[:]...), BlockSize: int(size)}, true
}

// bz2Fingerprints are cm-bz2's model fingerprints, index i naming
// segment header set i+1: set 1 (table bits 18) was written until set 2
// (table bits in every header) replaced it; readers accept both, writers
// use the last.
var bz2Fingerprints = [...][8]byte{segFingerprint("cm-bz2/1 "), segFingerprint("cm-bz2/2 ")}

type cmBZ2 struct{}

// check checks a block's parameters and returns the segment header set
// they name.
func (cmBZ2) check(b Block) (segHeaderSet, error) {
	if len(b.Params) != 9 {
		return 0, fmt.Errorf("%w (cm-bz2 parameters of %d bytes)", ErrParams, len(b.Params))
	}
	i, err := checkParams(b.Params, "cm-bz2", bz2Fingerprints[:]...)
	if err != nil {
		return 0, err
	}
	if b.Offset != 0 {
		return 0, fmt.Errorf("%w: cm-bz2 entry in more than one block", format.ErrCorrupt)
	}
	return segHeaderSet(i + 1), nil
}

// Payload of a cm-bz2 block (the whole file):
//
//	uvarint  P, then P bytes: bz2re.Params.MarshalBinary
//	uvarint  N, the decompressed length
//	for each segment of bz2Segment bytes of the N (the last may be
//	shorter): uvarint L, then L bytes: the model header (segText, or
//	segBinary and a uvarint stride) and the bitcm stream
func (c cmBZ2) Compress(dst, src []byte, b Block) ([]byte, error) {
	if _, err := c.check(b); err != nil {
		return dst, err
	}
	raw, p, err := bz2re.Split(src, bz2RawLimit(len(src)))
	if err != nil {
		return dst, err
	}
	side, err := p.MarshalBinary()
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(side)))
	dst = append(dst, side...)
	dst = binary.AppendUvarint(dst, uint64(len(raw)))
	segs := make([][]byte, (len(raw)+bz2Segment-1)/bz2Segment)
	err = eachSegment(len(segs), func(i int) error {
		s := raw[i*bz2Segment : min((i+1)*bz2Segment, len(raw))]
		var err error
		segs[i], err = encodeSegment(s)
		return err
	})
	if err != nil {
		return dst, err
	}
	for _, s := range segs {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst, nil
}

func (c cmBZ2) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	set, err := c.check(b)
	if err != nil {
		return dst, err
	}
	bad := func(what string) error { return fmt.Errorf("%w: cm-bz2 %s", format.ErrCorrupt, what) }
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return dst, bad("parameter length")
	}
	var p bz2re.Params
	if err := p.UnmarshalBinary(src[k : k+int(n)]); err != nil {
		return dst, fmt.Errorf("%w: cm-bz2: %v", format.ErrCorrupt, err)
	}
	src = src[k+int(n):]
	n, k = binary.Uvarint(src)
	if k <= 0 || n > uint64(bz2RawLimit(rawLen)) {
		return dst, bad("decompressed length")
	}
	src = src[k:]
	// Every segment's frame is read before the decompressed bytes are
	// allocated: a payload too short for its claimed length fails first.
	var streams [][]byte
	for off := 0; off < int(n); off += bz2Segment {
		l, k := binary.Uvarint(src)
		if k <= 0 || l > uint64(len(src)-k) {
			return dst, bad(fmt.Sprintf("segment at decompressed offset %d", off))
		}
		streams = append(streams, src[k:k+int(l)])
		src = src[k+int(l):]
	}
	if len(src) != 0 {
		return dst, bad("trailing data")
	}
	raw := make([]byte, n)
	err = eachSegment(len(streams), func(i int) error {
		seg := raw[i*bz2Segment : min((i+1)*bz2Segment, len(raw))]
		if err := decodeSegment(seg, streams[i], set); err != nil {
			return fmt.Errorf("%w: cm-bz2 segment at decompressed offset %d: %v", format.ErrCorrupt, i*bz2Segment, err)
		}
		return nil
	})
	if err != nil {
		return dst, err
	}
	out, err := bz2re.Encode(raw, p)
	if err != nil {
		return dst, fmt.Errorf("%w: cm-bz2: %v", format.ErrCorrupt, err)
	}
	if len(out) != rawLen {
		return dst, bad(fmt.Sprintf("rebuilt %d bytes, want %d", len(out), rawLen))
	}
	return append(dst, out...), nil
}
