package pixeltest

import (
	"encoding/binary"
	"fmt"
)

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

// PNM writes a binary PGM (c = 1) or PPM (c = 3) of w×h pixels with the
// given maxval (1..65535). samples are in raster order, one byte each
// for a maxval up to 255, else two, most significant first (netpbm's
// order, which the file keeps).
func PNM(w, h, c, maxval int, samples []byte) []byte {
	magic := "P5"
	if c == 3 {
		magic = "P6"
	}
	out := fmt.Appendf(nil, "%s\n# pixeltest\n%d %d\n%d\n", magic, w, h, maxval)
	return append(out, samples...)
}

// PAM writes a PAM of w×h pixels of c samples (TUPLTYPE by c) with the
// given maxval, samples as for PNM, then trailer.
func PAM(w, h, c, maxval int, samples []byte, trailer string) []byte {
	tt := [5]string{1: "GRAYSCALE", 2: "GRAYSCALE_ALPHA", 3: "RGB", 4: "RGB_ALPHA"}[c]
	out := fmt.Appendf(nil, "P7\nWIDTH %d\nHEIGHT %d\nDEPTH %d\nMAXVAL %d\nTUPLTYPE %s\nENDHDR\n", w, h, c, maxval, tt)
	out = append(out, samples...)
	return append(out, trailer...)
}

// TIFF writes an uncompressed baseline TIFF of w×h pixels of c samples
// (gray, gray+alpha, RGB, RGBA) of bits 8 or 16, in Intel ("II", little
// endian) or Motorola ("MM") byte order, rowsPerStrip rows per strip (0:
// one strip). samples are as for PNM: 16-bit ones most significant
// first, which the file then stores in its own byte order. Each strip is
// followed by a padding byte, so that the rows are not all contiguous.
func TIFF(w, h, c, bits int, littleEndian bool, samples []byte, rowsPerStrip int) []byte {
	var bo interface {
		binary.ByteOrder
		binary.AppendByteOrder
	} = binary.BigEndian
	out := []byte("MM\x00*\x00\x00\x00\x00")
	if littleEndian {
		bo = binary.LittleEndian
		out = []byte("II*\x00\x00\x00\x00\x00")
	}
	if rowsPerStrip <= 0 || rowsPerStrip > h {
		rowsPerStrip = h
	}
	sb := bits / 8
	rb := w * c * sb
	strips := (h + rowsPerStrip - 1) / rowsPerStrip
	var offs, counts []uint32
	for s := 0; s < strips; s++ {
		rows := min(rowsPerStrip, h-s*rowsPerStrip)
		offs = append(offs, uint32(len(out)))
		counts = append(counts, uint32(rows*rb))
		out = append(out, samples[s*rowsPerStrip*rb:(s*rowsPerStrip+rows)*rb]...)
		if sb == 2 && littleEndian { // swap the strip's samples to II order
			st := out[offs[s]:]
			for i := 0; i+1 < rows*rb; i += 2 {
				st[i], st[i+1] = st[i+1], st[i]
			}
		}
		out = append(out, 0xee)
	}
	// arrays that do not fit in an entry: BitsPerSample, StripOffsets, StripByteCounts
	arr := func(vs []uint32, short bool) (uint32, []byte) {
		var b []byte
		for _, v := range vs {
			if short {
				b = bo.AppendUint16(b, uint16(v))
			} else {
				b = bo.AppendUint32(b, v)
			}
		}
		return uint32(len(out)), b
	}
	type entry struct {
		tag, typ uint16
		vals     []uint32
	}
	bitsv := make([]uint32, c)
	for i := range bitsv {
		bitsv[i] = uint32(bits)
	}
	photo := uint32(1)
	if c >= 3 {
		photo = 2
	}
	entries := []entry{
		{256, 4, []uint32{uint32(w)}},
		{257, 4, []uint32{uint32(h)}},
		{258, 3, bitsv},
		{259, 3, []uint32{1}},
		{262, 3, []uint32{photo}},
		{273, 4, offs},
		{277, 3, []uint32{uint32(c)}},
		{278, 4, []uint32{uint32(rowsPerStrip)}},
		{279, 4, counts},
		{284, 3, []uint32{1}},
	}
	if c == 2 || c == 4 {
		entries = append(entries, entry{338, 3, []uint32{2}}) // ExtraSamples: unassociated alpha
	}
	// out-of-line values first, then the IFD
	ext := make([]uint32, len(entries))
	for i, e := range entries {
		size := 4
		if e.typ == 3 {
			size = 2
		}
		if len(e.vals)*size > 4 {
			var b []byte
			ext[i], b = arr(e.vals, e.typ == 3)
			out = append(out, b...)
		}
	}
	if len(out)%2 == 1 {
		out = append(out, 0)
	}
	bo.PutUint32(out[4:], uint32(len(out)))
	out = bo.AppendUint16(out, uint16(len(entries)))
	for i, e := range entries {
		out = bo.AppendUint16(out, e.tag)
		out = bo.AppendUint16(out, e.typ)
		out = bo.AppendUint32(out, uint32(len(e.vals)))
		size := 4
		if e.typ == 3 {
			size = 2
		}
		switch {
		case len(e.vals)*size > 4:
			out = bo.AppendUint32(out, ext[i])
		case size == 2:
			var v [4]byte
			for k, x := range e.vals {
				bo.PutUint16(v[2*k:], uint16(x))
			}
			out = append(out, v[:]...)
		default:
			out = bo.AppendUint32(out, e.vals[0])
		}
	}
	return bo.AppendUint32(out, 0) // no next IFD
}
