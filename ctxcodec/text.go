package ctxcodec

import (
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/bitcm"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/txtctx"
)

// A segmentCodec codes every block of an entry as one independent
// segment of a byte model, fresh per block; the entry's parameters are
// the version byte and the model's 8-byte fingerprint, so a binary whose
// model differs fails naming both. Blocks are the writer's default size:
// longer segments code better, shorter ones run on more cores.
type segmentCodec struct {
	name   string
	id     uint64
	fp     [8]byte
	encode func(src []byte) ([]byte, error)
	decode func(data []byte, n int) ([]byte, error)
}

var (
	// cmText (codec 21): bitcm's bitwise context mixing, the default for
	// text.
	cmText = segmentCodec{
		name: "cm-text", id: format.CodecCMText, fp: bitcm.Fingerprint(bitcm.DefaultConfig()),
		encode: func(src []byte) ([]byte, error) { return bitcm.Encode(src, bitcm.DefaultConfig()) },
		decode: func(data []byte, n int) ([]byte, error) { return bitcm.Decode(data, n, bitcm.DefaultConfig()) },
	}
	// ctxText (codec 20): txtctx's 256-way mixture, the default before
	// cm-text; kept so that its archives decode forever.
	ctxText = segmentCodec{
		name: "ctx-text", id: format.CodecCtxText, fp: txtctx.Fingerprint(txtctx.DefaultConfig()),
		encode: func(src []byte) ([]byte, error) { return txtctx.EncodeSegmentConfig(src, txtctx.DefaultConfig()) },
		decode: func(data []byte, n int) ([]byte, error) {
			return txtctx.DecodeSegmentConfig(data, n, txtctx.DefaultConfig())
		},
	}
)

// planCMText routes text to cm-text.
func planCMText(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	return cmText.plan(k, r, size)
}

// planText routes text to ctx-text. No longer registered; the golden
// archives written with ctx-text use it.
func planText(k archive.Kind, r io.ReaderAt, size int64) (archive.Choice, bool) {
	return ctxText.plan(k, r, size)
}

func (c segmentCodec) plan(k archive.Kind, _ io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return archive.Choice{}, false
	}
	return archive.Choice{Codec: c.id, Params: c.params()}, true
}

func (c segmentCodec) params() []byte { return append([]byte{paramsVersion}, c.fp[:]...) }

func (c segmentCodec) check(b archive.Block) error {
	if len(b.Params) != 9 {
		return fmt.Errorf("%w (%s parameters of %d bytes)", ErrParams, c.name, len(b.Params))
	}
	return checkParams(b.Params, c.name, c.fp)
}

func (c segmentCodec) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	if err := c.check(b); err != nil {
		return dst, err
	}
	out, err := c.encode(src)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (c segmentCodec) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	if err := c.check(b); err != nil {
		return dst, err
	}
	out, err := c.decode(src, rawLen)
	if err != nil {
		return dst, fmt.Errorf("%w: %s: %v", format.ErrCorrupt, c.name, err)
	}
	return append(dst, out...), nil
}
