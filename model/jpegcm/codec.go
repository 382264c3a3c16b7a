package jpegcm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/format/jpegre"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// Encode appends the coded coefficients of img to dst: one stream over
// the whole image (cm-jpeg version 1).
func Encode(dst []byte, img *jpegre.Image) ([]byte, error) {
	return encodePart(dst, img, 0, mcuRows(img))
}

// Decode fills the coefficients of img (laid out by jpegre.Layout, all
// zero) from data, which must be exactly one coded stream.
func Decode(data []byte, img *jpegre.Image) error {
	return decodePart(data, img, 0, mcuRows(img))
}

// encodePart appends the stream of MCU rows [lo, hi) of img to dst,
// coded by a fresh Model.
func encodePart(dst []byte, img *jpegre.Image, lo, hi int) ([]byte, error) {
	m := newModel()
	e := cacheline.New[coder.Encoder]()
	e.Reset(dst)
	m.b.Enc = e
	if measuring {
		m.b.Measure = bitCost
	}
	if err := m.codeRows(img, lo, hi); err != nil {
		return nil, err
	}
	if measuring {
		report(m)
	}
	return e.Finish()
}

// decodePart fills MCU rows [lo, hi) of img from data, which must be
// exactly the one stream encodePart wrote.
func decodePart(data []byte, img *jpegre.Image, lo, hi int) error {
	m := newModel()
	d := cacheline.New[coder.Decoder]()
	if err := d.Init(data); err != nil {
		return err
	}
	m.b.Dec = d
	if err := m.codeRows(img, lo, hi); err != nil {
		return err
	}
	if err := d.Err(); err != nil {
		return err
	}
	return d.Finish()
}

// SplitBlocks is the size, in blocks, from which EncodeParts codes an
// image as two parts at once (about a 1 MB JPEG at quality 90; a
// variable so that tests can lower it).
var SplitBlocks = 1 << 15

// MaxParts bounds the parts of a coded image.
const MaxParts = 2

// EncodeParts appends img's coefficients to dst as one or two parts
// coded at once, each a stream of MCU rows coded as if it were the whole
// image: uvarint P (the number of parts), the lengths of the first P-1
// streams (uvarint each), then the P streams. Part i holds MCU rows
// [i·R/P, (i+1)·R/P) of the R rows.
func EncodeParts(dst []byte, img *jpegre.Image) ([]byte, error) {
	rows := mcuRows(img)
	p := 1
	if img.Blocks() >= SplitBlocks && rows >= 2 {
		p = 2
	}
	streams := make([][]byte, p)
	errs := make([]error, p)
	var wg sync.WaitGroup
	for i := range p {
		wg.Go(func() { streams[i], errs[i] = encodePart(nil, img, i*rows/p, (i+1)*rows/p) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	dst = binary.AppendUvarint(dst, uint64(p))
	for _, s := range streams[:p-1] {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
	}
	for _, s := range streams {
		dst = append(dst, s...)
	}
	return dst, nil
}

// DecodeParts fills img's coefficients (laid out by jpegre.Layout, all
// zero) from data written by EncodeParts, decoding the parts at once.
func DecodeParts(data []byte, img *jpegre.Image) error {
	p, n := binary.Uvarint(data)
	if n <= 0 || p < 1 || p > MaxParts {
		return fmt.Errorf("jpegcm: %d parts", p)
	}
	data = data[n:]
	lens := make([]uint64, p)
	for i := range lens[:p-1] {
		l, n := binary.Uvarint(data)
		if n <= 0 {
			return errors.New("jpegcm: part length")
		}
		lens[i], data = l, data[n:]
	}
	streams := make([][]byte, p)
	for i, l := range lens[:p-1] {
		if l > uint64(len(data)) {
			return errors.New("jpegcm: part longer than the payload")
		}
		streams[i], data = data[:l], data[l:]
	}
	streams[p-1] = data
	rows := mcuRows(img)
	errs := make([]error, p)
	var wg sync.WaitGroup
	for i := range int(p) {
		wg.Go(func() { errs[i] = decodePart(streams[i], img, i*rows/int(p), (i+1)*rows/int(p)) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// The measurement hooks: the tests set measuring, bitCost (the cost in
// bits of coding y at P(1) = p/65536) and report (collects the mixers'
// costs after a part is coded).
var (
	measuring bool
	bitCost   = func(p int32, y int) float64 { return 0 }
	report    = func(*Model) {}
)
