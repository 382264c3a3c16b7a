// Package codec holds dcar's codecs: what turns one block of an entry
// into payload bytes and back, and the planners that choose a codec for
// each file. Package archive writes and reads the container around them;
// importing archive brings every codec in.
//
// A Codec codes one block; a Planner looks at a file (its sniffed Kind
// and, where it must, its content) and proposes a Choice: codec, codec
// parameters, block size. Plan asks a preset's planners in a fixed
// order (PresetDefault, PresetFast, PresetBest: codecs.go) and falls back
// to zstd. The writer (package archive) keeps zstd for any
// block a content codec would code larger, and stores a block nothing
// shrinks.
//
// The codecs, by family (ids and names in package format; spec section 7
// for each payload):
//
//   - store, zstd (zstd.go): bytes as they are; one zstd frame per block.
//   - Pixel codecs (image.go, png.go): model-image codes the samples of
//     uncompressed image containers (PGM/PPM/PAM, BMP, baseline TIFF;
//     package format/pixels) with imgctx's predictor bank plus the
//     shipped network (package model), every other byte verbatim;
//     model-png codes a PNG as its pixels plus the side data of package
//     format/pngre that rebuilds the exact file; ctx-image is model-image
//     with imgctx alone (--fast; PNGs then get imgctx's pixels too). An
//     image of SplitSamples or more is coded in two halves at once:
//     containers as two blocks cut at a row, PNGs by model.SplitNet.
//   - Byte-stream codecs over context mixing (segment.go, cmseg.go,
//     cmbin.go, cmbz2.go, modeltext.go): cm-text codes text with package
//     model/bitcm (the default for text; with --fast, bitcm's lite
//     model); cm-bin codes other uncompressed
//     bytes with bitcm's text or binary model, chosen per block by a
//     trial; cm-bz2 codes a bzip2 file as its content through bitcm plus
//     the few bytes of package format/bz2re that rebuild the exact file;
//     cm-gzip does the same for gzip files with package format/deflatere;
//     model-text (--best) codes text with bitcm's model and the text
//     modality of the shipped network as one more mixer input (version
//     1, txtctx's mixture corrected by the network, decodes forever);
//     ctx-text (txtctx alone) decodes forever.
//
// Every entry's parameters start with a version byte and the 8-byte
// fingerprint of the model that coded it (params.go): a binary whose
// model differs fails naming both fingerprints (ErrModelMismatch)
// instead of decoding garbage. Fingerprints are frozen constants, pinned
// by TestFingerprintsFrozen; every model a release wrote with stays
// decodable, pinned by the golden archives in testdata/.
//
// Files: codec.go holds Codec, Block, Choice, Planner, Plan, Lookup and
// Register; codecs.go the table of codecs by id and the planners in
// order; sniff.go the content sniffer (Sniff, Kind); params.go the shared
// parameter checks and errors; one file per codec family as listed above.
package codec
