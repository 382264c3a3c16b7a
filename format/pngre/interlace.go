package pngre

// Adam7 interlacing (PNG spec section 8.2). An interlaced image is stored
// as seven reduced images, the passes, each filtered on its own (the
// first row of a pass has no row above) and stored one after the other
// in the IDAT data; a pass with no columns or no rows is left out
// entirely, without filter bytes. Split hands out the full image in
// raster order, as for a non-interlaced PNG, so that the pixel model sees
// true neighbours; Join takes the passes apart again.

// adam7 gives each pass's first column and row and its column and row
// steps (PNG spec 8.2, table 8.1).
var adam7 = [7]struct{ x0, y0, dx, dy int }{
	{0, 0, 8, 8},
	{4, 0, 8, 8},
	{0, 4, 4, 8},
	{2, 0, 4, 4},
	{0, 2, 2, 4},
	{1, 0, 2, 2},
	{0, 1, 1, 2},
}

// pass is one reduced image: the pixels (x0+i*dx, y0+j*dy) of the full
// image for i < W, j < H. A non-interlaced image is its single pass.
type pass struct {
	header         // the reduced image: W and H are the pass's
	x0, y0, dx, dy int
}

// passes returns the non-empty passes of h in file order.
func (h header) passes() []pass {
	if !h.Interlaced {
		return []pass{{header: h, dx: 1, dy: 1}}
	}
	ps := make([]pass, 0, 7)
	for _, a := range adam7 {
		p := pass{header: h, x0: a.x0, y0: a.y0, dx: a.dx, dy: a.dy}
		p.W = (h.W - a.x0 + a.dx - 1) / a.dx
		p.H = (h.H - a.y0 + a.dy - 1) / a.dy
		p.Interlaced = false
		if p.W > 0 && p.H > 0 {
			ps = append(ps, p)
		}
	}
	return ps
}

// decode turns the inflated IDAT data of h into the samples of the full
// image in raster order (one byte per sample, two for 16-bit images) and
// the filter type of every filtered row, pass after pass.
func decode(h header, data []byte) (pix, types []byte, err error) {
	if !h.Interlaced {
		rows, types, err := unfilter(h, data, 0)
		if err != nil {
			return nil, nil, err
		}
		pix, err := unpack(h, rows)
		return pix, types, err
	}
	sb := h.sampleBytes()
	pix = make([]byte, h.W*h.H*h.C*sb)
	types = make([]byte, 0, h.rows())
	off := 0
	for _, p := range h.passes() {
		n := p.H * p.rowBytes()
		rows, t, err := unfilter(p.header, data[off:off+n], off)
		if err != nil {
			return nil, nil, err
		}
		s, err := unpack(p.header, rows)
		if err != nil {
			return nil, nil, err
		}
		p.scatter(pix, s, h.W, h.C*sb)
		types = append(types, t...)
		off += n
	}
	return pix, types, nil
}

// encode is decode's inverse: it rebuilds the inflated IDAT data from the
// samples and the filter types.
func encode(h header, pix, types []byte) ([]byte, error) {
	if !h.Interlaced {
		rows, err := pack(h, pix)
		if err != nil {
			return nil, err
		}
		return refilter(h, rows, types)
	}
	sb := h.sampleBytes()
	if len(pix) != h.W*h.H*h.C*sb || len(types) != h.rows() {
		return nil, errf(ErrFormat, 0, "side data: %d pixel bytes, %d filter types for %dx%dx%d interlaced", len(pix), len(types), h.W, h.H, h.C)
	}
	out := make([]byte, 0, h.filteredLen())
	for _, p := range h.passes() {
		s := p.gather(pix, h.W, h.C*sb)
		rows, err := pack(p.header, s)
		if err != nil {
			return nil, err
		}
		f, err := refilter(p.header, rows, types[:p.H])
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
		types = types[p.H:]
	}
	return out, nil
}

// scatter copies the pass's samples s (raster order within the pass) to
// their places in the full image pix of width w and px bytes per pixel.
func (p pass) scatter(pix, s []byte, w, px int) {
	for j := 0; j < p.H; j++ {
		src := s[j*p.W*px : (j+1)*p.W*px]
		row := pix[(p.y0+j*p.dy)*w*px:]
		for i := 0; i < p.W; i++ {
			copy(row[(p.x0+i*p.dx)*px:(p.x0+i*p.dx+1)*px], src[i*px:(i+1)*px])
		}
	}
}

// gather is scatter's inverse: it returns the pass's samples.
func (p pass) gather(pix []byte, w, px int) []byte {
	s := make([]byte, p.W*p.H*px)
	for j := 0; j < p.H; j++ {
		dst := s[j*p.W*px : (j+1)*p.W*px]
		row := pix[(p.y0+j*p.dy)*w*px:]
		for i := 0; i < p.W; i++ {
			copy(dst[i*px:(i+1)*px], row[(p.x0+i*p.dx)*px:(p.x0+i*p.dx+1)*px])
		}
	}
	return s
}
