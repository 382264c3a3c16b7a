package tiffre

// A chunk's decompressed bytes ("raw") hold its rows of samples in the
// file's byte order, horizontally differenced under predictor 2 (TIFF 6.0
// section 14: per row, each sample minus the same sample of the pixel to
// its left, modulo 2^bits). Pixels holds 16-bit samples most significant
// byte first, so rawToSamples swaps the bytes of a little-endian file
// before undoing the predictor, and samplesToRaw does the reverse.

// rawToSamples turns raw into plain samples in place: 16-bit ones most
// significant byte first, the predictor undone.
func rawToSamples(g geom, raw []byte) {
	if g.Depth == 16 && !g.Big {
		swap16(raw)
	}
	if g.Pred != 2 {
		return
	}
	row, c := g.rowLen(), g.C
	for len(raw) >= row {
		r := raw[:row]
		raw = raw[row:]
		if g.Depth == 8 {
			for j := c; j < len(r); j++ {
				r[j] += r[j-c]
			}
			continue
		}
		for j := 2 * c; j+1 < len(r); j += 2 {
			v := uint16(r[j])<<8 | uint16(r[j+1])
			v += uint16(r[j-2*c])<<8 | uint16(r[j-2*c+1])
			r[j], r[j+1] = byte(v>>8), byte(v)
		}
	}
}

// samplesToRaw is the inverse of rawToSamples.
func samplesToRaw(g geom, raw []byte) {
	if g.Pred == 2 {
		row, c := g.rowLen(), g.C
		for p := raw; len(p) >= row; p = p[row:] {
			r := p[:row]
			if g.Depth == 8 {
				for j := len(r) - 1; j >= c; j-- {
					r[j] -= r[j-c]
				}
				continue
			}
			for j := len(r) - 2; j >= 2*c; j -= 2 {
				v := uint16(r[j])<<8 | uint16(r[j+1])
				v -= uint16(r[j-2*c])<<8 | uint16(r[j-2*c+1])
				r[j], r[j+1] = byte(v>>8), byte(v)
			}
		}
	}
	if g.Depth == 16 && !g.Big {
		swap16(raw)
	}
}

func swap16(b []byte) {
	for j := 0; j+1 < len(b); j += 2 {
		b[j], b[j+1] = b[j+1], b[j]
	}
}

// scatter copies chunk i's samples into pix (W*H*C samples) and appends
// the samples past the image edge (tile padding) to pad.
func scatter(g geom, i int, raw, pix, pad []byte) []byte {
	x0, y0, cw, ch := g.rect(i)
	px, row := g.C*g.bps(), g.rowLen()
	in := (min(x0+cw, g.W) - x0) * px // bytes of a row inside the image
	for r := 0; r < ch; r++ {
		src := raw[r*row : (r+1)*row]
		if y := y0 + r; y < g.H {
			copy(pix[(y*g.W+x0)*px:], src[:in])
			pad = append(pad, src[in:]...)
		} else {
			pad = append(pad, src...)
		}
	}
	return pad
}

// gather is the inverse of scatter: it fills raw with chunk i's samples
// and returns the padding not yet used.
func gather(g geom, i int, raw, pix, pad []byte) []byte {
	x0, y0, cw, ch := g.rect(i)
	px, row := g.C*g.bps(), g.rowLen()
	in := (min(x0+cw, g.W) - x0) * px
	for r := 0; r < ch; r++ {
		dst := raw[r*row : (r+1)*row]
		if y := y0 + r; y < g.H {
			copy(dst, pix[(y*g.W+x0)*px:][:in])
			pad = pad[copy(dst[in:], pad):]
		} else {
			pad = pad[copy(dst, pad):]
		}
	}
	return pad
}

// padRanges calls fn with the byte range of every run of padding in
// chunk i's raw samples (tiles only: the columns past the right edge,
// the rows past the bottom).
func padRanges(g geom, i int, fn func(from, to int)) {
	if !g.Tiled {
		return
	}
	x0, y0, cw, ch := g.rect(i)
	px, row := g.C*g.bps(), g.rowLen()
	in := (min(x0+cw, g.W) - x0) * px
	for r := 0; r < ch; r++ {
		if y0+r < g.H {
			if in < row {
				fn(r*row+in, (r+1)*row)
			}
		} else {
			fn(r*row, (r+1)*row)
		}
	}
}

// padDelta adds (sign 1) or subtracts (sign -1) prev, the previous
// tile's samples, to chunk i's padding in raw: encoders such as
// ImageMagick fill one tile buffer after another, so the padding holds
// what the previous tile left there.
func padDelta(g geom, i int, raw, prev []byte, sign int) {
	padRanges(g, i, func(from, to int) {
		r, p := raw[from:to], prev[from:to]
		if sign > 0 {
			for j := range r {
				r[j] += p[j]
			}
		} else {
			for j := range r {
				r[j] -= p[j]
			}
		}
	})
}
