// Package pngre splits a PNG file into its pixels and compact side data
// from which the exact original file is rebuilt, byte for byte, whatever
// deflate encoder wrote it (zlib, zopfli, optipng, Go's image/png, ...).
// It is written from RFC 1950 (zlib), RFC 1951 (deflate) and the PNG
// specification.
//
// # Files
//
//	doc.go            this overview and the side data format
//	png.go            the sentinel errors, chunk parsing and writing, IHDR
//	inflate.go        zlib/deflate decoding at token level; the block and stream records
//	filter.go         PNG scanline filters 0-4: unfilter and refilter
//	tokenize.go       the reference tokenizer: match finder and optimal parse
//	bitmodel.go       adaptive bit probabilities; one bit coder interface for coding and decoding
//	tokenstream.go    the Tokens part: each block's tokens coded against the reference parse
//	dynheader.go      version 2: a dynamic block's code lengths and header, coded in the Tokens part
//	huffbuild.go      zopfli's and zlib's code length builders and header writers, reproduced exactly
//	meta.go           the Meta part: marshalMeta and the bounded unmarshalMeta
//	deflate_write.go  the bit writer; re-emits the zlib stream from blocks and tokens
//	split.go          the API: Parts, Split, SplitVersion, Join, Dims
//
// # Stages
//
//   - png.go: chunk parsing. Everything outside the IDAT data (signature
//     excepted) is kept verbatim: the bytes before the first IDAT chunk
//     (IHDR, ancillary chunks, their CRCs), the bytes after the last one
//     (IEND and anything following it). IDAT chunks must be consecutive
//     with correct CRCs; their data lengths are recorded. Handled: 8-bit
//     gray, gray+alpha, RGB and RGBA, not interlaced; anything else is
//     ErrUnsupported (the caller falls back).
//   - inflate.go: zlib/deflate decoding at token level (literal, or length
//     and distance), keeping per block its type, final bit, the dynamic
//     Huffman header bits verbatim, stored-block padding bits, and the
//     padding after the last block and any bytes after the Adler-32.
//     Streams that could not be re-emitted from tokens exactly are
//     refused: a preset dictionary, length 258 coded as symbol 284 + 31,
//     NLEN not the complement of LEN, a wrong Adler-32.
//   - filter.go: PNG scanline filters 0-4, per row.
//   - tokenize.go: the reference tokenizer. A match finder over the
//     filtered bytes finds, at every position p of a block, the nearest
//     match of every length (3..258, within 32768 bytes, not past the
//     block end): hash chains over 3, 4, 5, 6, 8, 12, 16 and 32 byte
//     prefixes, at most maxSteps chain entries per position. Then an
//     optimal parse (backward dynamic programming, integer costs in 1/65536
//     bit) under the block's own code lengths, and refineRounds more
//     parses under -log2 of the previous parse's symbol frequencies, as an
//     optimising encoder iterates on its own statistics (log2 by integer
//     squaring: identical on every machine).
//   - tokenstream.go, dynheader.go, meta.go: the side data (below);
//     deflate_write.go: the bit writer that re-emits the stream.
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
//	2 bytes     zlib header
//	count       number of deflate blocks, then per block:
//	            byte type | final<<2 (only the last block is final);
//	            stored: byte padding bits, LEN; fixed: raw length;
//	            dynamic: raw length, and in version 1 the header bit
//	            count and the header bits (HLIT through the code
//	            lengths) LSB first
//	byte        padding bits after the final block
//	len, bytes  bytes after the Adler-32 (the Adler-32 is recomputed)
//
// The raw length of a block is the number of uncompressed bytes it holds.
//
// Tokens (Parts.Tokens) is one stream of package coder's binary range
// coder, adaptive probabilities (16-bit, rate slowing from 1/2 to 1/64).
// Blocks are coded in order; stored blocks have no tokens. At each token
// start p of a Huffman block, with M the longest match found at p, the
// parse's choice there (literal, or length Lp and distance) and the first
// parse's choice (length Lp0):
//
//   - a match flag, in a context of: M < 3 (one context of its own),
//     else the margin bucket (cost of the best literal path minus the
//     best match path), whether the first parse chose a match, a bucket
//     of M, whether position p+1 has a longer match, whether the previous
//     token was a match;
//   - for a match, its length L: "L = Lp" (Lp = M when the parse chose a
//     literal), else "L = Lp0" (when it differs), else "L = M" (when it
//     differs from both), else L-3 in 8 bits through a bit tree; with
//     M < 3, always the bit tree;
//   - its distance D: "D = the nearest match of length >= L" when there is
//     one, else the distance symbol (5-bit tree) and its extra bits (p = 1/2).
//
// In version 2, a dynamic block's header comes first, in the same stream
// (dynheader.go, huffbuild.go): a flag "verbatim" (then 16 raw bits of bit
// count and the header bytes raw); else the 286 literal/length and 30
// distance code lengths, each against a prediction (the code lengths
// rebuilt from the symbol counts of the reference parse under the
// previous dynamic block's lengths, iterated) and the previous block's
// length, then the index (4-bit tree) of the header writer - zopfli's
// best, zlib's, zopfli's eight repeat-code choices - whose output is the
// header. The tokens then follow as in version 1.
//
// A literal's value is the filtered byte at p. Join re-runs the same
// tokenizer over the filtered bytes (refiltered from the pixels with the
// stored filter types), decodes the tokens and re-emits every block with
// the canonical Huffman codes of its code lengths.
//
// Invariants: the tokenizer is deterministic and integer-only, so encoder
// and decoder see the same predictions on every machine; maxSteps, the
// key lengths, refineRounds, the contexts and the adaptation rates are
// part of the format (a change needs a new meta version). Split checks
// that the tokens re-emit the original stream; callers must still run
// Join and compare before trusting the side data (package archive/codec does).
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics; memory is O(file size + image size).
package pngre
