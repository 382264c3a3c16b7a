package deflatere

import (
	"errors"
	"fmt"
)

// ErrUnsupported reports a valid deflate stream that this package could
// not rebuild exactly from its tokens (a preset dictionary, a length 258
// coded as 284+31, ...): the caller falls back.
var ErrUnsupported = errors.New("deflate stream not rebuildable")

// ErrBudget reports a stream whose reference tokenization would take
// more match-search steps than the caller allowed (TokenEncoder.Budget):
// one that is unsupported at that price, so it wraps ErrUnsupported.
var ErrBudget = fmt.Errorf("%w: the reference tokenizer's match search is over its budget", ErrUnsupported)

// ErrFormat reports malformed input: a deflate, zlib or gzip stream, or
// side data, that does not parse.
var ErrFormat = errors.New("malformed deflate data")

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}
