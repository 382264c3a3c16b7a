package bitcm

import (
	"errors"

	"github.com/dcar-archiver/dcar/coder"
)

// MaxSegment is the largest segment Encode and Decode accept.
const MaxSegment = 1 << 30

// ErrTooLarge reports a segment length above MaxSegment or negative.
var ErrTooLarge = errors.New("bitcm: segment length out of range")

// Encode codes src as one segment with a fresh Model of cfg. The output
// does not hold the length: Decode needs it.
func Encode(src []byte, cfg Config) ([]byte, error) { return EncodePrior(src, cfg, nil) }

// EncodePrior is Encode with prior (if not nil) as one more input of
// the mixers; the decoder must drive an identical prior (DecodePriorTo).
func EncodePrior(src []byte, cfg Config, prior Prior) ([]byte, error) {
	if len(src) > MaxSegment {
		return nil, ErrTooLarge
	}
	m, err := newModel(len(src), make([]byte, 0, len(src)), cfg, prior)
	if err != nil {
		return nil, err
	}
	var e coder.Encoder
	e.Reset(make([]byte, 0, len(src)/4+16))
	for _, c := range src {
		for i := 7; i >= 0; i-- {
			y := int(c>>i) & 1
			e.EncodeBit(m.p0(), y)
			m.update(y)
		}
	}
	return e.Finish()
}

// Decode decodes n bytes coded by Encode with the same cfg.
func Decode(data []byte, n int, cfg Config) ([]byte, error) {
	if n < 0 || n > MaxSegment {
		return nil, ErrTooLarge
	}
	return DecodeTo(make([]byte, n), data, cfg)
}

// DecodeTo decodes len(dst) bytes coded by Encode with the same cfg into
// dst (the model's history is the output, so nothing is copied) and
// returns dst.
func DecodeTo(dst, data []byte, cfg Config) ([]byte, error) {
	return DecodePriorTo(dst, data, cfg, nil)
}

// DecodePriorTo decodes len(dst) bytes coded by EncodePrior with the
// same cfg and an identical prior into dst and returns dst.
func DecodePriorTo(dst, data []byte, cfg Config, prior Prior) ([]byte, error) {
	if len(dst) > MaxSegment {
		return nil, ErrTooLarge
	}
	var d coder.Decoder
	if err := d.Init(data); err != nil {
		return nil, err
	}
	n := len(dst)
	m, err := newModel(n, dst[:0:n], cfg, prior)
	if err != nil {
		return nil, err
	}
	for len(m.buf) < n {
		y := d.DecodeBit(m.p0())
		if err := d.Err(); err != nil {
			return nil, err
		}
		m.update(y)
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	return dst, nil
}
