// Package bz2re turns a .bz2 file into its decompressed bytes plus a
// parameter record of a few bytes, from which the original file is rebuilt
// byte for byte. It covers files written by the reference encoder,
// bzip2/libbzip2 1.0.x (the bzip2 tool at any level -1..-9, libbzip2's
// one-shot BZ2_bzBuffToBuffCompress as pbzip2 uses it, and concatenations
// of such streams). The archiver (codec cm-bz2, package archive/codec)
// then compresses the decompressed bytes with a stronger model and keeps
// only the parameters.
//
// The package holds its own bzip2 encoder, written to produce exactly
// libbzip2's bits, and a decoder that keeps the stream structure. Split
// always runs the encoder and compares its output with the input, so a
// file it accepts is known to rebuild; files it cannot rebuild are refused
// with an error and the caller keeps the .bz2 as it is.
//
// # Files
//
//	doc.go      this overview, the parameter record and the refusals
//	errors.go   the sentinel errors and the byte-offset error that wraps them
//	split.go    the API: Split and Encode, and the two planners (from Params, learning from a file)
//	params.go   Params, Stream and Rotation, and their canonical binary form
//	decode.go   the bzip2 decoder that keeps the stream and block structure
//	encode.go   the encoder driving the stages over one stream, and the planner interface
//	rle.go      the first run-length stage and the block cut
//	crc.go      the block and stream CRCs
//	bwt.go      the Burrows-Wheeler transform through the least rotation
//	sais.go     SA-IS suffix sorting for bwt.go
//	predict.go  origPtr among equal rotations: a replay of libbzip2's fallback sort
//	mtf.go      move-to-front and the RUNA/RUNB zero-run coding
//	huffman.go  libbzip2's table choice, code length builder and canonical codes
//	writer.go   the bit writer and the stream and block layout
//
// # Stages
//
//   - decode.go: decoding, keeping stream boundaries and levels, each
//     block's origPtr and the longest Huffman code of each stream.
//   - rle.go: the first run-length stage and the block cut. Runs of 4..255
//     equal bytes become 4 bytes and a count; "block full" (RLE'd length
//     >= 100000*level-19) is tested before each input byte, while the byte
//     taken only opens or extends the pending run, so a run still open
//     when the block fills is written into the next block, with its CRC.
//   - crc.go: the MSB-first CRC-32 of blocks and the stream CRC.
//   - bwt.go, sais.go: the Burrows-Wheeler transform of the cyclic
//     rotations. The block is turned to its least rotation, a Lyndon word
//     when the block is not periodic, for which the rotation order is the
//     suffix order; the suffix array comes from SA-IS (linear time). A
//     periodic block X^k is transformed through X.
//   - predict.go: where rotation 0 lands among the k equal rotations of a
//     periodic block (this is origPtr, and depends on libbzip2's sort):
//     replays libbzip2's fallback sort, which libbzip2 uses for blocks
//     under 10000 bytes and when its main sort gives up on repetitive
//     input; a block of one repeated byte keeps text order.
//   - mtf.go: move-to-front over the bytes in use, zero runs as
//     RUNA/RUNB digits, EOB.
//   - huffman.go: 2..6 tables by symbol count (<200, <600, <1200, <2400),
//     the initial split of the alphabet, four rounds of table choice per
//     50 symbols (first minimum wins) and table rebuild, libbzip2's heap
//     code-length builder (weights freq<<8 | depth, retry with halved
//     counts past the length limit), canonical codes.
//   - writer.go: the bit writer and the stream layout: header BZh1..9,
//     block magic, block CRC, randomised bit 0, origPtr, symbol bitmap,
//     table count, selectors (move-to-front, unary), delta-coded lengths,
//     symbols, end magic, stream CRC, zero padding to a byte.
//   - encode.go: drives the stages over one stream. A planner supplies
//     what the bytes do not determine; Encode's planner reads Params,
//     Split's learns from the parsed file and records into Params.
//   - split.go, params.go: the API and the parameter record.
//
// # Parameter record (Params.MarshalBinary)
//
// Integers are unsigned LEB128 varints in their shortest form.
//
//	field            size     meaning
//	version          1 byte   1
//	S                varint   number of streams, >= 1
//	S times:
//	  flags          1 byte   bits 0-3: level 1..9; 0x10 Finish; 0x20 Legacy;
//	                          bits 6-7 zero
//	  length         varint   decompressed bytes of the stream
//	R                varint   number of rotation records
//	R times:
//	  gap            varint   block number - previous record's block number - 1
//	                          (for the first record: the block number)
//	  rank           varint   position of rotation 0 among its equal
//	                          rotations, < 2^20
//
// A plain file takes 6 to 13 bytes (8 for a 10 MB file). Blocks are numbered from 0 across all
// streams. Finish marks a stream made by a single BZ_FINISH call: it
// differs from the bzip2 tool's output only when the input ends exactly as
// a block fills (the tool then opens a block for the last run), and Split
// sets it only then. Legacy marks libbzip2 1.0.0-1.0.2, whose code length
// limit was 20 bits instead of 17 (the Silesia corpus's dickens.bz2 is
// one); Split tries it first when a stream has a code longer than 17 bits,
// and otherwise when the modern limit does not reproduce the stream (the
// limit also acts on the trees of the intermediate rounds, which the file
// does not show).
// Rotation records appear only for periodic blocks where the prediction
// misses, chiefly blocks of a few copies at 10000 bytes and above, which
// libbzip2's main sort orders without giving up.
//
// UnmarshalBinary accepts only that canonical form (no trailing bytes, no
// over-long varints, no unknown flags, levels 1..9, total length up to
// 2^50, increasing block numbers); Encode further requires the lengths to
// add up to len(raw) and every rotation record to name a periodic block
// with rank below its number of copies, else ErrParams.
//
// # Refused input
//
//   - ErrCorrupt: not bzip2, truncated, bad magic, bad CRC and the like;
//     the error names the byte offset.
//   - ErrUnsupported: randomised blocks (bzip2 0.9.0 and older), bytes after
//     the last stream.
//   - ErrNotReproducible: anything the reference encoder would not have
//     written: incomplete Huffman codes, more than 18002 selectors, and any
//     stream whose re-encoding differs (other encoders such as lbzip2 or
//     7-Zip, streams cut by BZ_FLUSH, a relabelled block size); the error
//     names the first differing byte.
//   - ErrTooLarge: more than maxRaw decompressed bytes (decompression bombs
//     stop there).
//
// # Cost
//
// Encode runs at roughly 7-14 MB/s on one core (BenchmarkEncode); Split
// decodes and re-encodes, twice for a Legacy stream, and stops a failing
// attempt at the first block that differs. Memory is the input, the
// decompressed bytes, one stream's re-encoded output, and about 20 bytes
// per block byte of working space (30 while predicting a periodic block).
// Nothing panics on any input to Split, or on any Params UnmarshalBinary
// accepts.
package bz2re
