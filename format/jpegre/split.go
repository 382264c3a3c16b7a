package jpegre

import (
	"bytes"
	"encoding/binary"
)

// The first byte of the side data: version 1 for sequential files,
// version 2 (version 1 and the EOB run departures) for progressive ones.
const (
	sideSequential  = 1
	sideProgressive = 2
)

// ZigZag[k] is the natural (row-major: row = vertical frequency) index
// of the coefficient at zig-zag position k, the order in which JPEG codes
// a block and in which Image holds it.
var ZigZag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
}

// Image is a JPEG's frame and its quantised coefficients.
type Image struct {
	Width, Height int
	Comps         []Component
}

// Component is one colour component of the frame.
type Component struct {
	ID     byte
	H, V   int        // sampling factors
	BW, BH int        // block grid (whole MCUs)
	Quant  [64]uint16 // quantisation steps in zig-zag order, as in force at the component's first scan (zero if no scan codes it)
	Coef   []int16    // BW·BH blocks of 64, row by row, each in zig-zag order
}

// Blocks returns the total number of blocks of the image.
func (m *Image) Blocks() int {
	n := 0
	for _, c := range m.Comps {
		n += c.BW * c.BH
	}
	return n
}

func (p *parser) image() *Image {
	f := p.frame
	m := &Image{Width: f.w, Height: f.h}
	for i, c := range f.comps {
		m.Comps = append(m.Comps, Component{
			ID: c.id, H: c.h, V: c.v, BW: c.bw, BH: c.bh,
			Quant: p.quantOf[i],
			Coef:  make([]int16, c.bw*c.bh*64),
		})
	}
	return m
}

// imageAt returns the image a walk fills, made at its first scan, with
// the quantisation tables in force at each component's first scan given
// to it (Split, Check and Layout agree on them).
func (p *parser) imageAt(img *Image, sc *scanHdr) *Image {
	if img == nil {
		img = p.image()
	}
	for _, ci := range sc.comps {
		img.Comps[ci].Quant = p.quantOf[ci]
	}
	return img
}

func coefs(m *Image) [][]int16 {
	c := make([][]int16, len(m.Comps))
	for i := range m.Comps {
		c[i] = m.Comps[i].Coef
	}
	return c
}

// Split parses a JPEG file into its coefficients and the side data that
// rebuilds it, refusing images of more than maxBlocks blocks
// (ErrUnsupported); it ends with Rebuild and returns ErrNoRebuild unless
// that reproduces jpg exactly.
func Split(jpg []byte, maxBlocks int) (*Image, []byte, error) {
	p := &parser{b: jpg, maxBlock: maxBlocks}
	var skel []byte
	var scans []scanSide
	var img *Image
	prev := 0
	_, err := p.walk(func(pos int, sc *scanHdr) (int, error) {
		img = p.imageAt(img, sc)
		e, ss, err := p.decodeScan(pos, sc, coefs(img))
		if err != nil {
			return 0, err
		}
		skel = append(skel, jpg[prev:pos]...)
		scans = append(scans, ss)
		prev = e
		return e, nil
	})
	if err != nil {
		return nil, nil, err
	}
	skel = append(skel, jpg[prev:]...)
	side := appendSide(nil, skel, scans, p.frame.progressive)
	out, err := RebuildMax(make([]byte, 0, len(jpg)), img, side, len(jpg))
	if err != nil || !bytes.Equal(out, jpg) {
		return nil, nil, errAt(ErrNoRebuild, 0, "re-encoded file differs")
	}
	return img, side, nil
}

// Check decodes every scan of jpg as Split does, without the rebuild:
// nil means Split will accept the file unless its encoder spent bits the
// canonical coding does not reproduce (ErrNoRebuild). It is about twice
// as fast as Split, for a caller that wants to know before committing to
// the file's coding.
func Check(jpg []byte, maxBlocks int) error {
	p := &parser{b: jpg, maxBlock: maxBlocks}
	var img *Image
	_, err := p.walk(func(pos int, sc *scanHdr) (int, error) {
		img = p.imageAt(img, sc)
		e, _, err := p.decodeScan(pos, sc, coefs(img))
		return e, err
	})
	return err
}

// appendSide appends the side data of a file (doc.go) to dst.
func appendSide(dst, skel []byte, scans []scanSide, progressive bool) []byte {
	v := byte(sideSequential)
	if progressive {
		v = sideProgressive
	}
	dst = append(dst, v)
	dst = binary.AppendUvarint(dst, uint64(len(skel)))
	dst = append(dst, skel...)
	dst = binary.AppendUvarint(dst, uint64(len(scans)))
	for _, s := range scans {
		dst = binary.AppendUvarint(dst, uint64(len(s.pads)))
		dst = append(dst, s.pads...)
	}
	if v == sideSequential {
		return dst
	}
	n := 0
	for _, s := range scans {
		if len(s.dev) > 0 {
			n++
		}
	}
	dst = binary.AppendUvarint(dst, uint64(n))
	prev := -1
	for i, s := range scans {
		if len(s.dev) == 0 {
			continue
		}
		dst = binary.AppendUvarint(dst, uint64(i-prev-1))
		prev = i
		dst = binary.AppendUvarint(dst, uint64(len(s.dev)))
		pb := -1
		for _, b := range s.dev {
			dst = binary.AppendUvarint(dst, uint64(b-pb-1))
			pb = b
		}
	}
	return dst
}

// sideData is parsed side data.
type sideData struct {
	skel  []byte
	scans []scanSide
}

func parseSide(side []byte) (*sideData, error) {
	if len(side) < 1 || side[0] != sideSequential && side[0] != sideProgressive {
		return nil, errAt(ErrFormat, 0, "side data version %d", firstByte(side))
	}
	r := side[1:]
	// next reads a uvarint of at most max.
	next := func(max int) (int, bool) {
		v, n := binary.Uvarint(r)
		if n <= 0 || v > uint64(max) {
			return 0, false
		}
		r = r[n:]
		return int(v), true
	}
	at := func() int { return len(side) - len(r) }
	sd := &sideData{}
	n, ok := next(len(side))
	if !ok || n > len(r) {
		return nil, errAt(ErrFormat, at(), "side data: skeleton length")
	}
	sd.skel, r = r[:n], r[n:]
	ns, ok := next(len(side))
	if !ok {
		return nil, errAt(ErrFormat, at(), "side data: scan count")
	}
	for range ns {
		n, ok := next(len(side))
		if !ok || n > len(r) {
			return nil, errAt(ErrFormat, at(), "side data: pad bits")
		}
		var pd []byte
		if n > 0 {
			pd = r[:n]
		}
		sd.scans = append(sd.scans, scanSide{pads: pd})
		r = r[n:]
	}
	if side[0] == sideProgressive {
		// Each entry takes a byte at least: the counts are bounded by
		// the side data's length, and the block indexes by 2^30 (also
		// on 32-bit machines).
		nd, ok := next(ns)
		if !ok {
			return nil, errAt(ErrFormat, at(), "side data: EOB run departures")
		}
		prev := -1
		for range nd {
			d, ok1 := next(ns)
			t, ok2 := next(len(r))
			if i := prev + 1 + d; ok1 && ok2 && t > 0 && i < ns {
				prev = i
			} else {
				return nil, errAt(ErrFormat, at(), "side data: EOB run departures")
			}
			dev := make([]int, t)
			pb := -1
			for j := range dev {
				d, ok := next(1 << 30)
				if !ok || pb+1+d >= 1<<30 {
					return nil, errAt(ErrFormat, at(), "side data: EOB run departures")
				}
				pb += 1 + d
				dev[j] = pb
			}
			sd.scans[prev].dev = dev
		}
	}
	if len(r) != 0 {
		return nil, errAt(ErrFormat, at(), "side data: %d trailing bytes", len(r))
	}
	return sd, nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// Layout returns the image that side data describes, with every
// coefficient zero: what a decoder fills before Rebuild.
func Layout(side []byte, maxBlocks int) (*Image, error) {
	sd, err := parseSide(side)
	if err != nil {
		return nil, err
	}
	p := &parser{b: sd.skel, maxBlock: maxBlocks}
	var img *Image
	if _, err := p.walk(func(pos int, sc *scanHdr) (int, error) {
		img = p.imageAt(img, sc)
		return pos, nil
	}); err != nil {
		return nil, err
	}
	if p.nscan != len(sd.scans) {
		return nil, errAt(ErrFormat, 0, "side data: %d scans, %d pad lists", p.nscan, len(sd.scans))
	}
	return img, nil
}

// Rebuild appends to dst the JPEG file that side data and img's
// coefficients describe. img must have the layout Layout(side) returns.
func Rebuild(dst []byte, img *Image, side []byte) ([]byte, error) {
	return RebuildMax(dst, img, side, -1)
}

// RebuildMax is Rebuild failing (ErrFormat) as soon as the file would
// exceed max bytes (max < 0: no bound), so that coefficients from a
// damaged archive cannot make it allocate far more than the file it
// should rebuild.
func RebuildMax(dst []byte, img *Image, side []byte, max int) ([]byte, error) {
	sd, err := parseSide(side)
	if err != nil {
		return nil, err
	}
	p := &parser{b: sd.skel, maxBlock: img.Blocks(), maxOut: -1}
	if max >= 0 {
		p.maxOut = len(dst) + max
	}
	prev := 0
	_, err = p.walk(func(pos int, sc *scanHdr) (int, error) {
		if p.nscan > len(sd.scans) {
			return 0, errAt(ErrFormat, pos, "side data: more scans than pad lists")
		}
		if len(img.Comps) != len(p.frame.comps) {
			return 0, errAt(ErrFormat, pos, "image of %d components for a frame of %d", len(img.Comps), len(p.frame.comps))
		}
		for i, c := range p.frame.comps {
			if g := img.Comps[i]; g.BW != c.bw || g.BH != c.bh || len(g.Coef) != c.bw*c.bh*64 {
				return 0, errAt(ErrFormat, pos, "component %d: grid %dx%d, frame %dx%d", i, g.BW, g.BH, c.bw, c.bh)
			}
		}
		dst = append(dst, sd.skel[prev:pos]...)
		prev = pos
		var err error
		dst, err = p.encodeScan(dst, sc, coefs(img), sd.scans[p.nscan-1])
		return pos, err
	})
	if err != nil {
		return nil, err
	}
	if p.nscan != len(sd.scans) {
		return nil, errAt(ErrFormat, 0, "side data: %d scans, %d pad lists", p.nscan, len(sd.scans))
	}
	if p.maxOut >= 0 && len(dst)+len(sd.skel)-prev > p.maxOut {
		return nil, errAt(ErrFormat, 0, "rebuilt file longer than %d bytes", max)
	}
	return append(dst, sd.skel[prev:]...), nil
}
