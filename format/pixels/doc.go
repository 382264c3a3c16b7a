// Package pixels finds the pixel samples inside uncompressed image
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
// Samples are 8-bit or 16-bit: PGM/PPM/PAM of maxval 256..65535
// and TIFF of 16 bits per sample. Split hands out a 16-bit sample as two
// bytes, most significant first, whatever the file's byte order (a
// little-endian TIFF's are swapped). An 8-bit layout's binary form is
// version 1, the one archives hold; a 16-bit one is version 2, which
// UnmarshalLayout refuses as the decoders that predate it do, so that a
// caller coding 8-bit samples is never handed a 16-bit layout. PGM/PPM/
// PAM of a maxval below 255 are 8-bit images (one byte per sample).
//
// # Files
//
//	doc.go     this overview
//	layout.go  the sentinel errors, Layout (Split, Join, row access) and its binary form
//	parse.go   Parse: the container parsers (PNM, PAM, BMP, TIFF) that find a Layout
//	png.go     DecodePNG: a PNG as 8-bit grey or RGB samples (dcar train);
//	           LoadPNGRGB: a PNG file as RGB samples, for the trainer and measurements
//
// The subpackage pixeltest writes small containers for tests.
package pixels
