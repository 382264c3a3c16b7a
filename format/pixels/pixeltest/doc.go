// Package pixeltest writes small image containers for the tests of
// format/pixels and archive/codec.
//
// # Files
//
//	doc.go        this overview
//	pixeltest.go  BMP24: a 24-bit BMP with non-zero row padding; PNM, PAM
//	              and TIFF of 8- or 16-bit samples (TIFF in either byte order)
package pixeltest
