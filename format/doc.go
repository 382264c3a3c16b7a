// Package format encodes and decodes the on-disk structures of a dcar
// archive, format version 1: the file header, the framed records (entry
// headers, payload blocks, entry ends, the index) and the fixed footer.
//
// The normative description is spec/FORMAT.md; this package is its
// reference implementation. It knows nothing about file systems or codecs:
// package archive builds on it.
//
// Every record is framed as
//
//	tag (1 byte) | body length (uvarint) | body | CRC-32C (4 bytes, LE)
//
// where the CRC covers the tag, the length bytes and the body. A reader
// therefore detects any damaged byte before it interprets a body, and can
// resynchronise on the next entry header after damage (see Scanner.Resync).
package format
