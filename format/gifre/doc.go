// Package gifre splits a GIF file into the colour index image of every
// frame and compact side data from which the exact original file is
// rebuilt, byte for byte, by re-encoding the indices with LZW. It is
// written from the GIF89a specification (which also covers GIF87a
// files): the block structure of sections 15-27 and the variable-length
// LZW of section 22 and appendix F.
//
// # Files
//
//	doc.go    this overview and the side data format
//	gif.go    the sentinel errors, the block walk and the skeleton
//	lzw.go    the code table rules, the decoder, the greedy encoder and
//	          the bit writer
//	meta.go   an image's record of departures: marshal and the bounded
//	          reader
//	split.go  the API: Frame, Parts, Split, Frames, Join; the analysis
//	          of a code stream against the canonical encoder; interlace
//
// # What is handled
//
// GIF87a and GIF89a files: the global and local colour tables, every
// extension (graphic control, application, comment, plain text, unknown
// labels) verbatim, any number of images (an animation's frames),
// interlaced images (Pix is deinterlaced to raster order), a missing
// trailer and any bytes after the trailer. The colour indices are kept
// as coded, including those beyond the colour table's size.
//
// LZW encoders differ in ways the indices do not determine. The rebuild
// replays a canonical encoder (a clear code first, greedy longest
// matches, an end-of-information code, zero padding, 255-byte
// sub-blocks) and the side data records only where a stream departs
// from it:
//
//   - the clear codes: either a policy (clear as soon as the next table
//     slot reaches T, e.g. 4096 when full, 4093 for some encoders, or
//     never: "deferred clear", the full table stays in use), with or
//     without a clear after the last data code, or else the index of
//     every clear code;
//   - a stream without the first clear code or without the
//     end-of-information code;
//   - codes a greedy parse would not have chosen (or, for encoders that
//     write literal codes only, the codes that are not literals);
//   - fewer pixels coded than the image has (the rest of Pix is zero);
//   - the padding bits of the last byte and any bytes after the code
//     stream's end;
//   - sub-block lengths other than 255, as one constant length or a
//     list.
//
// Streams whose codes run past the image's pixels (ErrUnsupported), an
// LZW minimum code size outside 1-8 (ErrUnsupported), more than 1<<28
// pixels over all frames (ErrUnsupported), malformed blocks, truncated
// files and codes beyond the table (ErrFormat) are refused. Split ends
// with Join and returns ErrNoRebuild unless the rebuild is exact, so
// whatever Split accepts, Join restores.
//
// # Side data
//
// Meta (Parts.Meta), all integers uvarint:
//
//	byte 0x01   version
//	len, bytes  the skeleton: the file with every image's data
//	            sub-blocks removed (the LZW minimum code size byte and
//	            the block terminator kept), everything else verbatim;
//	            it parses as a GIF whose images have no data, which is
//	            how Frames reads the sizes and palettes
//	per image:  a record, in file order
//
// A record:
//
//	flags       1 no first clear code, 2 no end-of-information code,
//	            4 explicit clears, 8 exceptions, 16 pixel count,
//	            32 tail, 64 clear after the last data code,
//	            128 constant sub-block length, 256 sub-block list,
//	            512 literal parse
//	clears      flag 4: count, then the code indices of the clear codes
//	            (after code 0) as increasing deltas; otherwise T, the
//	            policy (0 never)
//	exceptions  flag 8: count, then (index delta, code) pairs: data
//	            codes the parse would not choose
//	count       flag 16: the pixels the stream codes
//	tail        flag 32: the padding bits above the last code, then
//	            len, bytes after them
//	sub-blocks  flag 128: one byte, the length of every sub-block but
//	            the last; flag 256: count, then every length
//
// Code indices count every code of the image's stream, clear codes
// included. A file from a common encoder costs 2 to 5 bytes per image
// besides the skeleton.
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics. Join checks every count in the side data
// against the bytes left before allocating, and its output is bounded
// by the skeleton, the pixels and the side data's length.
package gifre
