package txtctx

import (
	"errors"

	"github.com/dcar-archiver/dcar/coder"
)

// MaxSegment is the largest segment EncodeSegmentConfig and
// DecodeSegmentConfig accept.
const MaxSegment = 1 << 30

// ErrTooLarge reports a segment length above MaxSegment or negative.
var ErrTooLarge = errors.New("txtctx: segment length out of range")

// EncodeSegment codes src with a fresh Model and Mixer of DefaultConfig,
// as the ctx-text codec does; DecodeSegmentConfig with DefaultConfig
// decodes it. The output does not contain the length: the decoder needs
// it. The trainer (cmd/dcartrain) measures the network against it.
func EncodeSegment(src []byte) []byte {
	out, err := EncodeSegmentConfig(src, DefaultConfig())
	if err != nil {
		panic(err)
	}
	return out
}

// EncodeSegmentConfig is EncodeSegment with an explicit Config.
func EncodeSegmentConfig(src []byte, cfg Config) ([]byte, error) {
	if len(src) > MaxSegment {
		return nil, ErrTooLarge
	}
	m := NewModel(len(src), cfg)
	x := NewMixer(m)
	var e coder.Encoder
	e.Reset(make([]byte, 0, len(src)/3+16))
	for _, y := range src {
		ft := x.Predict(m)
		e.Encode(ft, int(y))
		x.Update(m, y)
		m.Update(y)
	}
	return e.Finish()
}

// DecodeSegmentConfig decodes n bytes coded by EncodeSegmentConfig with
// the same Config.
func DecodeSegmentConfig(data []byte, n int, cfg Config) ([]byte, error) {
	if n < 0 || n > MaxSegment {
		return nil, ErrTooLarge
	}
	var d coder.Decoder
	if err := d.Init(data); err != nil {
		return nil, err
	}
	m := NewModel(n, cfg)
	x := NewMixer(m)
	for i := 0; i < n; i++ {
		ft := x.Predict(m)
		y := byte(d.Decode(ft))
		if err := d.Err(); err != nil {
			return nil, err
		}
		x.Update(m, y)
		m.Update(y)
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return m.buf, nil // the model's history is the output
}
