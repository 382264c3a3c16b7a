package bz2re

import (
	"errors"
	"fmt"
)

var (
	// ErrCorrupt: the input is not a well-formed bzip2 file (wrapped with
	// the byte offset where decoding failed).
	ErrCorrupt = errors.New("bz2re: corrupt bzip2 data")
	// ErrUnsupported: well-formed bzip2 that this package does not try to
	// rebuild (randomised blocks, data after the last stream).
	ErrUnsupported = errors.New("bz2re: unsupported bzip2 file")
	// ErrNotReproducible: the stream decodes, but re-encoding does not give
	// the same bytes (another encoder, flushes, a sort tie we cannot place).
	ErrNotReproducible = errors.New("bz2re: stream not reproducible by the reference encoder")
	// ErrTooLarge: the decompressed size exceeds the caller's bound.
	ErrTooLarge = errors.New("bz2re: decompressed data exceeds limit")
	// ErrParams: a parameter record that is malformed or that does not fit
	// the raw bytes it is applied to.
	ErrParams = errors.New("bz2re: invalid parameters")
)

// offsetError ties a sentinel to the byte offset in the .bz2 input.
type offsetError struct {
	err    error
	offset int64
	msg    string
}

func (e *offsetError) Error() string {
	return fmt.Sprintf("%v at byte %d: %s", e.err, e.offset, e.msg)
}

func (e *offsetError) Unwrap() error { return e.err }

func errAt(err error, offset int64, format string, args ...any) error {
	return &offsetError{err: err, offset: offset, msg: fmt.Sprintf(format, args...)}
}
