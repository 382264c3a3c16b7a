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
//	interlace.go  Adam7: the passes, decode and encode of the IDAT data
//	meta.go   the Meta part: marshalMeta and the bounded unmarshalMeta
//	split.go  the API: Parts, Split, SplitVersion, Join, Format, Palette
//
// # Stages
//
//   - png.go: chunk parsing. Everything outside the IDAT data (signature
//     excepted) is kept verbatim: the bytes before the first IDAT chunk
//     (IHDR, ancillary chunks, their CRCs), the bytes after the last one
//     (IEND and anything following it). IDAT chunks must be consecutive
//     with correct CRCs; their data lengths are recorded. Handled: every
//     colour type and bit depth of PNG spec 11.2.2: 8- and 16-bit gray,
//     gray+alpha, RGB and RGBA (16-bit samples are two bytes, most
//     significant first, as in the file), palette images (the pixels
//     are the indices; PLTE and tRNS stay verbatim with the other
//     chunks), 1-, 2- and 4-bit gray and palette images (one byte per
//     sample; rows whose unused last bits are not zero are refused);
//     not interlaced or Adam7-interlaced (PNG spec 8.2: the pixels are
//     the full image in raster order all the same). Anything else is
//     ErrUnsupported (the caller falls back).
//   - deflatere: the zlib stream at token level, its layout and the token
//     corrections against a reference tokenizer run over the filtered
//     bytes.
//   - filter.go: PNG scanline filters 0-4, per row (per pass for an
//     interlaced image, interlace.go).
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
//	R bytes     the filter type of every filtered row: R = H, or for an
//	            interlaced image the rows of all its non-empty passes
//	layout      the zlib stream's layout (package deflatere), in layout
//	            version = the meta version
//
// Interlaced and 16-bit images use the same meta (versions 1 and 2): the
// kind of an image is its IHDR, kept in the chunks before IDAT, and
// Format and Join read it from there. Decoders that predate these
// kinds refuse their side data with ErrUnsupported when they parse that
// IHDR (interlace method 1, bit depth 16), so they never misread it.
//
// Tokens (Parts.Tokens) is deflatere's Tokens part of the one zlib
// stream, whose uncompressed bytes are the filtered rows; Join refilters
// them from the pixels with the stored filter types, decodes the tokens
// and re-emits the stream.
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics; memory is O(file size + image size), the image
// (W*H*C samples of 1 or 2 bytes) at most maxPixels bytes.
package pngre
