package ctxcodec

import (
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/archive"
	"github.com/dcar-archiver/dcar/bitcm"
	"github.com/dcar-archiver/dcar/format"
)

// cm-text (codec 21): each block is one segment coded by package bitcm's
// bitwise context mixing with DefaultConfig. Parameters: version byte 1,
// then the 8-byte bitcm fingerprint. The default codec for text.

func init() {
	archive.RegisterCodec(format.CodecCMText, "cm-text", cmText{})
}

// planCMText routes text to cm-text in blocks of the writer's default
// size.
func planCMText(k archive.Kind, _ io.ReaderAt, size int64) (archive.Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return archive.Choice{}, false
	}
	fp := bitcm.Fingerprint(bitcm.DefaultConfig())
	return archive.Choice{Codec: format.CodecCMText, Params: append([]byte{paramsVersion}, fp[:]...)}, true
}

type cmText struct{}

func cmParams(b archive.Block) error {
	if len(b.Params) != 9 {
		return fmt.Errorf("%w (cm-text parameters of %d bytes)", ErrParams, len(b.Params))
	}
	return checkParams(b.Params, "cm-text", bitcm.Fingerprint(bitcm.DefaultConfig()))
}

func (cmText) Compress(dst, src []byte, b archive.Block) ([]byte, error) {
	if err := cmParams(b); err != nil {
		return dst, err
	}
	out, err := bitcm.Encode(src, bitcm.DefaultConfig())
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (cmText) Decompress(dst, src []byte, rawLen int, b archive.Block) ([]byte, error) {
	if err := cmParams(b); err != nil {
		return dst, err
	}
	out, err := bitcm.Decode(src, rawLen, bitcm.DefaultConfig())
	if err != nil {
		return dst, fmt.Errorf("%w: cm-text: %v", format.ErrCorrupt, err)
	}
	return append(dst, out...), nil
}
