// Package ctxcodec registers dcar's image and text model codecs with
// package archive:
//
//   - model-image (id 16): the pixel samples of uncompressed image
//     containers (PGM/PPM/PAM, BMP, baseline TIFF; see package pixels) are
//     coded by imgctx's adaptive predictor bank plus the shipped integer
//     network of package model/imgnet through the range coder; every other
//     byte of the file (headers, row padding, other TIFF pages) is kept
//     verbatim, zstd-coded. This is what dcar writes for such files.
//   - model-png (id 18): a PNG as its pixels (same pixel models) plus the
//     side data of package pngre that rebuilds the exact file.
//   - ctx-image (id 19): as model-image with imgctx alone (the "network
//     off" configuration), kept so that its archives decode forever.
//   - cm-text (id 21): text is coded bit by bit by package bitcm's
//     context mixing (hashed order-n, word and column contexts with bit
//     histories, a match model, a mixer bank and probability maps). This
//     is what dcar writes for text by default.
//   - ctx-text (id 20): text coded by package txtctx's order-n statistics,
//     match model and 256-way mixer: the default before cm-text, kept so
//     that its archives decode forever.
//   - model-text (id 17): txtctx's mixture corrected by the text modality
//     of the shipped unified network (model/imgnet, one parameter set for
//     images and text). Written with --best (RegisterBestPlanner)
//     for the text entries where a trial on their first 64 KiB shows it
//     codes smaller than cm-text (Go source, small files).
//
// The model of an entry is named by an 8-byte fingerprint in its
// parameters (lookupPixelModel, textNet): imgctx alone or any network
// this binary embeds. Blocks stay independently decodable, and the archive writer keeps
// zstd for any block these codecs would code larger.
//
// Import this package for its side effect:
//
//	import _ "github.com/dcar-archiver/dcar/ctxcodec"
package codec
