// Package ctxcodec registers dcar's adaptive context-model codecs with
// package archive:
//
//   - ctx-image (id 19): the pixel samples of uncompressed image
//     containers (PGM/PPM/PAM, BMP, baseline TIFF; see package pixels) are
//     coded by the adaptive predictor bank and bias-logit model of package
//     imgctx through the range coder; every other byte of the file (headers,
//     row padding, other TIFF pages) is kept verbatim, zstd-coded.
//   - ctx-text (id 20): text is coded by the order-n statistics, match model
//     and log-linear mixer of package txtctx.
//
// Both adapt to the file being coded and are the "network off"
// configuration of dcar's learned model: the model's network (codecs 16
// and 17, not shipped yet) adds its own logits to theirs. Blocks stay
// independently decodable, and the archive writer keeps zstd for any
// block these codecs would code larger.
//
// Import this package for its side effect:
//
//	import _ "github.com/dcar-archiver/dcar/ctxcodec"
package ctxcodec
