// Package pngre splits a PNG file into its pixels and compact side data
// from which the exact original file is rebuilt, byte for byte, whatever
// deflate encoder wrote it (zlib, zopfli, optipng, Go's image/png, ...).
// It is written from the PNG specification; the IDAT zlib stream is
// split and rebuilt by package deflatere.
//
// # Files
//
//	doc.go    this overview and the side data format
//	png.go    the sentinel errors, chunk parsing and writing, IHDR
//	filter.go PNG scanline filters 0-4: unfilter and refilter
//	depth.go  1-, 2- and 4-bit samples: unpack and pack
//	meta.go   the Meta part: marshalMeta and the bounded unmarshalMeta
//	split.go  the API: Parts, Split, SplitVersion, Join, Dims
//
// # Stages
//
//   - png.go: chunk parsing. Everything outside the IDAT data (signature
//     excepted) is kept verbatim: the bytes before the first IDAT chunk
//     (IHDR, ancillary chunks, their CRCs), the bytes after the last one
//     (IEND and anything following it). IDAT chunks must be consecutive
//     with correct CRCs; their data lengths are recorded. Handled: 8-bit
//     gray, gray+alpha, RGB and RGBA, palette images (the pixels are
//     the indices; PLTE and tRNS stay verbatim with the other chunks),
//     1-, 2- and 4-bit gray and palette images (one byte per sample;
//     rows whose unused last bits are not zero are refused), not
//     interlaced; anything else is ErrUnsupported (the caller falls
//     back).
//   - deflatere: the zlib stream at token level, its layout and the token
//     corrections against a reference tokenizer run over the filtered
//     bytes.
//   - filter.go: PNG scanline filters 0-4, per row.
//
// # Side data
//
// Meta (Parts.Meta), all integers uvarint:
//
//	byte 0x01 or 0x02 (version; Split writes 0x02)
//	len, bytes  everything between the signature and the first IDAT chunk
//	len, bytes  everything after the last IDAT chunk
//	n           number of IDAT chunks; if n > 1: the length of chunk 0,
//	            then byte 0x00 (chunks 0..n-2 all have that length) or
//	            0x01 followed by the lengths of chunks 1..n-2; the last
//	            chunk holds the rest of the zlib stream
//	H bytes     the filter type of every row
//	layout      the zlib stream's layout (package deflatere), in layout
//	            version = the meta version
//
// Tokens (Parts.Tokens) is deflatere's Tokens part of the one zlib
// stream, whose uncompressed bytes are the filtered rows; Join refilters
// them from the pixels with the stored filter types, decodes the tokens
// and re-emits the stream.
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics; memory is O(file size + image size).
package pngre
