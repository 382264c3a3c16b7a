package pngre

// Samples of 1, 2 or 4 bits (gray and palette images): each row packs
// W samples most significant first, and its last byte ends with unused
// bits. Split hands out one byte per sample (0 .. 2^depth-1) and accepts
// only rows whose unused bits are zero, what every encoder writes, so
// that packing the samples again gives the file's bytes.

// unpack expands the packed rows of h into one byte per sample; rows of
// 8- and 16-bit samples are returned as they are.
func unpack(h header, packed []byte) ([]byte, error) {
	if h.Depth >= 8 {
		return packed, nil
	}
	rb, d := h.packedRow(), uint(h.Depth)
	per := 8 / int(d) // samples per byte
	mask := byte(1<<d - 1)
	out := make([]byte, h.W*h.H)
	for y := 0; y < h.H; y++ {
		row := packed[y*rb : (y+1)*rb]
		o := out[y*h.W : (y+1)*h.W]
		for x := range o {
			shift := 8 - d*uint(x%per+1)
			o[x] = row[x/per] >> shift & mask
		}
		if used := h.W % per; used != 0 {
			if row[rb-1]&(1<<(8-d*uint(used))-1) != 0 {
				return nil, errf(ErrUnsupported, y, "row %d: unused bits of its last byte are not zero", y)
			}
		}
	}
	return out, nil
}

// pack is unpack's inverse; samples above 2^depth-1 are an error (side
// data or pixels of a damaged archive).
func pack(h header, samples []byte) ([]byte, error) {
	if h.Depth >= 8 {
		return samples, nil
	}
	if len(samples) != h.W*h.H {
		return nil, errf(ErrFormat, 0, "%d samples for %dx%d", len(samples), h.W, h.H)
	}
	rb, d := h.packedRow(), uint(h.Depth)
	per := 8 / int(d)
	out := make([]byte, h.H*rb)
	for y := 0; y < h.H; y++ {
		row := out[y*rb : (y+1)*rb]
		for x, v := range samples[y*h.W : (y+1)*h.W] {
			if v>>d != 0 {
				return nil, errf(ErrFormat, y*h.W+x, "sample %d exceeds %d bits", v, d)
			}
			row[x/per] |= v << (8 - d*uint(x%per+1))
		}
	}
	return out, nil
}
