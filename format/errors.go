package format

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of these, so
// callers can test with errors.Is.
var (
	ErrMagic       = errors.New("dcar: not a dcar archive (bad magic)")
	ErrVersion     = errors.New("dcar: unsupported archive format version")
	ErrChecksum    = errors.New("dcar: checksum mismatch")
	ErrTruncated   = errors.New("dcar: archive is truncated")
	ErrCorrupt     = errors.New("dcar: archive is corrupt")
	ErrLimit       = errors.New("dcar: archive exceeds a format limit")
	ErrUnknownTag  = errors.New("dcar: unknown record type")
	ErrInvalidPath = errors.New("dcar: invalid entry path")
)

// Error locates a failure in an archive: the byte offset of the record
// at fault and, when known, the entry it belongs to.
type Error struct {
	Offset int64  // byte offset of the record (or field) at fault
	Entry  string // entry path, "" if not known
	Op     string // what was being done, e.g. "read block"
	Err    error  // underlying error, usually one of the sentinels
}

func (e *Error) Error() string {
	where := fmt.Sprintf("offset %d", e.Offset)
	if e.Entry != "" {
		where = fmt.Sprintf("entry %q at offset %d", e.Entry, e.Offset)
	}
	if e.Op != "" {
		return fmt.Sprintf("%s: %s: %v", where, e.Op, e.Err)
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
