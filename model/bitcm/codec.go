package bitcm

import (
	"bytes"
	"errors"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// MaxSegment is the largest segment Encode and Decode accept, and
// MaxPrimer the largest Config.Primer.
const (
	MaxSegment = 1 << 30
	MaxPrimer  = 4 << 20
)

// ErrTooLarge reports a segment length above MaxSegment or negative.
var ErrTooLarge = errors.New("bitcm: segment length out of range")

// errPrimerPrior reports a Config with a Primer given a Prior: a prior
// follows the segment's bytes only.
var errPrimerPrior = errors.New("bitcm: a primer cannot be combined with a prior")

// Encode codes src as one segment with a fresh Model of cfg. The output
// does not hold the length: Decode needs it.
func Encode(src []byte, cfg Config) ([]byte, error) { return EncodePrior(src, cfg, nil) }

// EncodePrior is Encode with prior (if not nil) as one more input of
// the mixers; the decoder must drive an identical prior (DecodePriorTo).
func EncodePrior(src []byte, cfg Config, prior Prior) ([]byte, error) {
	np := len(cfg.Primer)
	if len(src) > MaxSegment || np > MaxPrimer {
		return nil, ErrTooLarge
	}
	if np > 0 && prior != nil {
		return nil, errPrimerPrior
	}
	cfg = cfg.normalized()
	// The tables are sized by the text's length, with or without the
	// word code (the decoder knows no other).
	segLen := np + len(src)
	primer := cfg.Primer
	if d := cfg.words(); d != nil {
		src = d.encodeWords(nil, src)
		primer = d.encodeWords(nil, primer)
	}
	m, err := primedModel(segLen, make([]byte, 0, len(primer)+len(src)), primer, cfg, prior)
	if err != nil {
		return nil, err
	}
	defer freeTables(m.tabBuf)
	var e coder.Encoder
	e.Reset(make([]byte, 0, len(src)/4+16))
	for _, c := range src {
		code, n := m.codeOf(c)
		for i := int(n) - 1; i >= 0; i-- {
			y := int(code>>i) & 1
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
	np := len(cfg.Primer)
	if len(dst) > MaxSegment || np > MaxPrimer {
		return nil, ErrTooLarge
	}
	if np > 0 && prior != nil {
		return nil, errPrimerPrior
	}
	if cfg = cfg.normalized(); cfg.WordCode != 0 {
		return decodeWordCode(dst, data, cfg, prior)
	}
	n := len(dst)
	hist := dst[:0:n]
	if np > 0 {
		// The model's history is the primer, then the segment.
		n += np
		hist = make([]byte, 0, n)
	}
	d, m, err := newSegmentDecoder(data, n, hist, cfg.Primer, cfg, prior)
	if err != nil {
		return nil, err
	}
	defer freeTables(m.tabBuf)
	for len(m.buf) < n {
		if err := m.decodeByte(d); err != nil {
			return nil, err
		}
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	if np > 0 {
		copy(dst, m.buf[np:])
	}
	return dst, nil
}

// decodeWordCode is DecodePriorTo for a model with the word code: the
// model decodes the transform, a byte at a time, until it gives back
// len(dst) bytes of text; the transform must be the one the text has.
func decodeWordCode(dst, data []byte, cfg Config, prior Prior) ([]byte, error) {
	words := cfg.words()
	primer := words.encodeWords(nil, cfg.Primer)
	n := len(dst)
	// The transform is about two thirds of the text; the history grows
	// if it is longer.
	d, m, err := newSegmentDecoder(data, len(cfg.Primer)+n, make([]byte, 0, len(primer)+n), primer, cfg, prior)
	if err != nil {
		return nil, err
	}
	defer freeTables(m.tabBuf)
	return decodeWords(d, m, words, dst, len(primer))
}

// A byteDecoder is a model that decodes its segment a byte at a time:
// the text model and the lite model.
type byteDecoder interface {
	// decodeByte decodes the bits of the next byte with d and appends
	// it to the history.
	decodeByte(d *coder.Decoder) error
	// history is every byte read or decoded so far.
	history() []byte
}

// decodeWords decodes with d and m a word code's transform, a byte at a
// time, until it gives back len(dst) bytes of text, which it writes to
// dst; m's history holds np bytes of primer before the transform. The
// transform must be the one the text has (words' encoding of it).
func decodeWords(d *coder.Decoder, m byteDecoder, words *wordDict, dst []byte, np int) ([]byte, error) {
	n := len(dst)
	out := dst[:0]
	w := wordDecoder{d: words}
	for len(out) < n || !w.idle() {
		k := len(m.history())
		if err := m.decodeByte(d); err != nil {
			return nil, err
		}
		if out = w.put(out, m.history()[k]); len(out) > n || w.bad {
			return nil, errWordCode
		}
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	if !bytes.Equal(words.encodeWords(nil, out), m.history()[np:]) {
		return nil, errWordCode
	}
	return dst, nil
}

// newSegmentDecoder starts decoding a segment of segLen bytes (the
// primer's included: what sizes the tables) from data: the range
// decoder and a fresh model of cfg whose history is hist, after it has
// read primer. The caller frees the model's tables.
func newSegmentDecoder(data []byte, segLen int, hist, primer []byte, cfg Config, prior Prior) (*coder.Decoder, *model, error) {
	d := cacheline.New[coder.Decoder]() // written at every bit
	if err := d.Init(data); err != nil {
		return nil, nil, err
	}
	m, err := primedModel(segLen, hist, primer, cfg, prior)
	if err != nil {
		return nil, nil, err
	}
	return d, m, nil
}

func (m *model) history() []byte                   { return m.buf }
func (m *model) decodeByte(d *coder.Decoder) error { return decodeByteOf(m, d) }

// decodeByteOf decodes with d the bits of m's next byte (until m's
// history grows by it).
func decodeByteOf[M interface {
	p0() uint16
	update(y int)
	history() []byte
}](m M, d *coder.Decoder) error {
	for k := len(m.history()); len(m.history()) == k; {
		y := d.DecodeBit(m.p0())
		if err := d.Err(); err != nil {
			return err
		}
		m.update(y)
	}
	return nil
}

// prime makes m read p as the start of its segment, without coding it.
func (m *model) prime(p []byte) {
	for _, c := range p {
		m.learnByte(c)
	}
}

// codeOf returns the binary decisions of byte c, most significant first:
// its code in the model's code tree (n bits), or its 8 bits.
func (m *model) codeOf(c byte) (code uint32, n uint) {
	if t := m.tree; t != nil {
		return t.code[c], uint(t.depth[c])
	}
	return uint32(c), 8
}

// learnByte makes m read byte c without coding it.
func (m *model) learnByte(c byte) {
	code, n := m.codeOf(c)
	for i := int(n) - 1; i >= 0; i-- {
		m.update(int(code>>i) & 1)
	}
}
