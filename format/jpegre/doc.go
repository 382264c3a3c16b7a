// Package jpegre splits a JPEG file into its quantised DCT coefficients
// and compact side data from which the exact original file is rebuilt,
// byte for byte. It is written from ITU-T T.81 (the JPEG standard) and
// JFIF; a coefficient model (package model/jpegcm) codes the
// coefficients far smaller than the file's Huffman coding does.
//
// # Files
//
//	doc.go          this overview and the side data format
//	markers.go      the sentinel errors, the marker walk (SOF, DHT, DQT,
//	                DRI, SOS), the frame and scan headers, the progression
//	huffman.go      Huffman tables: decoding lookup and encoding codes; the
//	                bit reader and writer
//	scan.go         the entropy-coded segments of a scan (restart
//	                intervals, pad bits, RSTn) around a coder of its MCUs;
//	                the sequential coder
//	progressive.go  the progressive coders: DC and AC, first and
//	                refinement scans, EOB runs and their canonical rule
//	split.go        the API: Split, Layout, Rebuild; the side data
//
// # What is handled
//
// Huffman-coded sequential JPEGs (SOF0 baseline and SOF1 extended) and
// progressive ones (SOF2: spectral selection and successive
// approximation), 8-bit samples, 1 to 4 components, any sampling
// factors, interleaved and non-interleaved scans, restart intervals,
// APPn/COM/DQT/DHT segments anywhere, fill bytes, and any bytes after
// EOI. Lossless, hierarchical, arithmetic-coded and 12-bit JPEGs, DNL,
// progressive scans that do not continue the progression (a band coded
// twice, a refinement out of turn), and files that end inside a scan are
// ErrUnsupported; the caller keeps such files as they are. Split ends
// with a full rebuild and returns ErrNoRebuild unless it reproduces the
// input exactly (an encoder that spent bits the canonical coding does
// not: ZRL before EOB, an EOB run past a restart interval, a stray byte
// before a marker), so whatever Split accepts, Rebuild restores.
//
// # Coefficients
//
// Each component has a grid of BW × BH blocks covering whole MCUs of the
// frame (the blocks a non-interleaved scan does not code stay zero); a
// block is 64 int16 in zig-zag order (index 0 the DC coefficient), in
// units of the quantisation step: for a progressive file, the values
// after all its scans, as a sequential file of the same coefficients has
// them (the bits no refinement scan codes are zero). Component.Quant is
// the table in force at the component's first scan.
//
// # Side data
//
// All integers uvarint. Version 1 (sequential files):
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
// Version 2 (progressive files) is version 1 with the version byte 0x02
// and, at the end, where the file's EOB runs depart from libjpeg's rule
// (progressive.go), usually nowhere:
//
//	m           the number of scans with departures (AC scans)
//	per such scan, in scan order:
//	  d         its index less the previous such scan's index plus one
//	            (the first: its index)
//	  t         the number of departures, t >= 1
//	  t times   the departure's block (the MCU index in the scan after
//	            which a run ends against the rule, or goes on against
//	            it) less the previous departure's plus one (the first:
//	            the block)
//
// Rebuild reads either version for any frame; a version 1 file has no
// departures.
//
// Malformed input returns ErrFormat or ErrUnsupported naming the byte
// offset, never panics; memory is O(file size + maxBlocks).
package jpegre
