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
	if _, _, err := bz2re.Split(data, expansionLimit(len(data))); err != nil {
		return Choice{}, false
	}
	fp := bz2Fingerprints[len(bz2Fingerprints)-1]
	return Choice{Codec: format.CodecCMBZ2, Params: append([]byte{paramsVersion}, fp[:]...), BlockSize: int(size)}, true
}

// bz2Fingerprints are cm-bz2's model fingerprints, index i naming
// segment header set i+1: set 1 (table bits 18) was written until set 2
// (table bits in every header) replaced it, then set 3 (the version 2
// text model), then set 4 (the version 3 text model), then set 5 (the
// version 4 text model); readers accept all, writers use the last.
var bz2Fingerprints = [...][8]byte{segFingerprint("cm-bz2/1 "), segFingerprint("cm-bz2/2 "), segFingerprint3("cm-bz2/3 "), segFingerprint4("cm-bz2/4 "),
	segFingerprint5("cm-bz2/5 ")}

type cmBZ2 struct{}

// check checks a block's parameters and returns the segment header set
// they name.
func (cmBZ2) check(b Block) (segHeaderSet, error) {
	i, err := checkWholeFile(b, "cm-bz2", bz2Fingerprints[:]...)
	return segHeaderSet(i + 1), err
}

// Payload of a cm-bz2 block (the whole file):
//
//	uvarint  P, then P bytes: bz2re.Params.MarshalBinary
//	the decompressed payload (cmseg.go)
func (c cmBZ2) Compress(dst, src []byte, b Block) ([]byte, error) {
	set, err := c.check(b)
	if err != nil {
		return dst, err
	}
	raw, p, err := bz2re.Split(src, expansionLimit(len(src)))
	if err != nil {
		return dst, err
	}
	side, err := p.MarshalBinary()
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(side)))
	dst = append(dst, side...)
	return appendDecompressed(dst, raw, set)
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
	raw, err := readDecompressed(src[k+int(n):], rawLen, set, "cm-bz2")
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
