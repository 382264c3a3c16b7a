// Package tiffre splits a compressed TIFF file into the samples of its
// first image and compact side data from which the exact original file
// is rebuilt, byte for byte. It handles what format/pixels does not:
// LZW, Deflate and PackBits strips and tiles, and 16-bit samples. It is
// written from the TIFF 6.0 specification (sections 2, 8, 9, 13, 14 and
// 15) and the Adobe Deflate technical note; Deflate streams are split
// and rebuilt by package deflatere.
//
// # Files
//
//	doc.go      this overview and the side data format
//	tiff.go     the sentinel errors, the header and first IFD, the geometry of strips and tiles, limits
//	lzw.go      TIFF LZW: the decoder that records clears, libtiff's greedy encoder
//	packbits.go PackBits: the decoder, libtiff's row-wise encoder, rebuild from header bytes
//	samples.go  byte order and predictor 2; chunks to and from pixels; tile padding
//	meta.go     the side data: marshal and the bounded unmarshal
//	split.go    the API: Parts, Split, Shape, Join
//
// # What is handled
//
// Classic TIFF in either byte order ("II" or "MM"), the first IFD's image:
// 8 or 16 bits per sample (the same for every sample), 1 to 4 samples
// per pixel, PlanarConfiguration 1, FillOrder 1, Photometric 0, 1, 2, 3
// (palette: the samples are the indices) or 5 (CMYK), Predictor 1 or 2,
// strips with any RowsPerStrip or tiles, Compression 1 (none), 5 (LZW),
// 8 and 32946 (Deflate) and 32773 (PackBits). Everything else in the
// file (other IFDs, EXIF, ICC profiles, the colour map, unknown tags,
// padding, the IFD itself) is kept verbatim. ErrUnsupported: BigTIFF,
// other compressions (JPEG, CCITT, ...), planar or bit-reversed samples,
// other depths, YCbCr, Predictor 3, empty or overlapping strips, strips
// that decode to fewer bytes than the image needs. ErrFormat: what does
// not parse. ErrNoRebuild: a file that decodes but whose strips this
// package's encoders do not reproduce (an LZW encoder that is not
// greedy, a Deflate stream deflatere cannot re-emit); Split ends with a
// full Join and compares, so whatever Split accepts, Join restores.
//
// # Chunks
//
// Each strip or tile ("chunk") is decompressed to its raw bytes: its
// rows (a tile's full TileWidth × TileLength, a strip's rows in the
// image), samples in the file's byte order and differenced under
// predictor 2. Pixels holds the samples with the predictor undone and
// 16-bit samples most significant byte first; the samples of tiles past
// the image edge (padding) go to the side data. Encoders fill tiles in
// one buffer, so the padding usually repeats what the previous tile
// left there (libtiff's tiffcp and ImageMagick do): it is kept as
// differences to the previous tile's samples, all zero then. Bytes of a
// chunk after the data it must hold are kept verbatim.
//
//   - LZW: the data fixes every code but where the encoder cleared its
//     table; lzw.go records those (none in the usual file beyond the
//     initial clear and libtiff's table-full clears, which are implied)
//     and the end after the last data code if it is not libtiff 4's.
//   - PackBits: the canonical packets are libtiff's PackBitsEncode, row
//     by row; a chunk with other packet boundaries keeps its header
//     bytes.
//   - Deflate: one zlib stream per chunk: its layout and token
//     corrections by package deflatere against the raw bytes.
//
// # Side data
//
// Meta (Parts.Meta), all integers uvarint:
//
//	byte 0x01   version
//	W, H, C     image size and samples per pixel
//	3 bytes     bits per sample; flags (1 big-endian, 2 tiled, 4 palette
//	            indices: photometric interpretation 3); predictor
//	compression the TIFF Compression value
//	TW          tiled only: the tile width
//	TH          the tile length, or the rows per strip (at most H)
//	len, bytes  rest: the file with every chunk's bytes cut out
//	byte        0: the chunks lie in the file in index order; 1: then
//	            n chunk indices, in file order
//	n gaps      per chunk in file order, the bytes of rest before it
//	            since the previous chunk's cut
//	byte        1 if Join writes the StripOffsets/TileOffsets and
//	            StripByteCounts/TileByteCounts values (zeros in rest),
//	            then per array its offset in the file and value size (2
//	            or 4); 0 if rest holds them
//	pad         tiled only: byte mode: 0 zeros, 1 deflated padding
//	            (len, bytes; compress/flate), 2 the previous tile's
//	            samples, 3 those plus deflated differences (len, bytes);
//	            the padding of all tiles in index order, row by row
//	per chunk   in index order:
//	            none: len, bytes of tail;
//	            PackBits: byte 0 canonical or 1 then len, header bytes;
//	            len, bytes of tail;
//	            LZW: byte flags (1 no table-full clears implied, 2 end
//	            verbatim), count and the clear events (data codes since
//	            the previous clear), if flag 2: len, the chunk's bytes
//	            from the one holding the last data code's end;
//	            Deflate: the zlib stream's layout (deflatere, layout
//	            version 2)
//	len, bytes  Deflate only: the token corrections of all chunks'
//	            streams in index order (deflatere's Tokens part)
//
// Memory: Split needs the file, the image and a chunk; the raw size of
// each chunk is checked against what its compressed bytes can hold
// before the image is allocated. Join checks that the pixels are the
// size the side data declares before it allocates anything else; every
// count in the side data is bounded by the bytes it takes. Malformed
// input returns an error naming the byte offset, never panics.
package tiffre
