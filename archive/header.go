package archive

import (
	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

// Header describes one entry: its metadata and how its content is coded
// (the record of package format; spec section 5).
type Header = format.Header

// Type is the kind of an entry.
type Type = format.Type

// The entry types.
const (
	TypeRegular  = format.TypeRegular
	TypeDir      = format.TypeDir
	TypeSymlink  = format.TypeSymlink
	TypeHardlink = format.TypeHardlink // Link names an earlier regular entry
)

// Modality is what sniffing found an entry's content to be.
type Modality = format.Modality

// The modalities.
const (
	ModalityOther = format.ModalityOther
	ModalityText  = format.ModalityText
	ModalityImage = format.ModalityImage
)

// CodecName returns the name of codec id ("cm-text", "zstd", ...), as
// list shows it.
func CodecName(id uint64) string { return codec.Name(id) }

// IndexEntry is one entry of an archive's index: its header, the offset
// of its header record and the bytes its records take.
type IndexEntry = format.IndexEntry
