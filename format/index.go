package format

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/zstd"
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

// IndexTag is the tag of the index record of an archive of format
// version v: TagIndexZ from VersionIndexZ on, TagIndex before.
func IndexTag(v int) byte {
	if v >= VersionIndexZ {
		return TagIndexZ
	}
	return TagIndex
}

// AppendIndexRecord appends the index record of an archive of format
// version v (IndexTag) for entries: framed, ready to write.
func AppendIndexRecord(dst []byte, v int, entries []IndexEntry) []byte {
	body := MarshalIndex(nil, entries)
	if v >= VersionIndexZ {
		z := binary.AppendUvarint(nil, uint64(len(body)))
		body = indexEncoder().EncodeAll(body, z)
	}
	return AppendRecord(dst, IndexTag(v), body)
}

// ParseIndex parses the body of an index record of an archive of format
// version v, whose tag is tag: a record of the other kind of index is
// corrupt.
func ParseIndex(tag byte, body []byte, v int) ([]IndexEntry, error) {
	if tag != IndexTag(v) {
		return nil, fmt.Errorf("%w: index record %#02x in a version %d archive", ErrCorrupt, tag, v)
	}
	if tag == TagIndex {
		return UnmarshalIndex(body)
	}
	return UnmarshalIndexZ(body)
}

// UnmarshalIndexZ parses a compressed index record body (TagIndexZ).
func UnmarshalIndexZ(b []byte) ([]IndexEntry, error) {
	d := decoder{b: b}
	n := d.uvarint("index length")
	if d.err != nil {
		return nil, d.err
	}
	if n > MaxIndexBody {
		return nil, fmt.Errorf("%w: index of %d bytes", ErrLimit, n)
	}
	// The frames may claim any size: decode, as a stream, at most one
	// byte more than n (to see that they hold no more), the buffer
	// growing with what they give, not with what they claim.
	dec, err := zstd.NewReader(bytes.NewReader(d.b), zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(indexWindow))
	if err != nil {
		return nil, fmt.Errorf("%w: compressed index: %v", ErrCorrupt, err)
	}
	defer dec.Close()
	raw, err := io.ReadAll(io.LimitReader(dec, int64(n)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: compressed index: %v", ErrCorrupt, err)
	}
	if uint64(len(raw)) != n {
		return nil, fmt.Errorf("%w: compressed index of %d bytes or more, its header says %d", ErrCorrupt, len(raw), n)
	}
	return UnmarshalIndex(raw)
}

// indexWindow is the largest window a compressed index's frame may use.
const indexWindow = 8 << 20

// indexEncoder makes the smallest frames zstd makes: an index is small
// beside the archive, and written once.
var indexEncoder = sync.OnceValue(func() *zstd.Encoder {
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(indexWindow))
	if err != nil {
		panic(err)
	}
	return e
})
