package jpegre

import (
	"bytes"
	"encoding/binary"
)

// sideVersion is the first byte of the side data.
const sideVersion = 1

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
	Quant  [64]uint16 // quantisation steps in zig-zag order, as in force at the component's scan (zero if no scan codes it)
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
	var pads [][]byte
	var img *Image
	prev := 0
	end, err := p.walk(func(pos int, sc *scanHdr) (int, error) {
		if img == nil {
			img = p.image()
		}
		// The quantisation tables in force now belong to this scan's
		// components.
		for _, ci := range sc.comps {
			img.Comps[ci].Quant = p.quantOf[ci]
		}
		e, pad, err := p.decodeScan(pos, sc, coefs(img))
		if err != nil {
			return 0, err
		}
		skel = append(skel, jpg[prev:pos]...)
		pads = append(pads, pad)
		prev = e
		return e, nil
	})
	if err != nil {
		return nil, nil, err
	}
	_ = end
	skel = append(skel, jpg[prev:]...)
	side := []byte{sideVersion}
	side = binary.AppendUvarint(side, uint64(len(skel)))
	side = append(side, skel...)
	side = binary.AppendUvarint(side, uint64(len(pads)))
	for _, pd := range pads {
		side = binary.AppendUvarint(side, uint64(len(pd)))
		side = append(side, pd...)
	}
	out, err := Rebuild(make([]byte, 0, len(jpg)), img, side)
	if err != nil || !bytes.Equal(out, jpg) {
		return nil, nil, errAt(ErrNoRebuild, 0, "re-encoded file differs")
	}
	return img, side, nil
}

// sideData is parsed side data.
type sideData struct {
	skel []byte
	pads [][]byte
}

func parseSide(side []byte) (*sideData, error) {
	if len(side) < 1 || side[0] != sideVersion {
		return nil, errAt(ErrFormat, 0, "side data version %d", firstByte(side))
	}
	r := side[1:]
	next := func() (int, bool) {
		v, n := binary.Uvarint(r)
		if n <= 0 || v > uint64(len(side)) {
			return 0, false
		}
		r = r[n:]
		return int(v), true
	}
	sd := &sideData{}
	n, ok := next()
	if !ok || n > len(r) {
		return nil, errAt(ErrFormat, len(side)-len(r), "side data: skeleton length")
	}
	sd.skel, r = r[:n], r[n:]
	ns, ok := next()
	if !ok {
		return nil, errAt(ErrFormat, len(side)-len(r), "side data: scan count")
	}
	for range ns {
		n, ok := next()
		if !ok || n > len(r) {
			return nil, errAt(ErrFormat, len(side)-len(r), "side data: pad bits")
		}
		var pd []byte
		if n > 0 {
			pd = r[:n]
		}
		sd.pads = append(sd.pads, pd)
		r = r[n:]
	}
	if len(r) != 0 {
		return nil, errAt(ErrFormat, len(side)-len(r), "side data: %d trailing bytes", len(r))
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
		if img == nil {
			img = p.image()
		}
		for _, ci := range sc.comps {
			img.Comps[ci].Quant = p.quantOf[ci]
		}
		return pos, nil
	}); err != nil {
		return nil, err
	}
	if p.nscan != len(sd.pads) {
		return nil, errAt(ErrFormat, 0, "side data: %d scans, %d pad lists", p.nscan, len(sd.pads))
	}
	return img, nil
}

// Rebuild appends to dst the JPEG file that side data and img's
// coefficients describe. img must have the layout Layout(side) returns.
func Rebuild(dst []byte, img *Image, side []byte) ([]byte, error) {
	sd, err := parseSide(side)
	if err != nil {
		return nil, err
	}
	p := &parser{b: sd.skel, maxBlock: img.Blocks()}
	prev := 0
	_, err = p.walk(func(pos int, sc *scanHdr) (int, error) {
		if p.nscan > len(sd.pads) {
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
		dst, err = p.encodeScan(dst, sc, coefs(img), sd.pads[p.nscan-1])
		return pos, err
	})
	if err != nil {
		return nil, err
	}
	return append(dst, sd.skel[prev:]...), nil
}
