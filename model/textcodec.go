package model

import (
	"errors"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// ErrNotText reports a text call on an image network or the reverse.
var ErrNotText = errors.New("model: network is not a text network")

// textPredictor produces the final logits of each byte of a text
// segment: txtctx's mixture corrected by the integer text network. The
// mixture keeps learning from its own table (as in ctx-text); the
// network's head adapts to the final one.
type textPredictor struct {
	m    *txtctx.Model
	x    *txtctx.Mixer
	st   *QState
	feat [NFT]int16
	prev byte
	seq  int
	i    int
}

func (q *QNet) newTextPredictor(n int) (*textPredictor, error) {
	if !q.Text {
		return nil, ErrNotText
	}
	if n < 0 || n > txtctx.MaxSegment {
		return nil, txtctx.ErrTooLarge
	}
	m := txtctx.NewModel(n, txtctx.DefaultConfig())
	return &textPredictor{m: m, x: txtctx.NewMixer(m), st: q.NewState(), seq: max(q.Seq, 1)}, nil
}

// Logits writes the next byte's final logits into lg[:256]. The network
// state restarts every seq bytes, as in training.
func (p *textPredictor) Logits(lg []int32) {
	if p.i > 0 && p.i%p.seq == 0 {
		p.st.Reset()
	}
	mft := p.x.Predict(p.m)
	TextFeaturize(p.feat[:], p.m, mft)
	copy(lg[:256], p.x.LastLogits())
	p.st.StepText(lg, p.feat[:], p.prev)
}

// Update records the coded byte y, coded with the table ft built from
// the last Logits.
func (p *textPredictor) Update(y byte, ft *coder.FreqTable) {
	p.st.Adapt(nil, ft, y)
	p.x.Update(p.m, y)
	p.m.Update(y)
	p.prev = y
	p.i++
}

// EncodeText codes a text segment with the text network q and appends
// the range-coded bytes to dst. The output does not hold the length.
func (q *QNet) EncodeText(dst, src []byte) ([]byte, error) {
	p, err := q.newTextPredictor(len(src))
	if err != nil {
		return nil, err
	}
	return coder.EncodeBytes(dst, src, p, totalBits)
}

// DecodeText decodes n bytes coded by EncodeText.
func (q *QNet) DecodeText(data []byte, n int) ([]byte, error) {
	p, err := q.newTextPredictor(n)
	if err != nil {
		return nil, err
	}
	return coder.DecodeBytes(data, n, p, totalBits)
}
