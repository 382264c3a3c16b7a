// Package jpegre splits a JPEG file into its quantised DCT coefficients
// and compact side data from which the exact original file is rebuilt,
// byte for byte. It is written from ITU-T T.81 (the JPEG standard) and
// JFIF; a coefficient model (package model/jpegcm) codes the
// coefficients far smaller than the file's Huffman coding does.
//
// # Files
//
//	doc.go      this overview and the side data format
//	markers.go  the sentinel errors, the marker walk (SOF, DHT, DQT, DRI,
//	            SOS), the frame and scan headers
//	huffman.go  Huffman tables: decoding lookup and encoding codes
//	scan.go     the entropy-coded segments of a sequential scan: decode to
//	            coefficients, encode from them
//	split.go    the API: Split, Layout, Rebuild
//
// # What is handled
//
// Huffman-coded sequential JPEGs (SOF0 baseline and SOF1 extended, 8-bit
// samples), 1 to 4 components, any sampling factors, interleaved and
// non-interleaved scans, restart intervals, APPn/COM/DQT/DHT segments
// anywhere, fill bytes, and any bytes after EOI. Progressive, lossless,
// arithmetic-coded, 12-bit and hierarchical JPEGs, DNL, and files that
// end inside a scan are ErrUnsupported; the caller keeps such files as
// they are. Split ends with a full rebuild and returns ErrNoRebuild
// unless it reproduces the input exactly (an encoder that spent bits the
// canonical coding does not: ZRL before EOB, a stray byte before a
// marker), so whatever Split accepts, Rebuild restores.
//
// # Coefficients
//
// Each component has a grid of BW × BH blocks covering whole MCUs of the
// frame (the blocks a non-interleaved scan does not code stay zero); a
// block is 64 int16 in zig-zag order (index 0 the DC coefficient), as
// the scan codes them, in units of the quantisation step.
//
// # Side data
//
// All integers uvarint:
//
//	byte 0x01   version
//	len, bytes  the skeleton: the file with the entropy-coded data of
//	            every scan (and the RSTn markers inside it) removed;
//	            everything else, from SOI to the last byte after EOI,
//	            is verbatim
//	n           the number of scans (the skeleton's SOS count)
//	per scan:   p, then p bytes: the padding bits of each of the scan's
//	            p byte alignments (one per restart interval), or p = 0
//	            when all of them are ones, as T.81 asks
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics; memory is O(file size + maxBlocks).
package jpegre
