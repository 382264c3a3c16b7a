package pixeltest

import "encoding/binary"

// BMP24 writes a 24-bit BI_RGB BMP of w×h pixels from RGB samples in
// raster order, bottom-up or top-down, with non-zero bytes in the row
// padding (which a lossless codec must keep).
func BMP24(w, h int, rgb []byte, topDown bool) []byte {
	stride := (w*24 + 31) / 32 * 4
	out := make([]byte, 54+stride*h)
	le := binary.LittleEndian
	out[0], out[1] = 'B', 'M'
	le.PutUint32(out[2:], uint32(len(out)))
	le.PutUint32(out[10:], 54)
	le.PutUint32(out[14:], 40)
	le.PutUint32(out[18:], uint32(w))
	hh := int32(h)
	if topDown {
		hh = -hh
	}
	le.PutUint32(out[22:], uint32(hh))
	le.PutUint16(out[26:], 1)
	le.PutUint16(out[28:], 24)
	for y := 0; y < h; y++ {
		fy := h - 1 - y
		if topDown {
			fy = y
		}
		row := out[54+fy*stride:]
		for x := 0; x < w; x++ {
			p := rgb[(y*w+x)*3:]
			row[3*x], row[3*x+1], row[3*x+2] = p[2], p[1], p[0]
		}
		for k := 3 * w; k < stride; k++ {
			row[k] = byte(0xa0 + k*31)
		}
	}
	return out
}
