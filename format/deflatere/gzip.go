package deflatere

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Gzip side data versions, the first byte of the meta SplitGzip writes:
// the layout version of the members' streams.
const (
	// GzipReference: every stream's tokens coded against the reference
	// parse (layout version HeadersCoded).
	GzipReference = 1
	// GzipZlib: against zlib's emulated parse where it reproduces them
	// (layout version ZlibEmulated). SplitGzip writes it.
	GzipZlib = 2
)

// gzipLayout is the layout version of gzip side data version v.
func gzipLayout(v byte) int {
	if v == GzipZlib {
		return ZlibEmulated
	}
	return HeadersCoded
}

// gzip header flags (RFC 1952).
const (
	gzFHCRC    = 1 << 1
	gzFEXTRA   = 1 << 2
	gzFNAME    = 1 << 3
	gzFCOMMENT = 1 << 4
)

// IsGzip reports whether b starts like a gzip member: magic and method 8.
func IsGzip(b []byte) bool {
	return len(b) >= 10 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8
}

// gzipHeaderLen returns the length of the member header at the start of
// b (RFC 1952 2.3: the fixed 10 bytes, then the optional extra field,
// name, comment and header CRC). base is b's offset, for messages.
func gzipHeaderLen(b []byte, base int) (int, error) {
	if !IsGzip(b) {
		return 0, errf(ErrFormat, base, "not a gzip member")
	}
	flg := b[3]
	if flg&0xe0 != 0 {
		return 0, errf(ErrFormat, base+3, "gzip reserved flags %#x", flg)
	}
	n := 10
	if flg&gzFEXTRA != 0 {
		if len(b) < n+2 {
			return 0, errf(ErrFormat, base+n, "gzip extra field truncated")
		}
		n += 2 + int(binary.LittleEndian.Uint16(b[n:]))
		if n > len(b) {
			return 0, errf(ErrFormat, base+len(b), "gzip extra field truncated")
		}
	}
	for _, f := range []byte{gzFNAME, gzFCOMMENT} {
		if flg&f != 0 {
			i := bytes.IndexByte(b[n:], 0)
			if i < 0 {
				return 0, errf(ErrFormat, base+len(b), "gzip name or comment not terminated")
			}
			n += i + 1
		}
	}
	if flg&gzFHCRC != 0 {
		n += 2
		if n > len(b) {
			return 0, errf(ErrFormat, base+len(b), "gzip header CRC truncated")
		}
	}
	return n, nil
}

// SplitGzip separates a gzip file (one or more members, and any bytes
// after the last) into its uncompressed data, at most maxData bytes, and
// the side data that rebuilds the exact file from it: meta (headers,
// block layouts, trailing bytes) and tokens (the token corrections of
// every member's deflate stream). It checks that every stream re-emits
// exactly; JoinGzip's full round trip is the caller's final check.
// Streams it cannot rebuild, and CRC-32 or ISIZE fields that do not match
// the data, give ErrUnsupported; malformed input ErrFormat. The match
// search of the reference tokenizer may take budget steps per byte of
// data (TokenEncoder.Budget; 0: no bound); past it, SplitGzip fails with
// ErrBudget.
func SplitGzip(gz []byte, maxData int, budget int) (data, meta, tokens []byte, err error) {
	return SplitGzipVersion(gz, maxData, budget, GzipZlib)
}

// SplitGzipVersion is SplitGzip writing side data version version
// (GzipReference or GzipZlib).
func SplitGzipVersion(gz []byte, maxData, budget int, version byte) (data, meta, tokens []byte, err error) {
	if version != GzipReference && version != GzipZlib {
		return nil, nil, nil, errf(ErrFormat, 0, "gzip side data version %d", version)
	}
	lv := gzipLayout(version)
	te := TokenEncoder{Budget: budget}
	var members []byte
	count, off := 0, 0
	for off < len(gz) && IsGzip(gz[off:]) || count == 0 {
		h, n, d, s, err := gzipMember(gz[off:], maxData-len(data), off)
		if err != nil {
			if count == 0 {
				return nil, nil, nil, err
			}
			break // not a member after all: kept verbatim with the trailing bytes
		}
		if err := te.Encode(s, d, lv); err != nil {
			return nil, nil, nil, err
		}
		data = append(data, d...)
		members = binary.AppendUvarint(members, uint64(h))
		members = append(members, gz[off:off+h]...)
		members = s.AppendLayout(members, lv)
		count++
		off += n
	}
	meta = binary.AppendUvarint([]byte{version}, uint64(count))
	meta = append(meta, members...)
	meta = binary.AppendUvarint(meta, uint64(len(gz)-off))
	meta = append(meta, gz[off:]...)
	tokens, err = te.Finish()
	if err != nil {
		return nil, nil, nil, err
	}
	return data, meta, tokens, nil
}

// gzipMember parses the gzip member at the start of b, with at most max
// bytes of data: it returns the header length, the data and the deflate
// stream, checked to re-emit exactly and to match the member's CRC-32
// and ISIZE, and the member's length. base is b's offset, for messages.
func gzipMember(b []byte, max, base int) (h, n int, d []byte, s *Stream, err error) {
	h, err = gzipHeaderLen(b, base)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	d, s, k, err := InflateRaw(b[h:], max, base+h)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	end := h + k
	re, err := s.Emit(nil, d)
	if err != nil {
		return 0, 0, nil, nil, err
	}
	if !bytes.Equal(re, b[h:end]) {
		return 0, 0, nil, nil, errf(ErrUnsupported, base+h, "deflate stream does not re-emit exactly")
	}
	if len(b)-end < 8 {
		return 0, 0, nil, nil, errf(ErrFormat, base+end, "gzip trailer truncated")
	}
	if binary.LittleEndian.Uint32(b[end:]) != crc32.ChecksumIEEE(d) {
		return 0, 0, nil, nil, errf(ErrUnsupported, base+end, "gzip CRC-32 mismatch")
	}
	if binary.LittleEndian.Uint32(b[end+4:]) != uint32(len(d)) {
		return 0, 0, nil, nil, errf(ErrUnsupported, base+end+4, "gzip ISIZE mismatch")
	}
	return h, end + 8, d, s, nil
}

// JoinGzip rebuilds the gzip file from its uncompressed data and the side
// data SplitGzip wrote. Memory is O(len(meta) + len(data) + the file).
func JoinGzip(meta, tokens, data []byte) ([]byte, error) {
	r := &FieldReader{B: meta}
	v := r.Byte("version")
	if r.Err == nil && v != GzipReference && v != GzipZlib {
		return nil, errf(ErrFormat, 0, "gzip side data version %d", v)
	}
	lv := gzipLayout(v)
	count := r.Uvarint("member count", uint64(len(meta)))
	if r.Err == nil && count == 0 {
		r.Fail("no members")
	}
	if r.Err != nil {
		return nil, r.Err
	}
	td, err := NewTokenDecoder(tokens)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data)/2+len(meta))
	pos := 0
	for i := 0; i < count; i++ {
		hdr := r.Bytes(r.Uvarint("header length", uint64(len(meta))), "header")
		if r.Err != nil {
			return nil, r.Err
		}
		if h, err := gzipHeaderLen(hdr, r.Off-len(hdr)); err != nil || h != len(hdr) {
			return nil, errf(ErrFormat, r.Off-len(hdr), "side data: member %d header", i)
		}
		s, n, err := ReadLayout(meta[r.Off:], false, lv, len(data)-pos, r.Off)
		if err != nil {
			return nil, err
		}
		r.Off += n
		d := data[pos : pos+s.Len()]
		pos += len(d)
		if err := td.Decode(s, d, lv); err != nil {
			return nil, err
		}
		out = append(out, hdr...)
		if out, err = s.Emit(out, d); err != nil {
			return nil, err
		}
		out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(d))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(d)))
	}
	if err := td.Finish(); err != nil {
		return nil, err
	}
	tail := r.Bytes(r.Uvarint("trailing length", uint64(len(meta))), "trailing bytes")
	if r.Err == nil && r.Off != len(meta) {
		r.Fail("bytes after the side data")
	}
	if r.Err != nil {
		return nil, r.Err
	}
	if pos != len(data) {
		return nil, errf(ErrFormat, pos, "side data: members hold %d of %d bytes", pos, len(data))
	}
	return append(out, tail...), nil
}
