package format

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC returns the CRC-32C of b, the checksum used by every framed structure.
func CRC(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// AppendFileHeader appends the 16-byte file header of an archive of the
// given format version (1 to Version).
func AppendFileHeader(dst []byte, version int) []byte {
	start := len(dst)
	dst = append(dst, Magic[:]...)
	dst = append(dst, byte(version), 0, 0, 0)
	return binary.LittleEndian.AppendUint32(dst, CRC(dst[start:]))
}

// ParseFileHeader checks the 16-byte file header and returns the
// archive's format version.
func ParseFileHeader(b []byte) (int, error) {
	if len(b) < FileHeaderSize {
		return 0, &Error{Op: "read file header", Err: ErrTruncated}
	}
	if [8]byte(b[:8]) != Magic {
		return 0, &Error{Op: "read file header", Err: ErrMagic}
	}
	if binary.LittleEndian.Uint32(b[12:16]) != CRC(b[:12]) {
		return 0, &Error{Op: "read file header", Err: ErrChecksum}
	}
	if b[8] < 1 || b[8] > Version {
		return 0, &Error{Op: "read file header", Err: fmt.Errorf("%w %d (this dcar reads versions 1 to %d)", ErrVersion, b[8], Version)}
	}
	if b[9] != 0 || b[10] != 0 || b[11] != 0 {
		return 0, &Error{Op: "read file header", Err: fmt.Errorf("%w: reserved header bytes are not zero", ErrCorrupt)}
	}
	return int(b[8]), nil
}

// CheckVersion reports whether an entry of header h may appear in an
// archive of format version v: solid groups only from VersionSolid.
func (h *Header) CheckVersion(v int) error {
	if h.Type == TypeGroup && v < VersionSolid {
		return fmt.Errorf("%w: solid group entry in a version %d archive", ErrCorrupt, v)
	}
	if h.IsPiece() && v < VersionPieces {
		return fmt.Errorf("%w: file piece entry in a version %d archive", ErrCorrupt, v)
	}
	return nil
}

// Header describes one entry: its metadata and how its content is coded.
type Header struct {
	Path     string // relative, slash-separated, clean; see ValidPath
	Type     Type
	Mode     uint32 // permission bits incl. setuid, setgid, sticky (0o7777)
	ModTime  time.Time
	UID, GID uint64
	Uname    string
	Gname    string
	Link     string // symlink target, or the earlier entry a hard link names
	Size     int64  // original content size of a regular file
	Modality Modality
	MIME     string // sniffed content type, informational
	Codec    uint64 // primary codec of the payload blocks
	Params   []byte // codec parameters (e.g. a model fingerprint)
	// BlockSize is the raw size of every block but the last. Zero when the
	// entry has no content.
	BlockSize uint32
	// FileSize is nonzero for a piece of a regular file split across the
	// volumes of a set (version 3, spec section 15.3): the entry's Size
	// content bytes are bytes [PieceOffset, PieceOffset+Size) of a file of
	// FileSize bytes. Zero for a whole file.
	FileSize    int64
	PieceOffset int64
}

// IsPiece reports whether the entry holds a piece of a split file.
func (h *Header) IsPiece() bool { return h.FileSize != 0 }

// ValidPath reports whether p is acceptable as an entry path: 1 to
// MaxPathLen bytes, relative, slash-separated, in clean form (no "." or
// ".." elements, no empty elements) and free of NUL bytes. Elements are
// byte strings, as in tar and on Unix file systems: any byte but NUL and
// '/' (names need not be UTF-8; see DisplayPath).
func ValidPath(p string) bool {
	if p == "" || len(p) > MaxPathLen || strings.IndexByte(p, 0) >= 0 {
		return false
	}
	if p[0] == '/' || path.Clean(p) != p {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || el == "." || el == "" {
			return false
		}
	}
	return true
}

// DisplayPath returns an entry path (or any name) for display, one line
// of printable text, spec section 5: printable UTF-8 stays as it is; a
// backslash becomes `\\`; tab, newline and carriage return become
// `\t`, `\n`, `\r`; every byte of any other control character,
// non-printable rune or invalid UTF-8 sequence becomes `\xNN` (two
// lower-case hex digits). Distinct paths display distinctly.
func DisplayPath(p string) string {
	clean := true
	for _, r := range p {
		if r == '\\' || r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case (r == utf8.RuneError && n == 1) || !unicode.IsPrint(r):
			for _, c := range []byte(p[i : i+n]) {
				fmt.Fprintf(&b, `\x%02x`, c)
			}
		default:
			b.WriteString(p[i : i+n])
		}
		i += n
	}
	return b.String()
}

// MarshalBody appends the entry header record body.
func (h *Header) MarshalBody(dst []byte) []byte {
	return h.appendFields(appendString(dst, h.Path), 0)
}

// appendFields appends the fields of the header after Path, but those
// of the groups set in same (a delta header's Same field; 0 for a full
// header).
func (h *Header) appendFields(dst []byte, same uint64) []byte {
	if same&sameType == 0 {
		dst = append(dst, byte(h.Type))
	}
	if same&sameMode == 0 {
		dst = binary.AppendUvarint(dst, uint64(h.Mode))
	}
	if same&sameTime == 0 {
		dst = binary.AppendVarint(dst, h.ModTime.Unix())
		dst = binary.AppendUvarint(dst, uint64(h.ModTime.Nanosecond()))
	}
	if same&sameOwner == 0 {
		dst = binary.AppendUvarint(dst, h.UID)
		dst = binary.AppendUvarint(dst, h.GID)
		dst = appendString(dst, h.Uname)
		dst = appendString(dst, h.Gname)
	}
	dst = appendString(dst, h.Link)
	dst = binary.AppendUvarint(dst, uint64(h.Size))
	if same&sameKind == 0 {
		dst = append(dst, byte(h.Modality))
		dst = appendString(dst, h.MIME)
	}
	if same&sameCodec == 0 {
		dst = binary.AppendUvarint(dst, h.Codec)
		dst = appendString(dst, string(h.Params))
	}
	if same&sameBlock == 0 {
		dst = binary.AppendUvarint(dst, uint64(h.BlockSize))
	}
	return h.appendFlags(dst)
}

// appendFlags appends the header's last fields: its flags and, for a
// piece, the piece's offset and the file's size.
func (h *Header) appendFlags(dst []byte) []byte {
	if !h.IsPiece() {
		return binary.AppendUvarint(dst, 0) // flags
	}
	dst = binary.AppendUvarint(dst, FlagPiece)
	dst = binary.AppendUvarint(dst, uint64(h.PieceOffset))
	return binary.AppendUvarint(dst, uint64(h.FileSize))
}

// UnmarshalBody parses an entry header record body and validates every
// field against the version 1 rules.
func (h *Header) UnmarshalBody(b []byte) error {
	d := decoder{b: b}
	h.Path = d.str(MaxPathLen, "path")
	h.Type = Type(d.byte("type"))
	mode := d.uvarint("mode")
	sec := d.varint("mtime")
	nsec := d.uvarint("mtime nanoseconds")
	h.UID = d.uvarint("uid")
	h.GID = d.uvarint("gid")
	h.Uname = d.str(MaxNameLen, "user name")
	h.Gname = d.str(MaxNameLen, "group name")
	h.Link = d.str(MaxPathLen, "link")
	size := d.uvarint("size")
	h.Modality = Modality(d.byte("modality"))
	h.MIME = d.str(MaxMIMELen, "mime type")
	h.Codec = d.uvarint("codec")
	h.Params = []byte(d.str(MaxParamsLen, "codec parameters"))
	bs := d.uvarint("block size")
	flags := d.uvarint("flags")
	var pieceOff, fileSize uint64
	if flags&FlagPiece != 0 {
		pieceOff = d.uvarint("piece offset")
		fileSize = d.uvarint("file size")
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes in entry header", ErrCorrupt, len(d.b))
	}
	switch {
	case !ValidPath(h.Path):
		return fmt.Errorf("%w %q", ErrInvalidPath, h.Path)
	case h.Type > TypeGroup:
		return fmt.Errorf("%w: entry type %d", ErrCorrupt, h.Type)
	case mode&^0o7777 != 0:
		return fmt.Errorf("%w: mode %#o has reserved bits set", ErrCorrupt, mode)
	case nsec >= 1e9:
		return fmt.Errorf("%w: mtime nanoseconds %d", ErrCorrupt, nsec)
	case size > MaxFileSize:
		return fmt.Errorf("%w: size %d", ErrLimit, size)
	case h.Type != TypeRegular && h.Type != TypeGroup && size != 0:
		return fmt.Errorf("%w: %s entry with size %d", ErrCorrupt, h.Type, size)
	case (h.Type == TypeSymlink || h.Type == TypeHardlink) && h.Link == "":
		return fmt.Errorf("%w: %s without a target", ErrCorrupt, h.Type)
	case h.Type != TypeSymlink && h.Type != TypeHardlink && h.Link != "":
		return fmt.Errorf("%w: %s entry with a link target", ErrCorrupt, h.Type)
	case strings.ContainsRune(h.Link, 0):
		return fmt.Errorf("%w: NUL in link target", ErrCorrupt)
	case len(h.Uname) > MaxNameLen || len(h.Gname) > MaxNameLen:
		return fmt.Errorf("%w: owner name too long", ErrLimit)
	case h.Type == TypeHardlink && !ValidPath(h.Link):
		return fmt.Errorf("%w: hard link target %q", ErrInvalidPath, h.Link)
	case h.Modality > ModalityImage:
		return fmt.Errorf("%w: modality %d", ErrCorrupt, h.Modality)
	case bs > MaxBlockSize:
		return fmt.Errorf("%w: block size %d", ErrLimit, bs)
	case (size == 0) != (bs == 0):
		return fmt.Errorf("%w: block size %d for size %d", ErrCorrupt, bs, size)
	case flags&^FlagPiece != 0:
		return fmt.Errorf("%w: reserved flags %#x set", ErrCorrupt, flags)
	case flags&FlagPiece != 0 && (h.Type != TypeRegular || size == 0 || fileSize > MaxFileSize || pieceOff >= fileSize || size > fileSize-pieceOff || size == fileSize):
		return fmt.Errorf("%w: piece [%d, +%d) of a %s of %d bytes", ErrCorrupt, pieceOff, size, h.Type, fileSize)
	}
	h.FileSize, h.PieceOffset = int64(fileSize), int64(pieceOff)
	h.Mode = uint32(mode)
	h.ModTime = time.Unix(sec, int64(nsec))
	h.Size = int64(size)
	h.BlockSize = uint32(bs)
	return nil
}

// The field groups of a delta entry header (TagEntryDelta, version 6):
// bit i of its Same field says that group i is the previous header's.
const (
	sameType     = 1 << iota // Type
	sameMode                 // Mode
	sameTime                 // MTime, MTimeNsec
	sameOwner                // UID, GID, Uname, Gname
	sameKind                 // Modality, MIME
	sameCodec                // Codec, Params
	sameBlock                // BlockSize
	sameReserved = ^uint64(1<<iota - 1)
)

// MarshalDelta appends the body of a delta entry header record
// (TagEntryDelta): the CRC-32C of prev's full body (prev is the header
// written before it), then h as its differences from prev.
// UnmarshalDelta with the same prev gives h back; with any other prev
// it fails (but for the CRC's odds of 2^-32), so a reader that lost the
// header before a delta cannot misread it.
func (h *Header) MarshalDelta(dst []byte, prev *Header) []byte {
	shared := 0
	for shared < len(h.Path) && shared < len(prev.Path) && h.Path[shared] == prev.Path[shared] {
		shared++
	}
	var same uint64
	if h.Type == prev.Type {
		same |= sameType
	}
	if h.Mode == prev.Mode {
		same |= sameMode
	}
	if h.ModTime.Unix() == prev.ModTime.Unix() && h.ModTime.Nanosecond() == prev.ModTime.Nanosecond() {
		same |= sameTime
	}
	if h.UID == prev.UID && h.GID == prev.GID && h.Uname == prev.Uname && h.Gname == prev.Gname {
		same |= sameOwner
	}
	if h.Modality == prev.Modality && h.MIME == prev.MIME {
		same |= sameKind
	}
	if h.Codec == prev.Codec && string(h.Params) == string(prev.Params) {
		same |= sameCodec
	}
	if h.BlockSize == prev.BlockSize {
		same |= sameBlock
	}
	dst = binary.LittleEndian.AppendUint32(dst, CRC(prev.MarshalBody(nil)))
	dst = binary.AppendUvarint(dst, uint64(shared))
	dst = appendString(dst, h.Path[shared:])
	dst = binary.AppendUvarint(dst, same)
	return h.appendFields(dst, same)
}

// UnmarshalDelta parses the body of a delta entry header record
// (TagEntryDelta) against prev, the entry header before it: it fails
// (ErrCorrupt) unless the record names prev's CRC-32C, and validates the
// header it gives exactly as UnmarshalBody validates a full one.
func (h *Header) UnmarshalDelta(b []byte, prev *Header) error {
	d := decoder{b: b}
	crc := d.bytes(4, "previous header's checksum")
	if d.err == nil && binary.LittleEndian.Uint32(crc) != CRC(prev.MarshalBody(nil)) {
		return fmt.Errorf("%w: delta entry header written after another entry header than the one before it", ErrCorrupt)
	}
	shared := d.uvarint("shared path length")
	suffix := d.str(MaxPathLen, "path")
	same := d.uvarint("same fields")
	if d.err != nil {
		return d.err
	}
	if shared > uint64(len(prev.Path)) || int(shared)+len(suffix) > MaxPathLen {
		return fmt.Errorf("%w: delta path keeps %d bytes of a %d-byte path and adds %d", ErrLimit, shared, len(prev.Path), len(suffix))
	}
	if same&sameReserved != 0 {
		return fmt.Errorf("%w: reserved bits %#x of a delta header set", ErrCorrupt, same&sameReserved)
	}
	// The full header, field by field: this or prev's.
	full := appendString(nil, prev.Path[:shared]+suffix)
	if same&sameType == 0 {
		full = append(full, d.byte("type"))
	} else {
		full = append(full, byte(prev.Type))
	}
	if same&sameMode == 0 {
		full = binary.AppendUvarint(full, d.uvarint("mode"))
	} else {
		full = binary.AppendUvarint(full, uint64(prev.Mode))
	}
	if same&sameTime == 0 {
		full = binary.AppendVarint(full, d.varint("mtime"))
		full = binary.AppendUvarint(full, d.uvarint("mtime nanoseconds"))
	} else {
		full = binary.AppendVarint(full, prev.ModTime.Unix())
		full = binary.AppendUvarint(full, uint64(prev.ModTime.Nanosecond()))
	}
	if same&sameOwner == 0 {
		full = binary.AppendUvarint(full, d.uvarint("uid"))
		full = binary.AppendUvarint(full, d.uvarint("gid"))
		full = appendString(full, d.str(MaxNameLen, "user name"))
		full = appendString(full, d.str(MaxNameLen, "group name"))
	} else {
		full = binary.AppendUvarint(full, prev.UID)
		full = binary.AppendUvarint(full, prev.GID)
		full = appendString(full, prev.Uname)
		full = appendString(full, prev.Gname)
	}
	full = appendString(full, d.str(MaxPathLen, "link"))
	full = binary.AppendUvarint(full, d.uvarint("size"))
	if same&sameKind == 0 {
		full = append(full, d.byte("modality"))
		full = appendString(full, d.str(MaxMIMELen, "mime type"))
	} else {
		full = append(full, byte(prev.Modality))
		full = appendString(full, prev.MIME)
	}
	if same&sameCodec == 0 {
		full = binary.AppendUvarint(full, d.uvarint("codec"))
		full = appendString(full, d.str(MaxParamsLen, "codec parameters"))
	} else {
		full = binary.AppendUvarint(full, prev.Codec)
		full = appendString(full, string(prev.Params))
	}
	if same&sameBlock == 0 {
		full = binary.AppendUvarint(full, d.uvarint("block size"))
	} else {
		full = binary.AppendUvarint(full, uint64(prev.BlockSize))
	}
	if d.err != nil {
		return d.err
	}
	// The flags and what follows them are the full header's own bytes.
	return h.UnmarshalBody(append(full, d.b...))
}

// Blocks returns how many blocks a regular file of h.Size bytes is cut into.
func (h *Header) Blocks() int64 {
	if h.Size == 0 || h.BlockSize == 0 {
		return 0
	}
	return (h.Size + int64(h.BlockSize) - 1) / int64(h.BlockSize)
}

// End is the body of the record that closes a regular file's payload.
type End struct {
	Blocks uint64
	Size   uint64
	SHA256 [32]byte
	// NoSum (version 6, a part entry's end only): the record holds no
	// SHA-256; the part's content is checked by its group's.
	NoSum bool
}

func (e *End) MarshalBody(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, e.Blocks)
	dst = binary.AppendUvarint(dst, e.Size)
	if e.NoSum {
		return dst
	}
	return append(dst, e.SHA256[:]...)
}

// UnmarshalBody parses an entry end record body: with its SHA-256, or
// (NoSum) without. Whether the entry and the archive's version allow an
// end without one is the reader's to check (spec section 6.2).
func (e *End) UnmarshalBody(b []byte) error {
	d := decoder{b: b}
	e.Blocks = d.uvarint("block count")
	e.Size = d.uvarint("size")
	if d.err != nil {
		return d.err
	}
	e.NoSum, e.SHA256 = len(d.b) == 0, [32]byte{}
	if e.NoSum {
		return nil
	}
	sum := d.bytes(32, "sha256")
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes in entry end", ErrCorrupt, len(d.b))
	}
	copy(e.SHA256[:], sum)
	return nil
}

// BlockHeader is the start of a block record body; the payload follows.
type BlockHeader struct {
	Codec  uint64 // codec of this block (may differ from the entry's, e.g. a stored fallback)
	RawLen uint32 // decoded length
}

func (bh *BlockHeader) Marshal(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, bh.Codec)
	return binary.AppendUvarint(dst, uint64(bh.RawLen))
}

// ParseBlock splits a block record body into its header and payload.
func ParseBlock(b []byte) (BlockHeader, []byte, error) {
	d := decoder{b: b}
	c := d.uvarint("block codec")
	n := d.uvarint("block length")
	if d.err != nil {
		return BlockHeader{}, nil, d.err
	}
	if n == 0 || n > MaxBlockSize {
		return BlockHeader{}, nil, fmt.Errorf("%w: block length %d", ErrLimit, n)
	}
	return BlockHeader{Codec: c, RawLen: uint32(n)}, d.b, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// decoder reads fields from a record body, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(field string, err error) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: field %s", err, field)
	}
}

func (d *decoder) uvarint(field string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(field, ErrCorrupt)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint(field string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(field, ErrCorrupt)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) == 0 {
		d.fail(field, ErrCorrupt)
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes(n int, field string) []byte {
	if d.err != nil {
		return nil
	}
	if len(d.b) < n {
		d.fail(field, ErrCorrupt)
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) str(max int, field string) string {
	n := d.uvarint(field)
	if d.err != nil {
		return ""
	}
	if n > uint64(max) {
		d.fail(field, ErrLimit)
		return ""
	}
	return string(d.bytes(int(n), field))
}

// AppendSameParams appends the Params of a same entry (codec 24): the
// parameter version and the number of the entry whose content it has.
func AppendSameParams(dst []byte, entry int) []byte {
	return binary.AppendUvarint(append(dst, 1), uint64(entry))
}

// ParseSameParams returns the entry number of a same entry's Params.
func ParseSameParams(p []byte) (int, error) {
	if len(p) < 2 || p[0] != 1 {
		return 0, fmt.Errorf("%w: same: parameters", ErrCorrupt)
	}
	n, k := binary.Uvarint(p[1:])
	if k <= 0 || 1+k != len(p) || n >= MaxEntries {
		return 0, fmt.Errorf("%w: same: entry number", ErrCorrupt)
	}
	return int(n), nil
}

// AppendPartParams appends the Params of a part entry (codec 26): the
// parameter version, the number of the group entry whose content holds
// the part's, and the part's offset in that content.
func AppendPartParams(dst []byte, group int, offset int64) []byte {
	dst = binary.AppendUvarint(append(dst, 1), uint64(group))
	return binary.AppendUvarint(dst, uint64(offset))
}

// ParsePartParams returns the group entry number and the offset of a
// part entry's Params.
func ParsePartParams(p []byte) (group int, offset int64, err error) {
	if len(p) < 3 || p[0] != 1 {
		return 0, 0, fmt.Errorf("%w: part: parameters", ErrCorrupt)
	}
	n, k := binary.Uvarint(p[1:])
	if k <= 0 || n >= MaxEntries {
		return 0, 0, fmt.Errorf("%w: part: group entry number", ErrCorrupt)
	}
	o, k2 := binary.Uvarint(p[1+k:])
	if k2 <= 0 || 1+k+k2 != len(p) || o > MaxBlockSize {
		return 0, 0, fmt.Errorf("%w: part: offset", ErrCorrupt)
	}
	return int(n), int64(o), nil
}
