package ctxcodec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/imgctx"
	"github.com/dcar-archiver/dcar/pixels"
)

// paramsVersion is the first byte of both codecs' parameters. A change to
// either model that changes its output needs a new version (or codec id):
// archives written with the old one must keep decoding.
const paramsVersion = 1

// maxImageFile bounds the files the image planner reads whole to find
// their layout.
const maxImageFile = 1 << 30

// ErrParams reports codec parameters this binary does not understand.
var ErrParams = errors.New("ctxcodec: unknown codec parameters")

// ErrModelMismatch reports an entry coded by a model other than this
// binary's.
var ErrModelMismatch = errors.New("ctxcodec: model differs")

func init() {
	archive.RegisterCodec(format.CodecCtxImage, "ctx-image", imageCodec{})
	archive.RegisterCodec(format.CodecCtxText, "ctx-text", textCodec{})
	archive.RegisterPlanner(planImage)
	archive.RegisterPlanner(planText)
}

// planImage routes uncompressed image containers to ctx-image. A whole
// image up to 16 MiB is one block (one stripe: the best ratio); larger
// files are cut in 16 MiB blocks, each coding the rows it holds whole.
func planImage(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.Modality != format.ModalityImage || k.Compressed || size > maxImageFile || size == 0 {
		return archive.Choice{}, false
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return archive.Choice{}, false
	}
	l, _, err := pixels.Parse(data)
	if err != nil {
		return archive.Choice{}, false
	}
	params := imageParams(l)
	if len(params) > format.MaxParamsLen {
		return archive.Choice{}, false // a layout too irregular to record cheaply
	}
	return archive.Choice{Codec: format.CodecCtxImage, Params: params, BlockSize: int(min(size, format.MaxBlockSize))}, true
}

type imageCodec struct{}

// imageParams are: the parameter version, the model fingerprint (8
// bytes), the pixel layout.
func imageParams(l *pixels.Layout) []byte {
	fp := imgctx.Fingerprint(imgctx.DefaultConfig)
	p := append([]byte{paramsVersion}, fp[:]...)
	return append(p, l.MarshalBinary()...)
}

func layoutOf(b archive.Block) (*pixels.Layout, error) {
	fp := imgctx.Fingerprint(imgctx.DefaultConfig)
	if err := checkParams(b.Params, "ctx-image", fp); err != nil {
		return nil, err
	}
	return pixels.UnmarshalLayout(b.Params[1+len(fp):], b.EntrySize)
}

// checkParams checks the version byte and the model fingerprint that
// start a ctx codec's parameters.
func checkParams(p []byte, codec string, fp [8]byte) error {
	if len(p) < 1+len(fp) || p[0] != paramsVersion {
		return fmt.Errorf("%w (%s version %d)", ErrParams, codec, firstByte(p))
	}
	if [8]byte(p[1:9]) != fp {
		return fmt.Errorf("%w: %s model fingerprint %x in the archive, this dcar has %x", ErrModelMismatch, codec, p[1:9], fp[:])
	}
	return nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// stripe finds the rows of the image lying wholly inside the block
// [off, off+n): their first canonical row and count. Only a contiguous run
// of rows is coded as a stripe; anything else stays in the residual.
func stripe(l *pixels.Layout, off, n int64) (y0, rows int) {
	rb := int64(l.RowBytes())
	y0 = -1
	for y, r := range l.Rows {
		inside := r >= off && r+rb <= off+n
		switch {
		case inside && y0 < 0:
			y0, rows = y, 1
		case inside && y == y0+rows:
			rows++
		case inside:
			return y0, rows // a second run: keep the first
		}
	}
	if y0 < 0 {
		return 0, 0
	}
	return y0, rows
}

// split separates a block into the samples of its stripe and the rest of
// its bytes, in file order.
func split(l *pixels.Layout, blk []byte, off int64, y0, rows int) (samples, rest []byte) {
	rb := l.RowBytes()
	samples = make([]byte, rows*rb)
	covered := make([]bool, len(blk)) // which block bytes are samples
	for i := 0; i < rows; i++ {
		at := l.Rows[y0+i] - off
		l.GatherRow(samples[i*rb:(i+1)*rb], blk[at:at+int64(rb)])
		for k := at; k < at+int64(rb); k++ {
			covered[k] = true
		}
	}
	rest = make([]byte, 0, len(blk)-len(samples))
	for i, c := range blk {
		if !covered[i] {
			rest = append(rest, c)
		}
	}
	return samples, rest
}

// Payload of a ctx-image block:
//
//	uvarint  length of the residual part
//	residual: the block's non-sample bytes, as a zstd block body (see
//	          residual()) — codec byte 0 = stored, 1 = zstd
//	the imgctx stream of the stripe's samples (may be empty)
func (imageCodec) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	l, err := layoutOf(b)
	if err != nil {
		return dst, err
	}
	y0, rows := stripe(l, b.Offset, int64(len(src)))
	samples, rest := split(l, src, b.Offset, y0, rows)
	res, err := packResidual(rest)
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(res)))
	dst = append(dst, res...)
	if rows == 0 {
		return dst, nil
	}
	return imgctx.EncodeStripeConfig(dst, samples, l.W, rows, l.C, imgctx.DefaultConfig)
}

func (imageCodec) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	l, err := layoutOf(b)
	if err != nil {
		return dst, err
	}
	y0, rows := stripe(l, b.Offset, int64(rawLen))
	rb := l.RowBytes()
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return dst, fmt.Errorf("%w: ctx-image residual length", format.ErrCorrupt)
	}
	restLen := rawLen - rows*rb
	rest, err := unpackResidual(src[k:k+int(n)], restLen)
	if err != nil {
		return dst, err
	}
	var samples []byte
	if rows > 0 {
		if samples, err = imgctx.DecodeStripeConfig(src[k+int(n):], l.W, rows, l.C, imgctx.DefaultConfig); err != nil {
			return dst, fmt.Errorf("%w: ctx-image: %v", format.ErrCorrupt, err)
		}
	} else if len(src) != k+int(n) {
		return dst, fmt.Errorf("%w: ctx-image: trailing bytes", format.ErrCorrupt)
	}
	start := len(dst)
	dst = append(dst, make([]byte, rawLen)...)
	blk := dst[start:]
	covered := make([]bool, rawLen)
	for i := 0; i < rows; i++ {
		at := l.Rows[y0+i] - b.Offset
		l.ScatterRow(blk[at:at+int64(rb)], samples[i*rb:(i+1)*rb])
		for j := at; j < at+int64(rb); j++ {
			covered[j] = true
		}
	}
	r := 0
	for i := range blk {
		if !covered[i] {
			blk[i] = rest[r]
			r++
		}
	}
	return dst, nil
}

// packResidual codes the non-sample bytes: zstd if it pays, else stored.
func packResidual(rest []byte) ([]byte, error) {
	if len(rest) == 0 {
		return nil, nil
	}
	z, err := archive.LookupCodec(format.CodecZstd)
	if err != nil {
		return nil, err
	}
	out, err := z.Compress([]byte{1}, rest, archive.Block{Level: 19})
	if err != nil || len(out) >= len(rest)+1 {
		return append([]byte{0}, rest...), nil
	}
	return out, nil
}

func unpackResidual(b []byte, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: ctx-image block shorter than its rows", format.ErrCorrupt)
	}
	if n == 0 {
		if len(b) != 0 {
			return nil, fmt.Errorf("%w: ctx-image residual", format.ErrCorrupt)
		}
		return nil, nil
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: ctx-image residual missing", format.ErrCorrupt)
	}
	switch b[0] {
	case 0:
		if len(b)-1 != n {
			return nil, fmt.Errorf("%w: ctx-image residual length", format.ErrCorrupt)
		}
		return b[1:], nil
	case 1:
		z, err := archive.LookupCodec(format.CodecZstd)
		if err != nil {
			return nil, err
		}
		return z.Decompress(nil, b[1:], n, archive.Block{})
	}
	return nil, fmt.Errorf("%w: ctx-image residual method %d", format.ErrCorrupt, b[0])
}
