package format

// Version is the newest archive format version this package writes and
// reads; it reads every version from 1. Version 2 is version 1 plus
// solid groups (entry type 4, TypeGroup): a writer that writes no group
// MAY write version 1, and dcar does when it cannot write one. Version 3
// is version 2 plus pieces of files split across the volumes of a set
// (FlagPiece), written only in a volume that holds one. Version 4 is
// version 3 plus the model record (TagModel): an archive coded with a
// domain model carries it, or its fingerprint. Version 5 is version 4
// plus the compressed index (TagIndexZ), which a version 5 archive has
// in place of the plain one. Version 6 is version 5 plus delta entry
// headers (TagEntryDelta); dcar writes version 6 (version 1 with
// KeepCodec, for tools that choose codecs themselves).
const Version = 6

// VersionSolid is the first version whose archives may hold solid groups.
const VersionSolid = 2

// VersionPieces is the first version whose archives may hold pieces of
// files split across the volumes of a set (an entry header with
// FlagPiece). A writer writes it only for a volume that holds a piece.
const VersionPieces = 3

// VersionModel is the first version whose archives may hold a model
// record (TagModel). A writer writes it only for an archive coded with a
// domain model.
const VersionModel = 4

// VersionIndexZ is the first version whose archives end with the
// compressed index (TagIndexZ) instead of the plain one (TagIndex); from
// it on, every archive does.
const VersionIndexZ = 5

// VersionDelta is the first version whose archives may hold delta entry
// headers (TagEntryDelta).
const VersionDelta = 6

// DeltaRun is how many entry headers in a row a writer may write as
// deltas (TagEntryDelta) after a full one (TagEntry): a reader that
// lost an entry header to damage cannot read the deltas after it (each
// names the CRC of the header before it), so it loses at most this many
// intact entries before the next full header. dcar's writer uses it; a
// reader does not depend on it.
const DeltaRun = 63

// FlagPiece, in an entry header's flags, says that the entry is a piece
// of a larger file: two uvarints follow, the piece's offset in the file
// and the file's size (spec section 15.3).
const FlagPiece = 1

// Magic opens every archive. The high first byte and the CR LF / SUB
// sequence catch 7-bit and newline-translating transports, as in PNG.
var Magic = [8]byte{0x89, 'D', 'C', 'A', 'R', '\r', '\n', 0x1a}

// FooterMagic closes every archive.
var FooterMagic = [4]byte{'D', 'C', 'A', 'E'}

// Sizes of the fixed structures.
const (
	FileHeaderSize = 16
	FooterSize     = 24
)

// Record tags. Any other value is an error in version 1.
const (
	TagEntry byte = 0x01 // entry header
	TagBlock byte = 0x02 // one independently decodable payload block
	TagEnd   byte = 0x03 // end of a regular file's payload: size, block count, SHA-256
	TagIndex byte = 0x04 // the trailing index; followed by the footer
	// TagModel (version 4) is the domain model an archive was coded
	// with, right after the file header: ModelCarried and the model
	// file, or ModelReferenced and its 8-byte fingerprint.
	TagModel byte = 0x05
	// TagIndexZ (version 5) is the trailing index compressed: the plain
	// index body's length, then that body as one zstd frame. An
	// archive's index is the plain one before version 5, this one from
	// version 5 on.
	TagIndexZ byte = 0x06
	// TagEntryDelta (version 6) is an entry header written as its
	// differences from the entry header before it (Header.MarshalDelta):
	// the path's bytes after those it shares with the previous path,
	// and only the fields that differ.
	TagEntryDelta byte = 0x07
)

// The forms of a model record's body, its first byte.
const (
	ModelCarried    byte = 0 // the domain model file follows
	ModelReferenced byte = 1 // the model file's fingerprint follows: the reader must be given the file
)

// Limits. A reader rejects anything beyond them before allocating, so
// the memory a damaged or hostile archive can make a reader use is bounded.
const (
	MaxPathLen       = 4096
	MaxNameLen       = 256 // user and group names
	MaxMIMELen       = 128
	MaxParamsLen     = 4096     // codec parameters per entry
	MaxEntryBody     = 64 << 10 // entry header record body
	MaxBlockSize     = 16 << 20 // raw bytes per block
	MaxBlockBody     = MaxBlockSize + MaxBlockSize/8 + 4096
	MaxEndBody       = 64
	MaxIndexBody     = 256 << 20
	MaxModelBody     = 1 + 32<<20 // the form byte and a domain model file (domain.MaxSize)
	MaxEntries       = 1 << 24    // entries in one index
	MaxFileSize      = 1 << 50    // bytes in one regular file
	recordHeaderMax  = 1 + 10
	recordTrailerLen = 4
)

// Type is the kind of an entry.
type Type uint8

const (
	TypeRegular  Type = 0
	TypeDir      Type = 1
	TypeSymlink  Type = 2
	TypeHardlink Type = 3 // Link names an earlier regular entry of the archive
	// TypeGroup is a solid group: not a file, its content is the
	// concatenation of the contents of the part entries (codec 26) that
	// refer to it. Readers deliver the parts, never the group.
	TypeGroup Type = 4
)

// HasContent reports whether entries of type t have content (blocks and
// an end record): regular files and solid groups.
func (t Type) HasContent() bool { return t == TypeRegular || t == TypeGroup }

func (t Type) String() string {
	switch t {
	case TypeRegular:
		return "file"
	case TypeDir:
		return "dir"
	case TypeSymlink:
		return "symlink"
	case TypeHardlink:
		return "hardlink"
	case TypeGroup:
		return "group"
	}
	return "unknown"
}

// Modality is what the sniffer decided an entry's content is.
type Modality uint8

const (
	ModalityOther Modality = 0
	ModalityText  Modality = 1
	ModalityImage Modality = 2
)

func (m Modality) String() string {
	switch m {
	case ModalityOther:
		return "other"
	case ModalityText:
		return "text"
	case ModalityImage:
		return "image"
	}
	return "unknown"
}

// Codec identifiers. Ids are assigned forever: a retired codec's id is
// never reused. Their names are CodecName's; spec section 7 describes
// each codec's payload.
const (
	CodecStore      uint64 = 0  // bytes as they are
	CodecZstd       uint64 = 1  // one zstd frame per block
	CodecModelImage uint64 = 16 // pixel containers: imgctx + the shipped network (package model)
	CodecModelText  uint64 = 17 // text: txtctx corrected by the shipped network's text modality
	CodecModelPNG   uint64 = 18 // PNG as its pixels (model-image's pixel model) + deflate rebuild data (package format/pngre)
	CodecCtxImage   uint64 = 19 // pixel containers: imgctx alone (package model/imgctx)
	CodecCtxText    uint64 = 20 // text: txtctx alone (package model/txtctx)
	CodecCMText     uint64 = 21 // text: bitwise context mixing (package model/bitcm)
	CodecCMBZ2      uint64 = 22 // a bzip2 file as its decompressed bytes (model/bitcm) + rebuild parameters (package format/bz2re)
	CodecCMBin      uint64 = 23 // other bytes: bitwise context mixing, text or binary model per block (package model/bitcm)
	CodecSame       uint64 = 24 // the content of an earlier entry of the archive (deduplication; no payload)
	CodecCMGzip     uint64 = 25 // a gzip file as its decompressed bytes (model/bitcm) + deflate rebuild data (package format/deflatere)
	CodecPart       uint64 = 26 // a range of an earlier solid group's content (no payload)
	CodecCMJPEG     uint64 = 27 // a JPEG file as its DCT coefficients (package model/jpegcm) + rebuild data (package format/jpegre)
	CodecModelGIF   uint64 = 28 // a GIF file as its frames' indices (a pixel model) + LZW rebuild data (package format/gifre)
	CodecModelTIFF  uint64 = 29 // a compressed TIFF as its samples (a pixel model) + rebuild data (package format/tiffre)
	CodecModelBMP   uint64 = 30 // a palette BMP (uncompressed or RLE) as its indices (a pixel model) + rebuild data (package format/bmpre)
)

// codecNames is the one table of codec names, by id.
var codecNames = map[uint64]string{
	CodecStore:      "store",
	CodecZstd:       "zstd",
	CodecModelImage: "model-image",
	CodecModelText:  "model-text",
	CodecModelPNG:   "model-png",
	CodecCtxImage:   "ctx-image",
	CodecCtxText:    "ctx-text",
	CodecCMText:     "cm-text",
	CodecCMBZ2:      "cm-bz2",
	CodecCMBin:      "cm-bin",
	CodecSame:       "same",
	CodecCMGzip:     "cm-gzip",
	CodecPart:       "part",
	CodecCMJPEG:     "cm-jpeg",
	CodecModelGIF:   "model-gif",
	CodecModelTIFF:  "model-tiff",
	CodecModelBMP:   "model-bmp",
}

// CodecName returns the name of codec id, or "" for an id the format
// has not assigned.
func CodecName(id uint64) string { return codecNames[id] }
