package codec

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/bitcm"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// model-text (codec 17): text through the text modality of the shipped
// unified network. Two versions, named by the parameters' first byte:
//
//	1: each block is one segment coded by txtctx's mixture corrected by
//	   the network (model.QNet.EncodeText). Parameters: 1, then the
//	   network's 8-byte text fingerprint (model.Model.TextFingerprint).
//	   Written by --best until the network moved into the context mixing.
//	2: each block is one segment of bitcm's version 2 text model whose
//	   mixers also take the network's distribution of each byte
//	   (model.QNet.EncodeTextCM). Parameters: 2, the network's text
//	   fingerprint, then the 8-byte fingerprint of the bitcm
//	   configuration with its warm start: model.TextCMConfig (the
//	   version 2 text model, written first), model.TextCM3Config (the
//	   version 3 text model), model.TextCM4Config (the version 4 text
//	   model), model.TextCM6Config (the version 6 text model, which
//	   reads the text's word code while the network reads the text) or
//	   model.TextCM7Config (the version 7 text model, likewise) or
//	   model.TextCM8Config (the version 8 text model, likewise; written
//	   now).

type modelText struct{}

const modelTextV2 = 2

// modelTextCMFingerprint is bitcm.Fingerprint(model.TextCMConfig()),
// modelTextCM3Fingerprint, modelTextCM4Fingerprint and
// modelTextCM6Fingerprint, modelTextCM7Fingerprint,
// modelTextCM8Fingerprint those of model.TextCM3Config(),
// model.TextCM4Config(), model.TextCM6Config(), model.TextCM7Config()
// and model.TextCM8Config(), pinned so that
// planning decompresses nothing (a test checks them).
var (
	modelTextCMFingerprint  = [8]byte{0x87, 0x0d, 0xb8, 0xde, 0xe8, 0xcb, 0xfa, 0x0d}
	modelTextCM3Fingerprint = [8]byte{0xde, 0xad, 0x9a, 0xb3, 0x31, 0xb3, 0x82, 0xa9}
	modelTextCM4Fingerprint = [8]byte{0x72, 0x99, 0x66, 0x22, 0x9a, 0x1f, 0x43, 0xe7}
	modelTextCM6Fingerprint = [8]byte{0x9b, 0x8e, 0x7e, 0x0c, 0x18, 0x4d, 0x00, 0xd8}
	modelTextCM7Fingerprint = [8]byte{0x4f, 0xad, 0xde, 0x4c, 0x1c, 0x85, 0xc4, 0x6a}
	modelTextCM8Fingerprint = [8]byte{0xfb, 0x5f, 0xed, 0x3e, 0x2a, 0x2f, 0xc7, 0x06}
)

// A textCMModel is a bitcm configuration of model-text version 2, its
// fingerprint and its text model's version.
type textCMModel struct {
	fp      [8]byte
	config  func() (bitcm.Config, error)
	version int
}

// modelTextCMConfigs are the bitcm configurations model-text version 2
// reads, by fingerprint; it writes the last.
var modelTextCMConfigs = []textCMModel{{modelTextCMFingerprint, model.TextCMConfig, 2}, {modelTextCM3Fingerprint, model.TextCM3Config, 3},
	{modelTextCM4Fingerprint, model.TextCM4Config, 4}, {modelTextCM6Fingerprint, model.TextCM6Config, 6},
	{modelTextCM7Fingerprint, model.TextCM7Config, 7}, {modelTextCM8Fingerprint, model.TextCM8Config, 8}}

// modelTextCMWritten is the fingerprint of the configuration model-text
// writes (for ASCII text): modelTextCMConfigs' last.
func modelTextCMWritten() [8]byte { return modelTextCMConfigs[len(modelTextCMConfigs)-1].fp }

// planModelText routes text to model-text version 2 (--best; the
// default through planSmallText) when the default network has the text
// modality, with the
// version 8 text model or, for mostly non-ASCII text, version 3 (as
// planCMText). There is no
// trial: the mixers weigh the network as it earns, so a text it
// predicts badly costs little more than cm-text.
func planModelText(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return Choice{}, false
	}
	m, err := model.DefaultText()
	if err != nil {
		return Choice{}, false
	}
	p := append([]byte{modelTextV2}, m.TextFingerprint[:]...)
	cm := modelTextCMWritten()
	if !treeSuits(r, size) {
		// Mostly non-ASCII text: the version 3 text model (planCMText).
		cm = modelTextCM3Fingerprint
	}
	return Choice{Codec: format.CodecModelText, Params: append(p, cm[:]...), BlockSize: segmentBlockSize(size)}, true
}

// textNet returns the text network named by a block's parameters, their
// version and, for version 2, the bitcm configuration.
func textNet(b Block) (*model.QNet, byte, bitcm.Config, error) {
	p := b.Params
	var cfg bitcm.Config
	switch {
	case len(p) == 9 && p[0] == paramsVersion:
	case len(p) == 17 && p[0] == modelTextV2:
		i := slices.IndexFunc(modelTextCMConfigs, func(c textCMModel) bool { return c.fp == [8]byte(p[9:17]) })
		if i < 0 {
			var have []string
			for _, c := range modelTextCMConfigs {
				have = append(have, fmt.Sprintf("%x", c.fp[:]))
			}
			return nil, 0, cfg, fmt.Errorf("%w: model-text context-mixing fingerprint %x in the archive, this dcar has %s", ErrModelMismatch, p[9:17], strings.Join(have, ", "))
		}
		var err error
		if cfg, err = modelTextCMConfigs[i].config(); err != nil {
			return nil, 0, cfg, err
		}
	default:
		return nil, 0, cfg, fmt.Errorf("%w (model-text parameters of %d bytes, version %d)", ErrParams, len(p), firstByte(p))
	}
	fp := [8]byte(p[1:9])
	m, err := model.ByTextFingerprint(fp)
	if err != nil {
		var have []string
		all, _ := model.Shipped()
		for _, m := range all {
			if m.Text != nil {
				have = append(have, fmt.Sprintf("%x (%s)", m.TextFingerprint[:], m.Name))
			}
		}
		return nil, 0, cfg, fmt.Errorf("%w: model-text fingerprint %x in the archive, this dcar has %s", ErrModelMismatch, fp[:], strings.Join(have, ", "))
	}
	return m.Text, p[0], cfg, nil
}

func (modelText) Compress(dst, src []byte, b Block) ([]byte, error) {
	q, v, cfg, err := textNet(b)
	if err != nil {
		return dst, err
	}
	if v == paramsVersion {
		return q.EncodeText(dst, src)
	}
	defer holdModel()()
	out, err := q.EncodeTextCM(src, cfg)
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

func (modelText) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	q, v, cfg, err := textNet(b)
	if err != nil {
		return dst, err
	}
	if rawLen > txtctx.MaxSegment {
		return dst, fmt.Errorf("%w: model-text: block of %d bytes", format.ErrCorrupt, rawLen)
	}
	if v == paramsVersion {
		out, err := q.DecodeText(src, rawLen)
		if err != nil {
			return dst, fmt.Errorf("%w: model-text: %v", format.ErrCorrupt, err)
		}
		return append(dst, out...), nil
	}
	defer holdModel()()
	n := len(dst)
	dst = slices.Grow(dst, rawLen)[:n+rawLen]
	if _, err := q.DecodeTextCM(dst[n:], src, cfg); err != nil {
		return dst[:n], fmt.Errorf("%w: model-text: %v", format.ErrCorrupt, err)
	}
	return dst, nil
}

// netTextMax is the largest text segment the default preset codes
// through the network (model-text): below it a model that starts cold
// gains most from the network's knowledge of text, and the network's
// cost (about 8 µs a byte, 2.5 times the text model's) stays small.
var netTextMax int64 = 256 << 10

// planSmallText routes a text segment of at most netTextMax bytes to
// model-text (the default preset); larger ones go on to cm-text.
func planSmallText(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if size > netTextMax {
		return Choice{}, false
	}
	return planModelText(k, r, size)
}

// defaultModelText reports whether ch is model-text with the default
// network and text model (planModelText's choice for ASCII text).
func defaultModelText(ch Choice) bool {
	if ch.Codec != format.CodecModelText || len(ch.Params) != 17 || ch.Params[0] != modelTextV2 {
		return false
	}
	m, err := model.DefaultText()
	return err == nil && [8]byte(ch.Params[1:9]) == m.TextFingerprint && [8]byte(ch.Params[9:17]) == modelTextCMWritten()
}
