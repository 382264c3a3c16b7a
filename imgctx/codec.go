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
// returns the range-coded bytes. It returns nil for invalid sizes.
func EncodeStripe(samples []byte, w, rows, ch int) []byte {
	out, err := EncodeStripeConfig(nil, samples, w, rows, ch, DefaultConfig)
	if err != nil {
		return nil
	}
	return out
}

// DecodeStripe decodes the output of EncodeStripe.
func DecodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	return DecodeStripeConfig(data, w, rows, ch, DefaultConfig)
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
	var enc coder.Encoder
	enc.Reset(dst)
	var ft coder.FreqTable
	var logits [256]int32
	for _, s := range samples {
		cx.Logits(logits[:])
		if err := ft.SetLogits(logits[:], totalBits); err != nil {
			return nil, err
		}
		enc.Encode(&ft, int(s))
		cx.Update(s)
	}
	return enc.Finish()
}

// DecodeStripeConfig decodes a stream of EncodeStripeConfig.
func DecodeStripeConfig(data []byte, w, rows, ch int, cfg Config) ([]byte, error) {
	cx, err := NewContext(w, rows, ch, cfg)
	if err != nil {
		return nil, err
	}
	var dec coder.Decoder
	if err := dec.Init(data); err != nil {
		return nil, err
	}
	n := w * rows * ch
	out := make([]byte, n)
	var ft coder.FreqTable
	var logits [256]int32
	for k := range out {
		cx.Logits(logits[:])
		if err := ft.SetLogits(logits[:], totalBits); err != nil {
			return nil, err
		}
		s := dec.Decode(&ft)
		if err := dec.Err(); err != nil {
			return nil, err
		}
		out[k] = byte(s)
		cx.Update(byte(s))
	}
	if err := dec.Finish(); err != nil {
		return nil, err
	}
	return out, nil
}
