package bmpre

import (
	"encoding/binary"
	"math/rand"
)

// This file holds plain BMP writers for the tests, independent of the
// package's canonical encoder: headers of every kind, uncompressed rows
// with chosen padding, and RLE writers with the variations real encoders
// show.

// bmpOpts describes a test BMP.
type bmpOpts struct {
	bpp      int  // 1, 4 or 8
	comp     int  // biRGB, biRLE8, biRLE4
	hdr      int  // info header size: 12, 40, 64, 108 or 124
	topDown  bool // negative height
	colours  int  // palette entries written (biClrUsed); 0: 1<<bpp, biClrUsed 0
	gap      int  // bytes between the palette and the pixel data
	padByte  byte // uncompressed: the row padding bytes and unused bits
	trailing []byte
	rle      rleOpts
}

// rleOpts are the encoder variations.
type rleOpts struct {
	maxRun    int  // longest run (pixels); 0: 255
	absolute  bool // use absolute mode
	minRun    int  // with absolute: shorter runs join a literal
	maxLit    int  // longest literal; 0: 255
	noLastEOL bool // the last row ends with the end of bitmap only
	padRow    bool // encode the padded row (ImageMagick)
	litPad    byte // the pad byte of odd-length literals
	deltas    bool // skip zero runs of 6+ pixels with a delta, zero row ends with an end of line
	earlyEOB  bool // end the bitmap after the last row that is not all zero
	noEOB     bool // no end of bitmap at all
	gimp      bool // GIMP's byte-wise encoder (runs and literals of packed bytes)
}

func le32put(b []byte, v int) { binary.LittleEndian.PutUint32(b, uint32(v)) }
func le16put(b []byte, v int) { binary.LittleEndian.PutUint16(b, uint16(v)) }

// writeBMP writes pix (w*h indices, top row first) as a BMP.
func writeBMP(w, h int, pix []byte, o bmpOpts) []byte {
	if o.hdr == 0 {
		o.hdr = 40
	}
	n := o.colours
	if n == 0 {
		n = 1 << o.bpp
	}
	entry := 4
	if o.hdr == 12 {
		entry = 3
	}
	off := 14 + o.hdr + n*entry + o.gap
	b := make([]byte, off)
	b[0], b[1] = 'B', 'M'
	le32put(b[10:], off)
	le32put(b[14:], o.hdr)
	if o.hdr == 12 {
		le16put(b[18:], w)
		le16put(b[20:], h)
		le16put(b[22:], 1)
		le16put(b[24:], o.bpp)
	} else {
		le32put(b[18:], w)
		hh := h
		if o.topDown {
			hh = -h
		}
		le32put(b[22:], hh)
		le16put(b[26:], 1)
		le16put(b[28:], o.bpp)
		le32put(b[30:], o.comp)
		le32put(b[38:], 2835)
		le32put(b[42:], 2835)
		le32put(b[46:], o.colours)
		if o.hdr >= 108 {
			copy(b[14+56:], "BGRs")
		}
	}
	for i := range n {
		q := b[14+o.hdr+i*entry:]
		q[0], q[1], q[2] = byte(i*7), byte(i*13), byte(255-i)
	}
	for i := range o.gap {
		b[off-o.gap+i] = byte(i + 1)
	}
	rows := make([][]byte, h)
	for y := range h {
		r := y
		if !o.topDown {
			r = h - 1 - y
		}
		rows[y] = pix[r*w : (r+1)*w]
	}
	var data []byte
	switch {
	case o.comp == biRGB:
		stride := (w*o.bpp + 31) / 32 * 4
		per := 8 / o.bpp
		for _, row := range rows {
			line := make([]byte, stride)
			for x, v := range row {
				line[x/per] |= v << (8 - o.bpp*(x%per+1))
			}
			full := w * o.bpp / 8
			if rem := w * o.bpp % 8; rem != 0 {
				line[full] |= o.padByte >> rem
				full++
			}
			for i := full; i < stride; i++ {
				line[i] = o.padByte
			}
			data = append(data, line...)
		}
	case o.rle.gimp:
		data = gimpRLE(rows, w, o.bpp)
	default:
		data = plainRLE(rows, w, o.bpp, o.rle)
	}
	if o.hdr != 12 {
		le32put(b[34:], len(data))
	}
	b = append(b, data...)
	b = append(b, o.trailing...)
	le32put(b[2:], len(b))
	return b
}

// plainRLE is a straightforward greedy RLE8/RLE4 writer with options.
func plainRLE(rows [][]byte, w, bpp int, o rleOpts) []byte {
	maxRun, maxLit := o.maxRun, o.maxLit
	if maxRun == 0 {
		maxRun = 255
	}
	if maxLit == 0 {
		maxLit = 255
	}
	if o.minRun == 0 {
		o.minRun = 3
	}
	rle4 := bpp == 4
	padded := (w*bpp + 31) / 32 * 4 * 8 / bpp
	last := len(rows) - 1
	if o.earlyEOB {
		for last >= 0 && allZero(rows[last]) {
			last--
		}
	}
	var out []byte
	for y := 0; y <= last; y++ {
		row := rows[y]
		if o.padRow {
			row = append(append([]byte(nil), row...), make([]byte, padded-w)...)
		}
		runAt := func(x int) int {
			n := 1
			for x+n < len(row) && n < maxRun && row[x+n] == row[x] {
				n++
			}
			return n
		}
		for x := 0; x < len(row); {
			if o.deltas && row[x] == 0 {
				z := 0
				for x+z < len(row) && row[x+z] == 0 {
					z++
				}
				if x+z == len(row) {
					break // the end of line skips the rest
				}
				if z >= 6 {
					d := min(z, 255)
					out = append(out, 0, 2, byte(d), 0)
					x += d
					continue
				}
			}
			r := runAt(x)
			if !o.absolute || r >= o.minRun || len(row)-x < 3 {
				c := row[x]
				if rle4 {
					c = c<<4 | c
				}
				out = append(out, byte(r), c)
				x += r
				continue
			}
			l := 0
			for x+l < len(row) && l < maxLit {
				r2 := runAt(x + l)
				if r2 >= o.minRun {
					break
				}
				l = min(l+r2, maxLit)
			}
			if l < 3 {
				c := row[x]
				if rle4 {
					c = c<<4 | c
				}
				out = append(out, 1, c)
				x++
				continue
			}
			out = append(out, 0, byte(l))
			lit := row[x : x+l]
			if rle4 {
				for i := 0; i < l; i += 2 {
					c := lit[i] << 4
					if i+1 < l {
						c |= lit[i+1]
					}
					out = append(out, c)
				}
			} else {
				out = append(out, lit...)
			}
			if len(out)&1 == 1 {
				out = append(out, o.litPad)
			}
			x += l
		}
		if y < last || !o.noLastEOL {
			out = append(out, 0, 0)
		}
	}
	if !o.noEOB {
		out = append(out, 0, 1)
	}
	return out
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// gimpRLE writes like GIMP's BMP exporter: each row packed to bytes,
// runs of 3+ equal bytes as encoded runs, other bytes gathered into
// absolute runs (at most 255 pixels), pieces of 1-2 bytes as one-byte
// runs, the last end of line replaced by the end of bitmap.
func gimpRLE(rows [][]byte, w, bpp int) []byte {
	per := 8 / bpp
	maxU := 255 / per
	var out []byte
	for _, row := range rows {
		nb := (w + per - 1) / per
		packed := make([]byte, nb)
		for x, v := range row {
			packed[x/per] |= v << (8 - bpp*(x%per+1))
		}
		runs := make([]int, nb)
		for i := 0; i < nb; {
			j := 0
			for i+j < nb && j < maxU && packed[i+j] == packed[i] {
				j++
			}
			runs[i] = j
			i += j
		}
		pixels := func(i, j int) byte {
			n := j * per
			if n+i*per > w {
				n--
			}
			return byte(n)
		}
		for i := 0; i < nb; {
			if runs[i] >= 3 {
				out = append(out, pixels(i, runs[i]), packed[i])
				i += runs[i]
				continue
			}
			j := 0
			for i+j < nb && j < maxU && runs[i+j] < 3 {
				j += runs[i+j]
			}
			if j > maxU {
				j -= 2
			}
			if j > 2 {
				out = append(out, 0, pixels(i, j))
				out = append(out, packed[i:i+j]...)
				if j%2 == 1 {
					out = append(out, 0)
				}
			} else {
				for k := i; k < i+j; k++ {
					// GIMP tests the row end at i, not k: the second
					// byte of a piece ending an odd row writes a pixel
					// past W.
					out = append(out, pixels(i, 1), packed[k])
				}
			}
			i += j
		}
		out = append(out, 0, 0)
	}
	out[len(out)-1] = 1
	return out
}

// testPix is a w×h image of n colours: flat areas, gradients and noise,
// so that RLE writes both long runs and literals.
func testPix(w, h, n int, seed int64) []byte {
	r := rand.New(rand.NewSource(seed))
	p := make([]byte, w*h)
	for y := range h {
		for x := range w {
			var v int
			switch {
			case y < h/4:
				v = 0
			case y < h/2:
				v = (x / 9) % n
			case x < w/3:
				v = r.Intn(n)
			default:
				v = (x/5 + y/3 + r.Intn(2)) % n
			}
			p[y*w+x] = byte(v)
		}
	}
	return p
}
