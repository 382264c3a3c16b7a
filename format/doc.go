// Package format encodes and decodes the on-disk structures of a dcar
// archive, format versions 1 to 6 (2 adds solid groups, 3 pieces of
// split files, 4 the model record, 5 the compressed index, 6 delta entry
// headers): the file header, the framed records (entry headers, full or
// as deltas of the one before, payload blocks, entry ends, the model
// record, the index) and the fixed footer.
//
// The normative description is spec/FORMAT.md; this package is its
// reference implementation. It knows nothing about file systems, and of
// the codecs only their ids and names: package archive builds on it, and
// package archive/codec holds the codecs. The subpackages pixels, pngre
// and bz2re take apart the file formats some codecs understand (image
// containers, PNG, bzip2) so that the parts can be coded and the file
// rebuilt byte for byte; exe holds reversible transforms of machine code
// (x86, ARM64) that cm-bin applies before its model.
//
// Every record is framed as
//
//	tag (1 byte) | body length (uvarint) | body | CRC-32C (4 bytes, LE)
//
// where the CRC covers the tag, the length bytes and the body. A reader
// therefore detects any damaged byte before it interprets a body, and can
// resynchronise on the next entry header after damage (see Scanner.Resync).
//
// # Files
//
//	doc.go     this overview
//	const.go   the version, magics, record tags, limits, entry types, modalities and codec ids and names
//	errors.go  the sentinel errors (prefix "dcar: ", which the CLI strips) and Error, which locates a failure
//	header.go  CRC, the file header, entry headers (ValidPath, DisplayPath), entry ends, block headers, the field decoder
//	record.go  record framing, the Scanner (reading, footer, resynchronisation) and the footer
//	index.go   the trailing index, plain or compressed: IndexEntry, AppendIndexRecord, ParseIndex
package format
