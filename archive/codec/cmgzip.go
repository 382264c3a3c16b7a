package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/deflatere"
)

// cm-gzip (codec 25): a gzip file is split by package deflatere into its
// decompressed bytes and the side data that rebuilds the exact file
// (member headers, deflate block layouts, and the few token corrections
// against a reference tokenizer); the decompressed bytes are coded by
// bitcm in independent segments, as cm-bz2's. A .gz is otherwise
// incompressible, and deflate leaves a third or more of text on the
// table.

// planGzip routes gzip files of at most one block to cm-gzip. Whether
// deflatere rebuilds a file exactly is known only after splitting it,
// which costs as much as coding its side data: Compress does it once and
// declines (ErrDeclined: the writer codes the file with zstd) what does
// not come back.
func planGzip(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.MIME != "application/gzip" || size < 18 || size > format.MaxBlockSize {
		return Choice{}, false
	}
	var head [10]byte
	if _, err := r.ReadAt(head[:], 0); err != nil || !deflatere.IsGzip(head[:]) {
		return Choice{}, false
	}
	fp := gzipFingerprints[len(gzipFingerprints)-1]
	return Choice{Codec: format.CodecCMGzip, Params: append([]byte{paramsVersion}, fp[:]...), BlockSize: int(size)}, true
}

// gzipFingerprints name the two models a segment may use, the segment
// header set and deflatere's gzip side data version: index 0 set 2,
// index 1 set 3 (the version 2 text model), index 2 set 4 (the version 3
// text model), index 3 set 5 (the version 4 text model), all with side
// data version 1 (deflatere.GzipReference); index 4 set 5 with side data
// version 2 (deflatere.GzipZlib: tokens against zlib's emulated parse;
// writers use the last).
var gzipFingerprints = [...][8]byte{segFingerprint("cm-gzip/1 "), segFingerprint3("cm-gzip/2 "), segFingerprint4("cm-gzip/3 "),
	segFingerprint5("cm-gzip/4 "), segFingerprint5("cm-gzip/5 ")}

type cmGzip struct{}

// gzipSearchBudget is the match search cm-gzip allows the rebuild of a
// file's deflate streams, in units of work per byte of data
// (deflatere.TokenEncoder.Budget; as model-png's with
// the network: the text model costs about as much a byte); a file over it
// is declined (zstd).
const gzipSearchBudget = 256

// check checks a block's parameters and returns the segment header set
// and the gzip side data version they name.
func (cmGzip) check(b Block) (segHeaderSet, byte, error) {
	i, err := checkWholeFile(b, "cm-gzip", gzipFingerprints[:]...)
	if i == 4 {
		return 5, deflatere.GzipZlib, err
	}
	return segHeaderSet(i + 2), deflatere.GzipReference, err
}

// Payload of a cm-gzip block (the whole file):
//
//	uvarint  M, then M bytes: deflatere's gzip meta
//	uvarint  T, then T bytes: deflatere's token corrections
//	the decompressed payload (cmseg.go)
//
// Compress splits the file and rebuilds it from the side data before
// coding anything; a file that does not come back byte for byte, is not
// gzip after all or expands more than expansionLimit is declined.
func (c cmGzip) Compress(dst, src []byte, b Block) ([]byte, error) {
	set, version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	raw, meta, tokens, err := deflatere.SplitGzipVersion(src, int(expansionLimit(len(src))), gzipSearchBudget, version)
	if err != nil {
		if errors.Is(err, deflatere.ErrFormat) || errors.Is(err, deflatere.ErrUnsupported) {
			return dst, fmt.Errorf("%w: %v", ErrDeclined, err)
		}
		return dst, err
	}
	if back, err := deflatere.JoinGzip(meta, tokens, raw); err != nil || !bytes.Equal(back, src) {
		return dst, fmt.Errorf("%w: the side data does not rebuild the file (%v)", ErrDeclined, err)
	}
	dst = binary.AppendUvarint(dst, uint64(len(meta)))
	dst = append(dst, meta...)
	dst = binary.AppendUvarint(dst, uint64(len(tokens)))
	dst = append(dst, tokens...)
	return appendDecompressed(dst, raw, set)
}

func (c cmGzip) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	set, version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	bad := func(what string) error { return fmt.Errorf("%w: cm-gzip %s", format.ErrCorrupt, what) }
	part := func() []byte {
		n, k := binary.Uvarint(src)
		if k <= 0 || n > uint64(len(src)-k) {
			return nil
		}
		p := src[k : k+int(n)]
		src = src[k+int(n):]
		return p
	}
	meta := part()
	if meta == nil {
		return dst, bad("meta length")
	}
	if len(meta) == 0 || meta[0] != version {
		return dst, bad(fmt.Sprintf("side data version %d in an entry of version %d", firstByte(meta), version))
	}
	tokens := part()
	if tokens == nil {
		return dst, bad("token stream length")
	}
	raw, err := readDecompressed(src, rawLen, set, "cm-gzip")
	if err != nil {
		return dst, err
	}
	out, err := deflatere.JoinGzip(meta, tokens, raw)
	if err != nil {
		return dst, fmt.Errorf("%w: cm-gzip: %v", format.ErrCorrupt, err)
	}
	if len(out) != rawLen {
		return dst, bad(fmt.Sprintf("rebuilt %d bytes, want %d", len(out), rawLen))
	}
	return append(dst, out...), nil
}
