package pixels

import (
	"bytes"
	"image"
	"image/png"
	"os"
)

// DecodePNG decodes a PNG into 8-bit samples in raster order, alpha
// dropped: one channel for grey and grey+alpha PNGs, three (RGB) for
// every other kind (palette colours expanded); 16-bit samples keep their
// top 8 bits. It returns the samples, the width, height and channels.
func DecodePNG(data []byte) (pix []byte, w, h, ch int, err error) {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, 0, err
	}
	b := img.Bounds()
	w, h, ch = b.Dx(), b.Dy(), 3
	if len(data) > 25 && (data[25] == 0 || data[25] == 4) {
		ch = 1 // colour type grey or grey+alpha (IHDR, which png.Decode checked)
	}
	pix = make([]byte, 0, w*h*ch)
	switch m := img.(type) {
	case *image.Gray:
		for y := range h {
			pix = append(pix, m.Pix[y*m.Stride:y*m.Stride+w]...)
		}
	case *image.RGBA, *image.NRGBA:
		// both: 4 bytes a pixel, R, G, B first (opaque RGBA is not
		// premultiplied; NRGBA's grey+alpha has R = G = B)
		p, stride := pixOf(m)
		for y := range h {
			row := p[y*stride : y*stride+4*w]
			for x := 0; x < 4*w; x += 4 {
				if ch == 1 {
					pix = append(pix, row[x])
				} else {
					pix = append(pix, row[x], row[x+1], row[x+2])
				}
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bb, _ := img.At(x, y).RGBA()
				if ch == 1 {
					pix = append(pix, byte(r>>8))
				} else {
					pix = append(pix, byte(r>>8), byte(g>>8), byte(bb>>8))
				}
			}
		}
	}
	return pix, w, h, ch, nil
}

func pixOf(m image.Image) ([]byte, int) {
	if c, ok := m.(*image.RGBA); ok {
		return c.Pix, c.Stride
	}
	c := m.(*image.NRGBA)
	return c.Pix, c.Stride
}

// LoadPNGRGB decodes a PNG file into 8-bit RGB samples in raster order
// (alpha dropped, grey as R = G = B), optionally cropped to its centre
// cw×ch (0 or a size not smaller than the image keeps that dimension
// whole). It returns the samples and the width and height of what was
// kept.
func LoadPNGRGB(path string, cw, ch int) ([]byte, int, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, 0, err
	}
	pix, w, h, c, err := DecodePNG(data)
	if err != nil {
		return nil, 0, 0, err
	}
	x0, y0, fw := 0, 0, w
	if cw > 0 && cw < w {
		x0 = (w - cw) / 2
		w = cw
	}
	if ch > 0 && ch < h {
		y0 = (h - ch) / 2
		h = ch
	}
	out := make([]byte, 0, w*h*3)
	for y := y0; y < y0+h; y++ {
		row := pix[(y*fw+x0)*c : (y*fw+x0+w)*c]
		if c == 3 {
			out = append(out, row...)
			continue
		}
		for _, v := range row {
			out = append(out, v, v, v)
		}
	}
	return out, w, h, nil
}
