package format

import (
	"encoding/binary"
	"fmt"
)

// IndexEntry is one row of the trailing index: where an entry's records
// start, how many bytes they take, and a copy of its header.
type IndexEntry struct {
	Offset int64 // offset of the entry header record
	Stored int64 // bytes of all the entry's records (header, blocks, end)
	Header Header
}

// MarshalIndex appends the index record body for entries.
func MarshalIndex(dst []byte, entries []IndexEntry) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(entries)))
	var hb []byte
	for i := range entries {
		e := &entries[i]
		dst = binary.AppendUvarint(dst, uint64(e.Offset))
		dst = binary.AppendUvarint(dst, uint64(e.Stored))
		hb = e.Header.MarshalBody(hb[:0])
		dst = appendString(dst, string(hb))
	}
	return dst
}

// UnmarshalIndex parses an index record body.
func UnmarshalIndex(b []byte) ([]IndexEntry, error) {
	d := decoder{b: b}
	n := d.uvarint("entry count")
	if d.err != nil {
		return nil, d.err
	}
	// Each row takes at least a few bytes: a count beyond that is damage,
	// and must not drive the allocation.
	if n > MaxEntries || n > uint64(len(d.b)/8+1) {
		return nil, fmt.Errorf("%w: index claims %d entries", ErrLimit, n)
	}
	out := make([]IndexEntry, n)
	for i := range out {
		out[i].Offset = int64(d.uvarint("entry offset"))
		out[i].Stored = int64(d.uvarint("entry stored size"))
		hb := d.str(MaxEntryBody, "entry header")
		if d.err != nil {
			return nil, fmt.Errorf("index row %d: %w", i, d.err)
		}
		if err := out[i].Header.UnmarshalBody([]byte(hb)); err != nil {
			return nil, fmt.Errorf("index row %d: %w", i, err)
		}
		if out[i].Offset < FileHeaderSize || out[i].Offset > 1<<62 {
			return nil, fmt.Errorf("%w: index row %d offset %d", ErrCorrupt, i, out[i].Offset)
		}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes in index", ErrCorrupt, len(d.b))
	}
	return out, nil
}
