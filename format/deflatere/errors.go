package deflatere

import (
	"errors"
	"fmt"
)

// ErrUnsupported reports a valid deflate stream that this package could
// not rebuild exactly from its tokens (a preset dictionary, a length 258
// coded as 284+31, ...): the caller falls back.
var ErrUnsupported = errors.New("deflate stream not rebuildable")

// ErrFormat reports malformed input: a deflate, zlib or gzip stream, or
// side data, that does not parse.
var ErrFormat = errors.New("malformed deflate data")

func errf(base error, off int, format string, a ...any) error {
	return fmt.Errorf("%w: %s at byte %d", base, fmt.Sprintf(format, a...), off)
}
