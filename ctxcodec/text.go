package ctxcodec

import (
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/txtctx"
)

// planText routes text to ctx-text, in blocks of the writer's default size
// (each block is an independent segment: longer segments code better,
// shorter ones run on more cores). No longer registered (cm-text is the
// default); the golden archives written with ctx-text use it.
func planText(k archive.Kind, _ io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return archive.Choice{}, false
	}
	fp := txtctx.Fingerprint(txtctx.DefaultConfig())
	return archive.Choice{Codec: format.CodecCtxText, Params: append([]byte{paramsVersion}, fp[:]...)}, true
}

type textCodec struct{}

func textParams(b archive.Block) error {
	if len(b.Params) != 9 {
		return fmt.Errorf("%w (ctx-text parameters of %d bytes)", ErrParams, len(b.Params))
	}
	return checkParams(b.Params, "ctx-text", txtctx.Fingerprint(txtctx.DefaultConfig()))
}

func (textCodec) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	if err := textParams(b); err != nil {
		return dst, err
	}
	out, err := txtctx.EncodeSegmentConfig(src, txtctx.DefaultConfig())
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (textCodec) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	if err := textParams(b); err != nil {
		return dst, err
	}
	out, err := txtctx.DecodeSegmentConfig(src, rawLen, txtctx.DefaultConfig())
	if err != nil {
		return dst, fmt.Errorf("%w: ctx-text: %v", format.ErrCorrupt, err)
	}
	return append(dst, out...), nil
}
