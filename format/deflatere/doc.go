// Package deflatere splits deflate streams (RFC 1951), raw, in zlib
// framing (RFC 1950) or in gzip files (RFC 1952), into their uncompressed
// data and compact side data from which the exact original stream is
// rebuilt, byte for byte, whatever encoder wrote it (zlib, gzip, pigz,
// zopfli, Go's compress/flate, ...). Package pngre uses it for PNG's IDAT
// stream; SplitGzip and JoinGzip handle whole gzip files.
//
// # Files
//
//	doc.go            this overview and the side data format
//	errors.go         the sentinel errors
//	inflate.go        deflate and zlib decoding at token level; the block and stream records
//	tokenize.go       the reference tokenizer: match finder and optimal parse
//	bitmodel.go       adaptive bit probabilities; one bit coder interface for coding and decoding
//	tokenstream.go    the Tokens part: each block's tokens coded against the reference parse
//	zlibemu.go        zlib's own parse (deflate_fast, deflate_slow), emulated and driven by the actual tokens
//	zlibstream.go     layout version 3: a stream's tokens coded against the zlib emulation
//	tokens.go         the API of the Tokens part: TokenEncoder, TokenDecoder
//	dynheader.go      a dynamic block's code lengths and header, coded in the Tokens part
//	huffbuild.go      zopfli's and zlib's code length builders and header writers, reproduced exactly
//	layout.go         a stream's layout: AppendLayout and the bounded ReadLayout
//	deflate_write.go  the bit writer; Emit re-emits a stream from blocks and tokens
//	gzip.go           gzip files: SplitGzip, JoinGzip
//
// # Stages
//
//   - inflate.go: deflate decoding at token level (literal, or length
//     and distance), keeping per block its type, final bit, the dynamic
//     Huffman header bits verbatim, stored-block padding bits, and the
//     padding after the last block; for zlib also the header and any
//     bytes after the Adler-32. Streams that could not be re-emitted from
//     tokens exactly are refused: a preset dictionary, length 258 coded
//     as symbol 284 + 31, NLEN not the complement of LEN, a wrong Adler-32.
//   - tokenize.go: the reference tokenizer. A match finder over the
//     uncompressed bytes finds, at every position p of a block, the nearest
//     match of every length (3..258, within 32768 bytes, not past the
//     block end): hash chains over 3, 4, 5, 6, 8, 12, 16 and 32 byte
//     prefixes, at most maxSteps chain entries per position (find steps
//     over a run of one byte value in one go, with the records and the
//     step count of the entry-by-entry walk). Then an
//     optimal parse (backward dynamic programming, integer costs in 1/65536
//     bit) under the block's own code lengths, and refineRounds more
//     parses under -log2 of the previous parse's symbol frequencies, as an
//     optimising encoder iterates on its own statistics (log2 by integer
//     squaring: identical on every machine).
//   - tokenstream.go, dynheader.go, layout.go: the side data (below);
//     deflate_write.go: the bit writer that re-emits the stream.
//
// # Side data
//
// A stream's layout (AppendLayout, ReadLayout), all integers uvarint:
//
//	2 bytes     zlib only: the zlib header
//	count       number of deflate blocks, then per block:
//	            byte type | final<<2 (only the last block is final);
//	            stored: byte padding bits, LEN; fixed: raw length;
//	            dynamic: raw length, and in layout version 1
//	            (HeadersVerbatim) the header bit count and the header
//	            bits (HLIT through the code lengths) LSB first
//	byte        padding bits after the final block
//	len, bytes  zlib only: bytes after the Adler-32 (the Adler-32 is
//	            recomputed)
//
// The raw length of a block is the number of uncompressed bytes it holds.
//
// A gzip file's meta (SplitGzip):
//
//	byte 0x01   version
//	count       number of members, then per member:
//	            len, bytes: the member header verbatim (RFC 1952 2.3:
//	            the fixed 10 bytes, extra field, name, comment, header
//	            CRC as the file has them); its stream's layout (raw,
//	            version 2). The CRC-32 and ISIZE are recomputed (Split
//	            refuses a member whose fields do not match its data).
//	len, bytes  the bytes after the last member, verbatim (anything that
//	            does not parse as a member, such as zero padding)
//
// The data is the members' uncompressed bytes, concatenated.
//
// The Tokens part is one stream of package coder's binary range
// coder, adaptive probabilities (16-bit, rate slowing from 1/2 to 1/64).
// Streams are coded in order (each starting its models afresh), and
// their blocks in order; stored blocks have no tokens. At each token
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
// In layout version 2, a dynamic block's header comes first, in the same stream
// (dynheader.go, huffbuild.go): a flag "verbatim" (then 16 raw bits of bit
// count and the header bytes raw); else the 286 literal/length and 30
// distance code lengths, each against a prediction (the code lengths
// rebuilt from the symbol counts of the reference parse under the
// previous dynamic block's lengths, iterated) and the previous block's
// length, then the index (4-bit tree) of the header writer - zopfli's
// best, zlib's, zopfli's eight repeat-code choices - whose output is the
// header. The tokens then follow as in version 1.
//
// In layout version 3 (ZlibEmulated), each stream starts with a flag
// (p = 1/2): coded against zlib's parse. If set, 12 raw bits follow (zlib
// level 4, Z_FILTERED 1, hash bits - 8 4, window bits - 8 3), and then per
// block in order: a stored block's bytes are run through the emulation (zlib
// parsed them before it chose to store the block); a Huffman block's tokens
// are each a flag "as predicted" (context: predicted literal or match,
// previous flag), else, when a match was predicted, a flag "literal", else
// a match: length - 3 in an 8-bit tree, distance symbol in a 5-bit tree and
// its extra bits raw; a dynamic block's header follows its tokens, as a
// flag "zlib's header for these tokens", else as in version 2 against the
// lengths zlib's builder gives for them. An encoder sets the flag when
// some configuration (zlibCandidates, tried in order) mispredicts few
// tokens; otherwise the stream is coded as in version 2.
//
// A literal's value is the uncompressed byte at p. The decoder re-runs
// the same tokenizer over the uncompressed bytes, decodes the tokens and
// re-emits every block with the canonical Huffman codes of its code
// lengths.
//
// Invariants: the tokenizer is deterministic and integer-only, so encoder
// and decoder see the same predictions on every machine; maxSteps, the
// key lengths, refineRounds, the contexts and the adaptation rates are
// part of the format (a change needs a new layout version). Split checks
// that the tokens re-emit the original stream; callers must still run
// the rebuild and compare before trusting the side data (package
// archive/codec does). Malformed input returns ErrFormat or
// ErrUnsupported naming the byte offset, never panics; memory is
// O(stream size + data size).
package deflatere
