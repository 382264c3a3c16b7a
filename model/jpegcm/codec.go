package jpegcm

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/format/jpegre"
)

// Encode appends the coded coefficients of img to dst.
func Encode(dst []byte, img *jpegre.Image) ([]byte, error) {
	m := newModel()
	var e coder.Encoder
	e.Reset(dst)
	m.b.enc = &e
	if err := m.codeImage(img); err != nil {
		return nil, err
	}
	if measuring {
		report(m)
	}
	return e.Finish()
}

// Decode fills the coefficients of img (laid out by jpegre.Layout, all
// zero) from data, which must be exactly one coded stream.
func Decode(data []byte, img *jpegre.Image) error {
	m := newModel()
	var d coder.Decoder
	if err := d.Init(data); err != nil {
		return err
	}
	m.b.dec = &d
	if err := m.codeImage(img); err != nil {
		return err
	}
	if err := d.Err(); err != nil {
		return err
	}
	return d.Finish()
}
