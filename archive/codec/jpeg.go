package codec

import (
	"fmt"
	"io"
	"sync"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/jpegre"
	"github.com/dcar-archiver/dcar/model/jpegcm"
	"github.com/klauspost/compress/zstd"
)

// cm-jpeg (codec 27): a JPEG file is split by package jpegre into its
// quantised DCT coefficients and the side data that rebuilds the exact
// file (every byte outside the entropy-coded scans, verbatim, and the
// scans' pad bits); the coefficients are coded by jpegcm's context
// mixing, the side data with zstd. A JPEG that jpegre does not split or
// rebuild exactly (arithmetic-coded, 12-bit, damaged, truncated, or
// written with bits the canonical coding does not reproduce) is declined
// when its block is coded and stays a zstd block.

// The first byte of cm-jpeg's parameters (followed by the coefficient
// model's fingerprint) says how the coefficients are laid out: version 1
// one jpegcm stream (jpegcm.Encode), version 2 (what dcar writes) one or
// two parts coded at once (jpegcm.EncodeParts), so that both cores code
// one large JPEG.
const (
	jpegParamsVersion  = 1
	jpegParamsVersion2 = 2
)

// jpegMaxBlocks bounds the 8×8 blocks of a cm-jpeg entry by its file
// size, so that a decoder's memory (128 bytes of coefficients per block)
// stays O(rawLen) whatever the payload claims. A real photo has well
// under one block per file byte; only near-blank images exceed this, and
// zstd codes those well.
func jpegMaxBlocks(fileLen int) int { return 2*fileLen + 4096 }

// planJPEG routes JPEG files whose scans jpegre decodes to cm-jpeg, as
// one block (jpegre.Check: a kind jpegre does not handle, a truncated or
// damaged file stays a zstd entry, with no codec parameters to carry).
// The rebuild check runs once, when the block is coded; a file that does
// not rebuild is declined there (its block coded with zstd).
func planJPEG(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.MIME != "image/jpeg" || size == 0 || size > format.MaxBlockSize {
		return Choice{}, false
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil || jpegre.Check(data, jpegMaxBlocks(len(data))) != nil {
		return Choice{}, false
	}
	fp := jpegcm.Fingerprint()
	return Choice{Codec: format.CodecCMJPEG, Params: append([]byte{jpegParamsVersion2}, fp[:]...), BlockSize: int(size)}, true
}

type cmJPEG struct{}

// FallbackLevel: a JPEG's zstd fallback is checked at level 1, the level
// dcar codes JPEGs with when cm-jpeg does not take them (zstd -19 saves
// a few bytes more on entropy-coded data, at 20 % of cm-jpeg's time).
func (cmJPEG) FallbackLevel() int { return 1 }

// check returns the parameter version of a block's entry.
func (cmJPEG) check(b Block) (int, error) {
	p := b.Params
	if len(p) != 9 || p[0] != jpegParamsVersion && p[0] != jpegParamsVersion2 {
		return 0, fmt.Errorf("%w (cm-jpeg version %d)", ErrParams, firstByte(p))
	}
	if fp := jpegcm.Fingerprint(); [8]byte(p[1:9]) != fp {
		return 0, fmt.Errorf("%w: cm-jpeg model %x is not in this dcar binary", ErrParams, p[1:9])
	}
	if b.Offset != 0 {
		return 0, fmt.Errorf("%w: cm-jpeg entry in more than one block", format.ErrCorrupt)
	}
	return int(p[0]), nil
}

// Payload of a cm-jpeg block (the whole file):
//
//	uvarint  S, the length of the side data
//	uvarint  L, then L bytes: the side data as byte 0x00 and S bytes
//	         verbatim, byte 0x01 and one zstd frame decoding to S bytes,
//	         or byte 0x02 and one zstd frame decoding to S bytes with
//	         jpegre.HeaderDictionary as raw-content dictionary
//	the coefficients: version 1 one jpegcm stream, version 2 jpegcm's
//	parts (a count, the first parts' lengths, the streams)
func (c cmJPEG) Compress(dst, src []byte, b Block) ([]byte, error) {
	version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	if int64(len(src)) != b.EntrySize {
		return dst, fmt.Errorf("cm-jpeg: block of %d bytes, entry of %d", len(src), b.EntrySize)
	}
	img, side, err := jpegre.Split(src, jpegMaxBlocks(len(src)))
	if err != nil {
		return dst, fmt.Errorf("%w: cm-jpeg: %v", ErrDeclined, err)
	}
	packed, err := packJPEGSide(side)
	if err != nil {
		return dst, err
	}
	dst = appendPacked(dst, len(side), packed)
	if version == jpegParamsVersion {
		return jpegcm.Encode(dst, img)
	}
	return jpegcm.EncodeParts(dst, img)
}

func (c cmJPEG) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	bad := func(what string) error { return fmt.Errorf("%w: cm-jpeg %s", format.ErrCorrupt, what) }
	n, packed, src, err := splitPacked(src, int64(rawLen)+1<<16, "cm-jpeg", "side data")
	if err != nil {
		return dst, err
	}
	side, err := unpackJPEGSide(packed, n)
	if err != nil {
		return dst, err
	}
	img, err := jpegre.Layout(side, jpegMaxBlocks(rawLen))
	if err != nil {
		return dst, fmt.Errorf("%w: cm-jpeg: %v", format.ErrCorrupt, err)
	}
	decode := jpegcm.DecodeParts
	if version == jpegParamsVersion {
		decode = jpegcm.Decode
	}
	if err := decode(src, img); err != nil {
		return dst, fmt.Errorf("%w: cm-jpeg coefficients: %v", format.ErrCorrupt, err)
	}
	start := len(dst)
	dst, err = jpegre.RebuildMax(dst, img, side, rawLen)
	if err != nil {
		return dst[:start], fmt.Errorf("%w: cm-jpeg: %v", format.ErrCorrupt, err)
	}
	if len(dst)-start != rawLen {
		return dst[:start], bad(fmt.Sprintf("rebuilt %d bytes, want %d", len(dst)-start, rawLen))
	}
	return dst, nil
}

// jpegDictID is the dictionary id the side data's zstd frames carry
// (method 0x02): jpegre.HeaderDictionary, whose bytes never change.
const jpegDictID = 0x4A504731 // "JPG1"

// jpegDict holds zstd coders primed with jpegre.HeaderDictionary.
var jpegDict = sync.OnceValues(func() (*jpegDictCoders, error) {
	d := jpegre.HeaderDictionary()
	enc, err := zstd.NewWriter(nil, append(blockEncoderOptions(zstd.SpeedBestCompression), zstd.WithEncoderDictRaw(jpegDictID, d))...)
	if err != nil {
		return nil, err
	}
	dec, err := zstd.NewReader(nil, append(blockDecoderOptions(), zstd.WithDecoderDictRaw(jpegDictID, d))...)
	if err != nil {
		return nil, err
	}
	return &jpegDictCoders{enc, dec}, nil
})

type jpegDictCoders struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

// packJPEGSide packs side data the smallest way: verbatim, zstd, or zstd
// with the header dictionary (most JPEGs' Huffman and quantisation
// tables are in it: a few hundred bytes saved per file).
func packJPEGSide(side []byte) ([]byte, error) {
	best, err := packResidual(side)
	if err != nil {
		return nil, err
	}
	d, err := jpegDict()
	if err != nil {
		return nil, err
	}
	if withDict := d.enc.EncodeAll(side, []byte{2}); len(withDict) < len(best) {
		return withDict, nil
	}
	return best, nil
}

func unpackJPEGSide(b []byte, n int) ([]byte, error) {
	if b[0] != 2 {
		return unpackStoredOrZstd(b, n, "cm-jpeg side data")
	}
	d, err := jpegDict()
	if err != nil {
		return nil, err
	}
	out, err := d.dec.DecodeAll(b[1:], nil)
	if err != nil || len(out) != n {
		return nil, fmt.Errorf("%w: cm-jpeg side data (%d bytes, want %d): %v", format.ErrCorrupt, len(out), n, err)
	}
	return out, nil
}
