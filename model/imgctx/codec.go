package imgctx

import (
	"errors"

	"github.com/dcar-archiver/dcar/coder"
)

const totalBits = 16

// ErrSamples reports a sample slice whose length is not w*rows*ch.
var ErrSamples = errors.New("imgctx: sample count does not match the stripe size")

// EncodeStripe codes one stripe (w x rows pixels, ch interleaved 8-bit
// channels, raster order) with the bias-logit model of DefaultConfig and
// returns the range-coded bytes; DecodeStripeConfig with DefaultConfig
// decodes them. It returns nil for invalid sizes. The trainer
// (cmd/dcartrain) measures the network against it.
func EncodeStripe(samples []byte, w, rows, ch int) []byte {
	out, err := EncodeStripeConfig(nil, samples, w, rows, ch, DefaultConfig)
	if err != nil {
		return nil
	}
	return out
}

// EncodeStripeConfig is EncodeStripe with an explicit configuration; it
// appends the stream to dst.
func EncodeStripeConfig(dst, samples []byte, w, rows, ch int, cfg Config) ([]byte, error) {
	cx, err := NewContext(w, rows, ch, cfg)
	if err != nil {
		return nil, err
	}
	if len(samples) != w*rows*ch {
		return nil, ErrSamples
	}
	return coder.EncodeBytes(dst, samples, logitModel{cx}, totalBits)
}

// DecodeStripeConfig decodes a stream of EncodeStripeConfig.
func DecodeStripeConfig(data []byte, w, rows, ch int, cfg Config) ([]byte, error) {
	cx, err := NewContext(w, rows, ch, cfg)
	if err != nil {
		return nil, err
	}
	return coder.DecodeBytes(data, w*rows*ch, logitModel{cx}, totalBits)
}

// logitModel drives a Context through coder.EncodeBytes/DecodeBytes.
type logitModel struct{ cx *Context }

func (m logitModel) Logits(dst []int32)                { m.cx.Logits(dst) }
func (m logitModel) Update(b byte, _ *coder.FreqTable) { m.cx.Update(b) }
