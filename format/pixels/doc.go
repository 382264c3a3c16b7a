// Package pixels finds the 8-bit pixel samples inside uncompressed image
// containers (binary PGM/PPM/PAM, BMP, baseline TIFF) and splits a file
// into its samples, in raster order with canonical channel order, and the
// rest of its bytes, kept verbatim. Join puts them back: the result is the
// original file, byte for byte, whatever the container held besides the
// pixels (comments, padding, extra chunks, other TIFF pages).
//
// A Layout records where each row of samples lies in the file; it is all
// a decoder needs besides the two byte streams.
package pixels
