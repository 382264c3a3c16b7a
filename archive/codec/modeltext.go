package codec

import (
	"fmt"
	"io"
	"strings"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// model-text (codec 17): each block is one segment coded by txtctx's
// mixture corrected by the text modality of the shipped unified network
// (model.QNet.EncodeText). Parameters: version byte 1, then the 8-byte
// text fingerprint of the network (model.Model.TextFingerprint).

type modelText struct{}

// planModelText routes text to model-text (asked with --best only) when
// the default network has the text modality and it codes the entry's
// first trialBytes smaller than cm-text, the default, does; otherwise
// the entry stays cm-text. The trial measures it on the entry itself.
func planModelText(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.Modality != format.ModalityText || size == 0 {
		return Choice{}, false
	}
	m, err := model.DefaultText()
	if err != nil {
		return Choice{}, false
	}
	trial := make([]byte, min(size, trialBytes))
	if _, err := r.ReadAt(trial, 0); err != nil && err != io.EOF {
		return Choice{}, false
	}
	net, err := m.Text.EncodeText(nil, trial)
	if err != nil {
		return planCMText(k, r, size)
	}
	if cm, err := cmText.encode(trial); err != nil || len(net) >= len(cm) {
		return planCMText(k, r, size)
	}
	return Choice{Codec: format.CodecModelText, Params: append([]byte{paramsVersion}, m.TextFingerprint[:]...)}, true
}

// trialBytes is how much of a text entry planModelText codes both ways.
const trialBytes = 64 << 10

// textNet returns the text network named by a block's parameters.
func textNet(b Block) (*model.QNet, error) {
	p := b.Params
	if len(p) != 9 || p[0] != paramsVersion {
		return nil, fmt.Errorf("%w (model-text parameters of %d bytes, version %d)", ErrParams, len(p), firstByte(p))
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
		return nil, fmt.Errorf("%w: model-text fingerprint %x in the archive, this dcar has %s", ErrModelMismatch, fp[:], strings.Join(have, ", "))
	}
	return m.Text, nil
}

func (modelText) Compress(dst, src []byte, b Block) ([]byte, error) {
	q, err := textNet(b)
	if err != nil {
		return dst, err
	}
	return q.EncodeText(dst, src)
}

func (modelText) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	q, err := textNet(b)
	if err != nil {
		return dst, err
	}
	if rawLen > txtctx.MaxSegment {
		return dst, fmt.Errorf("%w: model-text: block of %d bytes", format.ErrCorrupt, rawLen)
	}
	out, err := q.DecodeText(src, rawLen)
	if err != nil {
		return dst, fmt.Errorf("%w: model-text: %v", format.ErrCorrupt, err)
	}
	return append(dst, out...), nil
}
