// Package bmpre splits a palette BMP (1, 4 or 8 bits per pixel;
// uncompressed, RLE8 or RLE4) into its colour indices and compact side
// data from which the exact original file is rebuilt, byte for byte. It
// follows Microsoft's description of the BMP file (BITMAPFILEHEADER,
// BITMAPCOREHEADER, BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER,
// the colour table, and the "Bitmap Compression" rules of BI_RLE8 and
// BI_RLE4).
//
// # Files
//
//	doc.go    this overview and the side data format
//	bmp.go    the sentinel errors, the limits and the header parser
//	rle.go    the RLE codes: decoder, canonical encoder, code writer
//	meta.go   the side data records and the bounded reader
//	split.go  the API: Parts, Split, Shape, Join; uncompressed rows; the
//	          choice of the canonical encoder closest to an RLE stream
//
// # What is handled
//
// Files starting "BM" with the 12-byte OS/2 1.x core header (3-byte
// colour table entries) or an info header of 16 to 124 bytes (OS/2 2.x,
// BITMAPINFOHEADER, V4, V5), bottom-up or top-down (negative height),
// 1, 4 or 8 bits per pixel, BI_RGB, BI_RLE8 (8 bits) or BI_RLE4 (4
// bits). Everything before the pixel data (headers, colour table of any
// biClrUsed, gaps) and everything after it (an ICC profile, trailing
// bytes) is kept verbatim. Pix holds W*H indices, top row first, as
// coded (an index may exceed the colour table); Palette is the colour
// table as RGB triples, biClrUsed entries (all 1<<bpp if 0), as far as
// the table fits before the pixel data.
//
// Uncompressed rows: the padding to a 4-byte row and the unused low
// bits of a 1- or 4-bit row's last byte are recorded for the rows where
// they are not zero.
//
// RLE streams: encoders differ in how they cut runs and literals, and
// the indices do not determine the codes. The rebuild replays a
// canonical encoder, parameterised to cover the common writers, and the
// side data records only where a stream departs from it. The
// parameters:
//
//   - the longest encoded run and the longest absolute run (0: no
//     absolute mode), and the shortest run that is not absorbed into an
//     absolute run;
//   - whether rows extend to the padded row (ImageMagick encodes the
//     row's padding pixels) or end at W;
//   - whether the last row ends with an end of line before the end of
//     bitmap (GIMP writes the end of bitmap in its place);
//   - RLE4: whether runs and literals are decided on packed bytes of
//     pixel pairs (GIMP), on pixels with runs of two alternating
//     indices, or on pixels with runs of one index; the low nibble of a
//     one-pixel run (zero, the same index, the next pixel);
//   - whether pieces too short for absolute mode become one-unit runs;
//   - the pad byte of an absolute run of odd byte length.
//
// Split derives them from the stream and tries the combinations on its
// first codes, then keeps the one with the fewest departures over the
// whole stream. Each departure is an RLE code the canonical encoder
// would not have written at that point: a run or absolute run of
// another length, a run byte that is not the canonical one, an
// absolute run with non-zero padding, an end of line or end of bitmap
// elsewhere, a delta, or the end of a stream without an end of bitmap.
// Pixels passed over by a delta, an early end of line or an early end
// of bitmap are not coded: Pix holds 0 for them and Join skips them.
// Pixels an RLE stream writes past W (in the row padding) are kept in
// the side data when not zero.
//
// Refused: other signatures, bit depths and compressions, an empty
// image, sides above 65535 or more than 1<<28 pixels, pixel data that
// starts inside the headers, RLE codes that write outside the padded
// image or move below the last row (ErrUnsupported); truncated headers,
// rows or codes (ErrFormat). Split ends with Join and returns
// ErrNoRebuild unless the rebuild is exact, so whatever Split accepts,
// Join restores.
//
// # Side data
//
// Meta (Parts.Meta), all integers uvarint:
//
//	byte 0x01   version
//	len, bytes  the file before the pixel data (len = bfOffBits): it
//	            parses as the BMP's headers, which is how Shape reads the
//	            size and the colour table
//	flags       1 padding records (BI_RGB), 2 pixels past W (RLE),
//	            4 departures (RLE)
//	BI_RGB:
//	  flag 1:   count, then per row (file order): row index delta, and
//	            the row's bytes from the one holding its first unused
//	            bit to the end of the padded row (pixel bits zeroed)
//	RLE:
//	  encoder   longest run, longest absolute run, shortest run kept
//	            out of absolute runs (units: pixels, or pixel pairs),
//	            bits (1 padded rows, 2 end of line before the end of
//	            bitmap, 4 pixel pairs, 8 alternating runs, 16 one-unit
//	            runs for short pieces), one-pixel run nibble, pad byte
//	  flag 2:   count, then (index delta, value) over the positions past
//	            W of every padded row, file order
//	  flag 4:   count, then (code index delta, code): 0 end of line,
//	            1 end of bitmap, 2 delta (dx, dy bytes), 3 end of the
//	            stream, 4n run of n pixels with the canonical byte,
//	            4n+2 run with an explicit byte, 4n+1 absolute run of n
//	            pixels, 4n+3 absolute run then extra = unused nibble |
//	            pad byte << 4
//	len, bytes  the file after the pixel data
//
// Index deltas start from -1. The record of a file from ImageMagick,
// GIMP, netpbm or a greedy Windows-style writer is 2 bytes
// uncompressed and 8 to 11 bytes for RLE, besides the copied headers.
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics. Join checks every count in the side data
// against the bytes left before allocating; its allocations are the
// output and a padded copy of the pixels, bounded by len(pix), the image
// height and the side data's length.
package bmpre
