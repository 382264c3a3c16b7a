// Package pixels finds the 8-bit pixel samples inside uncompressed image
// containers (binary PGM/PPM/PAM, BMP, baseline TIFF) and splits a file
// into its samples, in raster order with canonical channel order, and the
// rest of its bytes, kept verbatim. Join puts them back: the result is the
// original file, byte for byte, whatever the container held besides the
// pixels (comments, padding, extra chunks, other TIFF pages). The image
// codecs of package archive/codec (model-image, ctx-image) code the
// samples with an image model and the rest with zstd or as it is.
//
// A Layout records where each row of samples lies in the file; it is all
// a decoder needs besides the two byte streams.
//
// # Files
//
//	doc.go     this overview
//	layout.go  the sentinel errors, Layout (Split, Join, row access) and its binary form
//	parse.go   Parse: the container parsers (PNM, PAM, BMP, TIFF) that find a Layout
//	png.go     LoadPNGRGB: a PNG file as RGB samples, for the trainer and measurements
//
// The subpackage pixeltest writes small containers for tests.
package pixels
