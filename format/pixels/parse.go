package pixels

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Parse finds the pixel layout of an uncompressed image file, or returns
// an error wrapping ErrUnsupported; kind names the container. Samples
// are 8-bit, or 16-bit (Layout.Bytes 2): PGM/PPM of maxval 256..65535 and
// PAM of MAXVAL 256..65535 (big endian, as netpbm writes them), baseline
// TIFF of 16 bits per sample in either byte order.
func Parse(data []byte) (l *Layout, kind string, err error) {
	switch {
	case len(data) >= 3 && data[0] == 'P' && (data[1] == '5' || data[1] == '6'):
		l, err = parsePNM(data)
		kind = "pnm"
	case len(data) >= 3 && data[0] == 'P' && data[1] == '7':
		l, err = parsePAM(data)
		kind = "pam"
	case len(data) >= 2 && data[0] == 'B' && data[1] == 'M':
		l, err = parseBMP(data)
		kind = "bmp"
	case len(data) >= 4 && (bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*"))):
		l, err = parseTIFF(data)
		kind = "tiff"
	default:
		return nil, "", fmt.Errorf("%w: unknown container", ErrUnsupported)
	}
	if err != nil {
		return nil, kind, err
	}
	if err := l.check(int64(len(data))); err != nil {
		return nil, kind, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return l, kind, nil
}

func identity(c int) [4]uint8 { return [4]uint8{0, 1, 2, 3} }

// regularRows returns H row offsets from first at a constant stride.
func regularRows(first, stride int64, h int) []int64 {
	rows := make([]int64, h)
	for y := range rows {
		rows[y] = first + int64(y)*stride
	}
	return rows
}

func sizeOK(w, h int) bool {
	return w > 0 && h > 0 && w <= MaxSide && h <= MaxSide && w*h <= MaxPixels
}

// pnmHeader reads the whitespace- and comment-separated integer fields of
// a PGM/PPM header after the magic, and returns them with the offset just
// past the single whitespace byte that ends the header.
func pnmHeader(data []byte, n int) ([]int, int, error) {
	i := 2
	var vals []int
	for len(vals) < n {
		// skip whitespace and comments
		for i < len(data) {
			c := data[i]
			if c == '#' {
				for i < len(data) && data[i] != '\n' && data[i] != '\r' {
					i++
				}
				continue
			}
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' {
				i++
				continue
			}
			break
		}
		start := i
		v := 0
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			v = v*10 + int(data[i]-'0')
			if v > 1<<20 {
				return nil, 0, fmt.Errorf("%w: PNM header value too large", ErrUnsupported)
			}
			i++
		}
		if i == start {
			return nil, 0, fmt.Errorf("%w: bad PNM header", ErrUnsupported)
		}
		vals = append(vals, v)
	}
	if i >= len(data) {
		return nil, 0, fmt.Errorf("%w: PNM header without pixels", ErrUnsupported)
	}
	switch data[i] {
	case ' ', '\t', '\n', '\r', '\v', '\f':
	default:
		return nil, 0, fmt.Errorf("%w: bad PNM header end", ErrUnsupported)
	}
	return vals, i + 1, nil
}

func parsePNM(data []byte) (*Layout, error) {
	vals, off, err := pnmHeader(data, 3)
	if err != nil {
		return nil, err
	}
	w, h, maxval := vals[0], vals[1], vals[2]
	if maxval < 1 || maxval > 65535 || !sizeOK(w, h) {
		return nil, fmt.Errorf("%w: PNM %dx%d maxval %d", ErrUnsupported, w, h, maxval)
	}
	c := 1
	if data[1] == '6' {
		c = 3
	}
	sb := sampleBytes(maxval)
	return &Layout{W: w, H: h, C: c, Perm: identity(c), Rows: regularRows(int64(off), int64(w*c*sb), h), Bytes: sb}, nil
}

// sampleBytes is the width of a netpbm sample of the given maxval: one
// byte up to 255, else two, most significant first (netpbm's "Raster"
// sections of pgm(5), ppm(5), pam(5)). A maxval below 255 still has
// samples of one byte, which a byte-wise pixel model codes as they are
// (a file's samples above maxval, which netpbm forbids, are still kept
// exactly: Split and Join only move bytes).
func sampleBytes(maxval int) int {
	if maxval > 255 {
		return 2
	}
	return 1
}

func parsePAM(data []byte) (*Layout, error) {
	// P7\nWIDTH w\nHEIGHT h\nDEPTH d\nMAXVAL m\nTUPLTYPE t\nENDHDR\n
	i := bytes.Index(data[3:min(len(data), 4096)], []byte("ENDHDR\n")) + 3
	if i < 3 {
		return nil, fmt.Errorf("%w: PAM without ENDHDR", ErrUnsupported)
	}
	fields := map[string]int{}
	for _, ln := range bytes.Split(data[3:i], []byte("\n")) {
		f := bytes.Fields(ln)
		if len(f) == 2 {
			var v int
			if _, err := fmt.Sscanf(string(f[1]), "%d", &v); err == nil {
				fields[string(f[0])] = v
			}
		}
	}
	w, h, d, m := fields["WIDTH"], fields["HEIGHT"], fields["DEPTH"], fields["MAXVAL"]
	if m < 1 || m > 65535 || d < 1 || d > 4 || !sizeOK(w, h) {
		return nil, fmt.Errorf("%w: PAM %dx%d depth %d maxval %d", ErrUnsupported, w, h, d, m)
	}
	off := int64(i + len("ENDHDR\n"))
	sb := sampleBytes(m)
	return &Layout{W: w, H: h, C: d, Perm: identity(d), Rows: regularRows(off, int64(w*d*sb), h), Bytes: sb}, nil
}

func parseBMP(data []byte) (*Layout, error) {
	if len(data) < 54 {
		return nil, fmt.Errorf("%w: short BMP", ErrUnsupported)
	}
	le := binary.LittleEndian
	pixOff := int64(le.Uint32(data[10:14]))
	hdrSize := le.Uint32(data[14:18])
	if hdrSize < 40 {
		return nil, fmt.Errorf("%w: BMP core header", ErrUnsupported)
	}
	w := int(int32(le.Uint32(data[18:22])))
	h := int(int32(le.Uint32(data[22:26])))
	planes := le.Uint16(data[26:28])
	bpp := le.Uint16(data[28:30])
	compression := le.Uint32(data[30:34])
	if planes != 1 || compression != 0 || (bpp != 24 && bpp != 32) {
		return nil, fmt.Errorf("%w: BMP %d bpp compression %d", ErrUnsupported, bpp, compression)
	}
	topDown := h < 0
	if topDown {
		h = -h
	}
	if !sizeOK(w, h) {
		return nil, fmt.Errorf("%w: BMP %dx%d", ErrUnsupported, w, h)
	}
	c := int(bpp / 8)
	stride := int64((w*int(bpp) + 31) / 32 * 4)
	rows := make([]int64, h)
	for y := range rows {
		fy := h - 1 - y // bottom-up: the first row in the file is the bottom one
		if topDown {
			fy = y
		}
		rows[y] = pixOff + int64(fy)*stride
	}
	// File order B,G,R(,A) -> canonical R,G,B(,A): file sample c is channel perm[c].
	perm := [4]uint8{2, 1, 0, 3}
	return &Layout{W: w, H: h, C: c, Perm: perm, Rows: rows, Bytes: 1}, nil
}

func parseTIFF(data []byte) (*Layout, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	if len(data) < 8 {
		return nil, fmt.Errorf("%w: short TIFF", ErrUnsupported)
	}
	ifd := int64(bo.Uint32(data[4:8]))
	if ifd < 8 || ifd+2 > int64(len(data)) {
		return nil, fmt.Errorf("%w: TIFF IFD offset", ErrUnsupported)
	}
	n := int(bo.Uint16(data[ifd:]))
	if ifd+2+int64(n)*12 > int64(len(data)) {
		return nil, fmt.Errorf("%w: TIFF IFD size", ErrUnsupported)
	}
	tags := map[uint16][]int64{}
	for i := 0; i < n; i++ {
		e := data[ifd+2+int64(i)*12:]
		tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), int64(bo.Uint32(e[4:]))
		size := map[uint16]int64{1: 1, 3: 2, 4: 4}[typ]
		if size == 0 || count <= 0 || count > MaxSide*4 {
			continue
		}
		var vb []byte
		if count*size <= 4 {
			vb = e[8 : 8+count*size]
		} else {
			off := int64(bo.Uint32(e[8:]))
			if off < 0 || off+count*size > int64(len(data)) {
				return nil, fmt.Errorf("%w: TIFF tag %d outside the file", ErrUnsupported, tag)
			}
			vb = data[off : off+count*size]
		}
		vals := make([]int64, count)
		for k := range vals {
			switch size {
			case 1:
				vals[k] = int64(vb[k])
			case 2:
				vals[k] = int64(bo.Uint16(vb[2*k:]))
			case 4:
				vals[k] = int64(bo.Uint32(vb[4*k:]))
			}
		}
		tags[tag] = vals
	}
	one := func(tag uint16, def int64) int64 {
		if v, ok := tags[tag]; ok && len(v) > 0 {
			return v[0]
		}
		return def
	}
	w, h := int(one(256, 0)), int(one(257, 0))
	spp := int(one(277, 1))
	comp, photo, planar, pred := one(259, 1), one(262, -1), one(284, 1), one(317, 1)
	if !sizeOK(w, h) || comp != 1 || planar != 1 || pred != 1 || spp < 1 || spp > 4 {
		return nil, fmt.Errorf("%w: TIFF %dx%d compression %d planar %d predictor %d", ErrUnsupported, w, h, comp, planar, pred)
	}
	if !(photo == 1 && (spp == 1 || spp == 2)) && !(photo == 2 && (spp == 3 || spp == 4)) {
		return nil, fmt.Errorf("%w: TIFF photometric %d with %d samples", ErrUnsupported, photo, spp)
	}
	// BitsPerSample (tag 258): all 8, or all 16 (TIFF 6.0 section 2: a
	// 16-bit sample is stored in the file's byte order). A file without
	// the tag (which TIFF reads as 1 bit) was always taken for 8 bits:
	// its bytes are moved all the same, and archives hold such layouts.
	bits := one(258, 8)
	for _, b := range tags[258] {
		if b != bits || b != 8 && b != 16 {
			return nil, fmt.Errorf("%w: TIFF %d bits per sample", ErrUnsupported, b)
		}
	}
	if bits != 8 && bits != 16 {
		return nil, fmt.Errorf("%w: TIFF %d bits per sample", ErrUnsupported, bits)
	}
	sb := int(bits / 8)
	offs, counts := tags[273], tags[279]
	rps := int(one(278, int64(h)))
	if rps <= 0 || rps > h {
		rps = h
	}
	strips := (h + rps - 1) / rps
	if len(offs) != strips || len(counts) != strips {
		return nil, fmt.Errorf("%w: TIFF strips", ErrUnsupported)
	}
	rb := int64(w * spp * sb)
	rows := make([]int64, h)
	for y := range rows {
		s := y / rps
		inStrip := int64(y % rps)
		nrows := int64(min(rps, h-s*rps))
		if counts[s] < nrows*rb {
			return nil, fmt.Errorf("%w: TIFF strip %d too short", ErrUnsupported, s)
		}
		rows[y] = offs[s] + inStrip*rb
	}
	return &Layout{W: w, H: h, C: spp, Perm: identity(spp), Rows: rows, Bytes: sb, LittleEndian: sb == 2 && data[0] == 'I'}, nil
}
