package deflatere

import (
	"fmt"

	"github.com/dcar-archiver/dcar/coder"
)

// A TokenEncoder codes the tokens of one or more streams, each against
// the reference tokenizer's parse of its data, into one range-coded
// stream (the Tokens part; see the package documentation).
type TokenEncoder struct {
	e coder.Encoder
}

// Encode codes the tokens of s, whose uncompressed bytes are data, in
// layout version version.
func (t *TokenEncoder) Encode(s *Stream, data []byte, version int) error {
	_, err := codeTokens(encCoder{&t.e}, s, data, s.toks, version)
	return err
}

// Finish returns the coded tokens.
func (t *TokenEncoder) Finish() ([]byte, error) { return t.e.Finish() }

// A TokenDecoder decodes what a TokenEncoder coded, stream by stream in
// the same order.
type TokenDecoder struct {
	d coder.Decoder
}

// NewTokenDecoder starts decoding the coded tokens b.
func NewTokenDecoder(b []byte) (*TokenDecoder, error) {
	t := &TokenDecoder{}
	if err := t.d.Init(b); err != nil {
		return nil, fmt.Errorf("%w: side data token stream: %v", ErrFormat, err)
	}
	return t, nil
}

// Decode decodes the tokens of s (read by ReadLayout), whose uncompressed
// bytes are data, in layout version version; s can then Emit.
func (t *TokenDecoder) Decode(s *Stream, data []byte, version int) error {
	toks, err := codeTokens(decCoder{&t.d}, s, data, nil, version)
	if err != nil {
		return err
	}
	s.toks = toks
	return nil
}

// Finish checks that the coded tokens ended where they should.
func (t *TokenDecoder) Finish() error {
	if err := t.d.Finish(); err != nil {
		return fmt.Errorf("%w: side data token stream: %v", ErrFormat, err)
	}
	return nil
}
