package bmpre

// The RLE codes of BI_RLE8 and BI_RLE4 (Microsoft's "Bitmap Compression"
// description of BITMAPINFOHEADER): a pair (n>0, c) is an encoded run of
// n pixels (RLE8: all c; RLE4: the two nibbles of c alternately, high
// first); a pair (0, e) is an escape: e=0 end of line, e=1 end of bitmap,
// e=2 a delta (two more bytes: move right dx and up dy rows, the pixels
// passed over left unset), e=3-255 absolute mode: e literal pixels (RLE8
// bytes, RLE4 nibbles) padded to a 16-bit boundary.

// Token kinds: one code of an RLE stream. tStop is no code: it marks a
// stream that ends without an end of bitmap.
const (
	tEOL = iota
	tEOB
	tDelta
	tStop
	tRun
	tLit
)

// token is one code: a run of n pixels with byte b, n literal pixels
// with extra = the unused low nibble of the last RLE4 byte | the pad
// byte << 4, a delta (n, dy), or an escape.
type token struct {
	kind uint8
	n    uint8 // run or literal length, delta dx
	dy   uint8
	b    uint16 // run: the byte; literal: extra
}

// cfg is a canonical encoder: the decisions of the greedy RLE writers
// (ImageMagick's, GIMP's, the usual Windows-style ones) as parameters.
// Lengths are in units: pixels, or with pairs the bytes of two RLE4
// pixels.
type cfg struct {
	maxRun  int  // the longest encoded run, 1-255 units
	maxLit  int  // the longest absolute run, 3-255 units; 0: no absolute mode
	minRun  int  // with absolute mode: runs of fewer units join a literal
	pad     bool // rows extend to the padded row length, not W
	lastEOL bool // the last row ends with an end of line before the end of bitmap
	pairs   bool // RLE4: decide on the bytes of pixel pairs, as from the row's packed bytes
	alt     bool // RLE4, pixel units: a run repeats two alternating indices
	split   bool // a piece too short for absolute mode is coded as one-unit runs
	odd     int  // RLE4 one-pixel run's low nibble: 0 zero, 1 the same index, 2 the next pixel
	litPad  int  // the byte padding an absolute run of odd byte length
}

// Flag bits of a cfg in the side data.
const (
	cPad = 1 << iota
	cLastEOL
	cPairs
	cAlt
	cSplit
	cAll = 1<<iota - 1
)

func (c *cfg) bits() int {
	b := 0
	for i, f := range []bool{c.pad, c.lastEOL, c.pairs, c.alt, c.split} {
		if f {
			b |= 1 << i
		}
	}
	return b
}

// rleImage is the state an RLE stream is decoded into and encoded from:
// the image in file row order with rows of rowPixels (the padded row, so
// that codes writing past W are kept), and the position.
type rleImage struct {
	h      *header
	rle4   bool
	xmax   int    // row length in v
	v      []byte // xmax * h.h pixels, file row order
	x, y   int
	extent int // the canonical row end (W or xmax)
	c      cfg
}

func newRLEImage(h *header, v []byte) *rleImage {
	return &rleImage{h: h, rle4: h.comp == biRLE4, xmax: h.rowPixels(), v: v}
}

func (m *rleImage) setCfg(c cfg) {
	m.c = c
	m.extent = m.h.w
	if c.pad {
		m.extent = m.xmax
	}
}

// at returns the pixel at (x, y), 0 beyond the padded row.
func (m *rleImage) at(x int) int {
	if x >= m.xmax {
		return 0
	}
	return int(m.v[m.y*m.xmax+x])
}

// unit is the pixels of one unit of length.
func (m *rleImage) unit() int {
	if m.c.pairs && m.rle4 {
		return 2
	}
	return 1
}

// runLen counts the units from x (at most max) that repeat the first.
func (m *rleImage) runLen(x, max int) int {
	row := m.v[m.y*m.xmax : (m.y+1)*m.xmax]
	get := func(i int) byte {
		if i < len(row) {
			return row[i]
		}
		return 0
	}
	n := 1
	switch {
	case m.rle4 && m.c.pairs:
		a, b := get(x), get(x+1)
		for n < max && get(x+2*n) == a && get(x+2*n+1) == b {
			n++
		}
	case m.rle4 && m.c.alt:
		a, b := get(x), get(x+1)
		for n < max {
			want := a
			if n&1 == 1 {
				want = b
			}
			if get(x+n) != want {
				break
			}
			n++
		}
	default:
		a := get(x)
		for n < max && get(x+n) == a {
			n++
		}
	}
	return n
}

// runByte is the byte the canonical encoder writes for a run of n pixels
// at x.
func (m *rleImage) runByte(x, n int) int {
	if !m.rle4 {
		return m.at(x)
	}
	hi := m.at(x)
	lo := m.at(x + 1)
	if n == 1 && !m.c.pairs {
		switch m.c.odd {
		case 0:
			lo = 0
		case 1:
			lo = hi
		}
	}
	return hi<<4 | lo&15
}

// canon is the canonical encoder's next code at the current position.
func (m *rleImage) canon() token {
	h, c := m.h, &m.c
	if m.y >= h.h {
		return token{kind: tEOB}
	}
	x, e := m.x, m.extent
	if x >= e {
		if m.y == h.h-1 && !c.lastEOL {
			return token{kind: tEOB}
		}
		return token{kind: tEOL}
	}
	s := m.unit()
	left := (e - x + s - 1) / s
	r := m.runLen(x, min(c.maxRun, left))
	run := func(u int) token {
		n := min(u*s, e-x)
		return token{kind: tRun, n: uint8(n), b: uint16(m.runByte(x, n))}
	}
	if c.maxLit == 0 || r >= c.minRun {
		return run(r)
	}
	l := r
	for l < c.maxLit && l < left {
		r2 := m.runLen(x+l*s, min(c.maxRun, left-l))
		if r2 >= c.minRun || l+r2 > c.maxLit {
			break
		}
		l += r2
	}
	if l < 3 {
		if c.split {
			return run(1)
		}
		return run(r)
	}
	n := min(l*s, e-x)
	t := token{kind: tLit, n: uint8(n)}
	if m.litBytes(n)&1 == 1 {
		t.b = uint16(c.litPad) << 4
	}
	return t
}

// fits reports whether t can be coded at the current position: codes
// may not write outside the padded image or move below the last row.
func (m *rleImage) fits(t token) bool {
	switch t.kind {
	case tRun, tLit:
		return m.y < m.h.h && t.n > 0 && m.x+int(t.n) <= m.xmax
	case tEOL:
		return m.y < m.h.h
	case tDelta:
		return m.y+int(t.dy) <= m.h.h
	}
	return true
}

// step moves past t, if it fits.
func (m *rleImage) step(t token) bool {
	if !m.fits(t) {
		return false
	}
	switch t.kind {
	case tRun, tLit:
		m.x += int(t.n)
	case tEOL:
		m.x, m.y = 0, m.y+1
	case tDelta:
		m.x, m.y = m.x+int(t.n), m.y+int(t.dy)
	}
	return true
}

// litBytes is the byte length of n literal pixels before padding.
func (m *rleImage) litBytes(n int) int {
	if m.rle4 {
		return (n + 1) / 2
	}
	return n
}

// emit appends the bytes of t at the current position (before step).
// It returns false for a literal whose extra bits have no place.
func (m *rleImage) emit(out []byte, t token) ([]byte, bool) {
	switch t.kind {
	case tEOL:
		return append(out, 0, 0), true
	case tEOB:
		return append(out, 0, 1), true
	case tDelta:
		return append(out, 0, 2, t.n, t.dy), true
	case tRun:
		return append(out, t.n, byte(t.b)), true
	case tLit:
		n := int(t.n)
		nb := m.litBytes(n)
		nib, pad := int(t.b&15), int(t.b>>4)
		if (nib != 0 && (!m.rle4 || n&1 == 0)) || (pad != 0 && nb&1 == 0) || pad > 255 {
			return out, false
		}
		out = append(out, 0, t.n)
		row := m.v[m.y*m.xmax+m.x : m.y*m.xmax+m.x+n]
		if m.rle4 {
			for i := 0; i+1 < n; i += 2 {
				out = append(out, row[i]<<4|row[i+1]&15)
			}
			if n&1 == 1 {
				out = append(out, row[n-1]<<4|byte(nib))
			}
		} else {
			out = append(out, row...)
		}
		if nb&1 == 1 {
			out = append(out, byte(pad))
		}
		return out, true
	}
	return out, true // tStop
}

// decode reads the RLE codes of data into m.v (zeroed) as tokens, until
// the end of bitmap or the end of data (then a tStop token), and returns
// them with the byte length of the codes. base is data's file offset,
// for errors.
func (m *rleImage) decode(data []byte, base int) ([]token, int, error) {
	toks := make([]token, 0, len(data)/4+1)
	pos := 0
	for {
		if pos == len(data) {
			return append(toks, token{kind: tStop}), pos, nil
		}
		if len(data)-pos < 2 {
			return nil, 0, errf(ErrFormat, base+pos, "truncated RLE code")
		}
		n, c := data[pos], data[pos+1]
		at := pos
		pos += 2
		var t token
		switch {
		case n > 0:
			t = token{kind: tRun, n: n, b: uint16(c)}
		case c == 0:
			t = token{kind: tEOL}
		case c == 1:
			t = token{kind: tEOB}
		case c == 2:
			if len(data)-pos < 2 {
				return nil, 0, errf(ErrFormat, base+pos, "truncated RLE delta")
			}
			t = token{kind: tDelta, n: data[pos], dy: data[pos+1]}
			pos += 2
		default:
			t = token{kind: tLit, n: c}
		}
		x, y := m.x, m.y
		if !m.step(t) {
			return nil, 0, errf(ErrUnsupported, base+at, "RLE code past the image (row %d, column %d)", y, x)
		}
		switch t.kind {
		case tRun:
			row := m.v[y*m.xmax+x : y*m.xmax+m.x]
			for i := range row {
				if !m.rle4 {
					row[i] = c
				} else if i&1 == 0 {
					row[i] = c >> 4
				} else {
					row[i] = c & 15
				}
			}
		case tLit:
			nb := m.litBytes(int(c))
			padded := nb + nb&1
			if len(data)-pos < padded {
				return nil, 0, errf(ErrFormat, base+pos, "truncated RLE absolute run")
			}
			lit := data[pos : pos+nb]
			row := m.v[y*m.xmax+x : y*m.xmax+m.x]
			if m.rle4 {
				for i := range row {
					row[i] = lit[i/2] >> (4 - 4*(i&1)) & 15
				}
				if c&1 == 1 {
					t.b = uint16(lit[nb-1] & 15)
				}
			} else {
				copy(row, lit)
			}
			if nb&1 == 1 {
				t.b |= uint16(data[pos+nb]) << 4
			}
			pos += padded
		}
		toks = append(toks, t)
		if t.kind == tEOB {
			return toks, pos, nil
		}
	}
}
