package format

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// AppendRecord appends a framed record: tag, uvarint body length, body and
// the CRC-32C of everything before it.
func AppendRecord(dst []byte, tag byte, body []byte) []byte {
	start := len(dst)
	dst = append(dst, tag)
	dst = binary.AppendUvarint(dst, uint64(len(body)))
	dst = append(dst, body...)
	return binary.LittleEndian.AppendUint32(dst, CRC(dst[start:]))
}

// RecordReserve is the room FrameRecord needs before a body.
const RecordReserve = recordHeaderMax

// FrameRecord frames, without copying it, a body that was built in
// buf[RecordReserve:]: it writes the tag and length just before the body
// and appends the CRC. It returns the record, a subslice of buf.
func FrameRecord(buf []byte, tag byte) []byte {
	body := buf[RecordReserve:]
	var hdr [recordHeaderMax]byte
	hdr[0] = tag
	n := 1 + binary.PutUvarint(hdr[1:], uint64(len(body)))
	start := RecordReserve - n
	copy(buf[start:], hdr[:n])
	rec := buf[start:]
	return binary.LittleEndian.AppendUint32(rec, CRC(rec))
}

// maxBody is the largest body length a version 1 reader accepts for tag.
func maxBody(tag byte) (int, bool) {
	switch tag {
	case TagEntry, TagEntryDelta:
		return MaxEntryBody, true
	case TagBlock:
		return MaxBlockBody, true
	case TagEnd:
		return MaxEndBody, true
	case TagIndex, TagIndexZ:
		return MaxIndexBody, true
	case TagModel:
		return MaxModelBody, true
	}
	return 0, false
}

// Record is one framed record as read by a Scanner.
type Record struct {
	Tag    byte
	Offset int64  // offset of the tag byte in the archive
	Size   int64  // total framed size: tag, length, body and CRC
	Body   []byte // valid until the next call to Next
}

// Scanner reads the records of an archive in order from a stream. It
// verifies each record's CRC before returning it. After an error it can
// Resync to the next intact entry header.
type Scanner struct {
	br      *bufio.Reader
	src     io.Reader
	off     int64 // offset of the next unread byte
	buf     []byte
	last    []byte // raw bytes of the last record read, for Resync
	lastAt  int64
	version int // the archive's format version
}

// Version returns the archive's format version, from its file header.
func (s *Scanner) Version() int { return s.version }

// NewScanner reads and checks the file header from r.
func NewScanner(r io.Reader) (*Scanner, error) {
	s := &Scanner{br: bufio.NewReaderSize(r, 256<<10), src: r}
	var fh [FileHeaderSize]byte
	if n, err := io.ReadFull(s.br, fh[:]); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			if !bytes.HasPrefix(Magic[:], fh[:min(n, len(Magic))]) {
				return nil, &Error{Op: "read file header", Err: ErrMagic}
			}
			return nil, &Error{Op: "read file header", Err: ErrTruncated}
		}
		return nil, &Error{Op: "read file header", Err: err}
	}
	v, err := ParseFileHeader(fh[:])
	if err != nil {
		return nil, err
	}
	s.off, s.version = FileHeaderSize, v
	return s, nil
}

// Offset returns the offset of the next record.
func (s *Scanner) Offset() int64 { return s.off }

// Next reads the next record. It returns an *Error wrapping ErrTruncated at
// an unexpected end, ErrChecksum for a damaged record, ErrUnknownTag or
// ErrLimit for a malformed frame. Reaching the end of the stream exactly
// at a record boundary yields io.EOF (callers decide whether that is
// premature: a complete archive ends with the footer).
func (s *Scanner) Next() (Record, error) {
	at := s.off
	s.last, s.lastAt = s.last[:0], at
	hdr, err := s.br.Peek(recordHeaderMax)
	if len(hdr) == 0 {
		if err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, &Error{Offset: at, Op: "read record", Err: err}
	}
	k, n, err := ParseFrame(hdr)
	if err != nil {
		return Record{}, &Error{Offset: at, Op: "read record", Err: err}
	}
	total := k + n + recordTrailerLen
	raw, got, err := s.readRecord(total)
	s.off += int64(got)
	s.last = raw[:got]
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return Record{}, &Error{Offset: at, Op: "read record", Err: ErrTruncated}
		}
		return Record{}, &Error{Offset: at, Op: "read record", Err: err}
	}
	body := raw[k : k+n]
	if !crcOK(raw[:total]) {
		return Record{Tag: hdr[0], Offset: at, Size: int64(total)}, &Error{Offset: at, Op: "read record", Err: ErrChecksum}
	}
	return Record{Tag: raw[0], Offset: at, Size: int64(total), Body: body}, nil
}

// ParseFrame reads a record's frame from its first bytes (up to
// RecordReserve of them): it returns the length of the tag and body
// length, and the body's length; the record is then head + body + 4
// bytes of CRC long. The tag must be known and the body within its
// limit.
func ParseFrame(hdr []byte) (head, body int, err error) {
	if len(hdr) == 0 {
		return 0, 0, ErrTruncated
	}
	limit, ok := maxBody(hdr[0])
	if !ok {
		return 0, 0, fmt.Errorf("%w %#02x", ErrUnknownTag, hdr[0])
	}
	n, k := binary.Uvarint(hdr[1:min(len(hdr), recordHeaderMax)])
	if k <= 0 {
		if len(hdr) < recordHeaderMax {
			return 0, 0, ErrTruncated
		}
		return 0, 0, fmt.Errorf("%w: bad record length", ErrCorrupt)
	}
	if n > uint64(limit) {
		return 0, 0, fmt.Errorf("%w: record body of %d bytes (limit %d)", ErrLimit, n, limit)
	}
	return 1 + k, int(n), nil
}

// ReadRecordAt reads and checks the record at offset off of r (an
// archive with random access), for a reader that goes back to a record
// it has seen. The frame bounds its size as for the Scanner.
func ReadRecordAt(r io.ReaderAt, off int64) (Record, error) {
	var hdr [recordHeaderMax]byte
	n, err := r.ReadAt(hdr[:], off)
	if n == 0 {
		return Record{}, &Error{Offset: off, Op: "read record", Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	k, body, err := ParseFrame(hdr[:n])
	if err != nil {
		return Record{}, &Error{Offset: off, Op: "read record", Err: err}
	}
	total := k + body + recordTrailerLen
	raw := make([]byte, total)
	if got, err := r.ReadAt(raw, off); got < total {
		return Record{}, &Error{Offset: off, Op: "read record", Err: fmt.Errorf("%w: %v", ErrTruncated, err)}
	}
	if !crcOK(raw) {
		return Record{}, &Error{Offset: off, Op: "read record", Err: ErrChecksum}
	}
	return Record{Tag: raw[0], Offset: off, Size: int64(total), Body: raw[k : k+body]}, nil
}

// crcOK checks a whole framed record against its trailing CRC-32C.
func crcOK(raw []byte) bool {
	n := len(raw) - recordTrailerLen
	return binary.LittleEndian.Uint32(raw[n:]) == CRC(raw[:n])
}

// RecordTrailerLen is the length of a record's CRC.
const RecordTrailerLen = recordTrailerLen

// readRecord reads total bytes into the scanner's buffer. The buffer
// grows with the data actually read, not with the length a (possibly
// damaged) frame claims, so a short archive cannot make it allocate much.
func (s *Scanner) readRecord(total int) ([]byte, int, error) {
	const chunk = 1 << 20
	got := 0
	for got < total {
		want := min(total, got+chunk)
		if cap(s.buf) < want {
			nb := make([]byte, want, max(want, min(total, 2*cap(s.buf))))
			copy(nb, s.buf[:got])
			s.buf = nb
		}
		n, err := io.ReadFull(s.br, s.buf[got:want])
		got += n
		if err != nil {
			return s.buf[:got], got, err
		}
	}
	return s.buf[:total], got, nil
}

// ReadFooter reads the fixed footer that must follow the index record and
// checks that nothing follows it.
func (s *Scanner) ReadFooter() (Footer, error) {
	at := s.off
	var b [FooterSize]byte
	if _, err := io.ReadFull(s.br, b[:]); err != nil {
		return Footer{}, &Error{Offset: at, Op: "read footer", Err: ErrTruncated}
	}
	s.off += FooterSize
	f, err := ParseFooter(b[:])
	if err != nil {
		return Footer{}, &Error{Offset: at, Op: "read footer", Err: err}
	}
	if _, err := s.br.ReadByte(); err != io.EOF {
		return Footer{}, &Error{Offset: s.off, Op: "read footer", Err: fmt.Errorf("%w: data after the footer", ErrCorrupt)}
	}
	return f, nil
}

// Resync searches forward from one byte past the start of the last record
// read for the next intact entry header (full or, from version 6, delta)
// or index record, so that a reader
// can report damage and go on with the following entries. It returns the
// offset where scanning resumes, or io.EOF if no intact record follows.
func (s *Scanner) Resync() (int64, error) {
	// Put back the bytes of the failed record after its first byte, ahead
	// of what is still buffered, then scan candidate positions.
	rest := append([]byte(nil), s.last...)
	if len(rest) > 0 {
		rest = rest[1:]
	}
	start := s.lastAt + 1
	if len(s.last) == 0 { // the failure was before any byte was consumed
		if _, err := s.br.Discard(1); err != nil {
			return s.off, io.EOF
		}
		start = s.off + 1
	}
	buffered, _ := s.br.Peek(s.br.Buffered())
	rest = append(rest, buffered...)
	// s.src becomes the new source so that bytes put back by an earlier
	// Resync and not yet read are kept (MultiReader flattens the nesting).
	s.src = io.MultiReader(bytes.NewReader(rest), s.src)
	s.br.Reset(s.src)
	s.off = start
	s.last = s.last[:0]
	budget := resyncBudget
	for {
		p, _ := s.br.Peek(recordHeaderMax)
		if len(p) == 0 {
			return s.off, io.EOF
		}
		if p[0] == TagEntry || p[0] == TagIndex || p[0] == TagIndexZ || p[0] == TagEntryDelta && s.version >= VersionDelta {
			ok, cost := s.intactAt()
			if ok {
				return s.off, nil
			}
			// Candidates cost a CRC each; crafted data full of them
			// must not make resynchronisation quadratic.
			if budget -= cost; budget < 0 {
				return s.off, io.EOF
			}
		}
		if _, err := s.br.Discard(1); err != nil {
			return s.off, io.EOF
		}
		s.off++
	}
}

// intactAt reports whether an intact entry header or index record starts
// at the current position, without consuming it. Only records whose CRC
// checks out qualify, so random data is accepted with odds of 2^-32.
// (An index record larger than the read buffer cannot be checked and is
// not found by Resync; the reader then reports the index as missing.)
func (s *Scanner) intactAt() (ok bool, cost int) {
	p, _ := s.br.Peek(recordHeaderMax)
	limit, _ := maxBody(p[0])
	n, k := binary.Uvarint(p[1:])
	if k <= 0 || n > uint64(limit) {
		return false, 1
	}
	total := 1 + k + int(n) + recordTrailerLen
	if total > s.br.Size() {
		return false, 1
	}
	raw, err := s.br.Peek(total)
	if err != nil {
		return false, 1
	}
	if p[0] == TagEntry {
		// Cheap test first: an entry header starts with a valid path.
		d := decoder{b: raw[1+k : total-4]}
		if p := d.str(MaxPathLen, "path"); d.err != nil || !ValidPath(p) {
			return false, 1
		}
	}
	return binary.LittleEndian.Uint32(raw[total-4:]) == CRC(raw[:total-4]), total
}

// resyncBudget bounds the bytes one Resync may checksum while testing
// candidate positions (CRC-32C runs at several GB/s: about 0.1 s).
const resyncBudget = 256 << 20

// Footer is the fixed structure at the very end of an archive. It lets a
// reader of a seekable archive find the index without scanning.
type Footer struct {
	IndexOffset int64 // offset of the index record
	IndexSize   int64 // framed size of the index record
}

func AppendFooter(dst []byte, f Footer) []byte {
	start := len(dst)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(f.IndexOffset))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(f.IndexSize))
	dst = binary.LittleEndian.AppendUint32(dst, CRC(dst[start:]))
	return append(dst, FooterMagic[:]...)
}

func ParseFooter(b []byte) (Footer, error) {
	if len(b) != FooterSize {
		return Footer{}, ErrTruncated
	}
	if [4]byte(b[20:24]) != FooterMagic {
		return Footer{}, fmt.Errorf("%w: bad footer magic", ErrCorrupt)
	}
	if binary.LittleEndian.Uint32(b[16:20]) != CRC(b[:16]) {
		return Footer{}, fmt.Errorf("%w in footer", ErrChecksum)
	}
	f := Footer{
		IndexOffset: int64(binary.LittleEndian.Uint64(b[0:8])),
		IndexSize:   int64(binary.LittleEndian.Uint64(b[8:16])),
	}
	if f.IndexOffset < FileHeaderSize || f.IndexSize < 6 || f.IndexSize > MaxIndexBody+16 || f.IndexOffset > 1<<62 {
		return Footer{}, fmt.Errorf("%w: footer points outside the archive", ErrCorrupt)
	}
	return f, nil
}
