package model

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/imgctx"
)

// totalBits is the coder's frequency-table precision.
const totalBits = 16

// predictor produces the final logits of each sub-pixel of a stripe, in
// raster order: imgctx's bias logits plus the integer network's delta.
// Encoder and decoder drive the same predictor; only the coder call
// between Logits and Update differs.
type predictor struct {
	cx      *imgctx.Context
	st      *QState
	f       *imgctx.Features
	feat    [NF]int16
	prevRes int16
	rowN    int // sub-pixels per row
	seq     int
	i       int // sub-pixels done
}

func (q *QNet) newPredictor(w, rows, ch int) (*predictor, error) {
	cx, err := imgctx.NewContext(w, rows, ch, imgctx.DefaultConfig)
	if err != nil {
		return nil, err
	}
	return &predictor{cx: cx, st: q.NewState(), rowN: w * ch, seq: max(q.Seq, 1)}, nil
}

// Logits writes the next sub-pixel's final logits into lg[:256].
func (p *predictor) Logits(lg []int32) {
	if col := p.i % p.rowN; col == 0 {
		p.prevRes = 0 // imgctx features restart at each row; so does the network
		p.st.Reset()
	} else if col%p.seq == 0 {
		p.st.Reset()
	}
	p.f = p.cx.Prepare()
	p.cx.Logits(lg)
	Featurize(p.feat[:], p.f, p.prevRes)
	p.st.Step(lg, p.feat[:], p.f)
}

// Update records the coded value of the sub-pixel, coded with the
// frequency table ft built from the last Logits.
func (p *predictor) Update(v byte, ft *coder.FreqTable) {
	p.st.Adapt(p.f, ft, v)
	p.prevRes = Residual(p.f, v)
	p.cx.Update(v)
	p.i++
}

// EncodeStripe codes one stripe (w x rows pixels, ch interleaved 8-bit
// channels) and appends the range-coded bytes to dst.
func (q *QNet) EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	p, err := q.newPredictor(w, rows, ch)
	if err != nil {
		return nil, err
	}
	if len(samples) != w*rows*ch {
		return nil, imgctx.ErrSamples
	}
	return coder.EncodeBytes(dst, samples, p, totalBits)
}

// DecodeStripe decodes the output of EncodeStripe.
func (q *QNet) DecodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	p, err := q.newPredictor(w, rows, ch)
	if err != nil {
		return nil, err
	}
	return coder.DecodeBytes(data, w*rows*ch, p, totalBits)
}
