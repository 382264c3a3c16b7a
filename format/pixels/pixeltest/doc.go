// Package pixeltest writes small image containers for the tests of
// format/pixels and archive/codec.
//
// # Files
//
//	doc.go        this overview
//	pixeltest.go  BMP24: a 24-bit BMP with non-zero row padding
package pixeltest
