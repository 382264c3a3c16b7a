package deflatere

import (
	"fmt"

	"github.com/dcar-archiver/dcar/coder"
)

// A TokenEncoder codes the tokens of one or more streams, each against
// the reference tokenizer's parse of its data, into one range-coded
// stream (the Tokens part; see the package documentation).
type TokenEncoder struct {
	// Budget bounds the match search of the reference tokenizer: up to
	// any byte of the data of the streams the encoder codes, at most
	// Budget units of work per byte plus BudgetSlack (0: no bound). A
	// unit is a chain entry visited, ~9 ns, or a run of one byte stepped
	// over (find). Past it, Encode fails with ErrBudget. A photo takes ~6
	// units a byte; data of long repeats that are not runs (a
	// screenshot's rows, say) up to 2048, and the decoder pays the same.
	Budget int
	work   int64 // done for the streams coded so far
	bytes  int64 // their data
	e      coder.Encoder
}

// BudgetSlack is the work a TokenEncoder with a Budget may take beyond
// Budget per byte (~0.15 s): a small stream is never refused.
const BudgetSlack = 1 << 24

// Encode codes the tokens of s, whose uncompressed bytes are data, in
// layout version version.
func (t *TokenEncoder) Encode(s *Stream, data []byte, version int) error {
	rate, allow := int64(t.Budget), int64(0)
	if rate > 0 {
		allow = rate*t.bytes + BudgetSlack - t.work
	}
	_, work, err := codeTokens(encCoder{&t.e}, s, data, s.toks, version, rate, allow)
	t.work += work
	t.bytes += int64(len(data))
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
	toks, _, err := codeTokens(decCoder{&t.d}, s, data, nil, version, 0, 0)
	if err != nil {
		return err
	}
	s.toks = toks
	if err := s.check(data); err != nil {
		s.toks = nil
		return err
	}
	return nil
}

// Finish checks that the coded tokens ended where they should.
func (t *TokenDecoder) Finish() error {
	if err := t.d.Finish(); err != nil {
		return fmt.Errorf("%w: side data token stream: %v", ErrFormat, err)
	}
	return nil
}
