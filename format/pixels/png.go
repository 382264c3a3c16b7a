package pixels

import (
	"image"
	"image/png"
	"os"
)

// LoadPNGRGB decodes a PNG file into 8-bit RGB samples in raster order
// (alpha dropped), optionally cropped to its centre cw×ch (0 or a size
// not smaller than the image keeps that dimension whole). It returns the
// samples and the width and height of what was kept.
func LoadPNGRGB(path string, cw, ch int) ([]byte, int, int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		return nil, 0, 0, err
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	x0, y0 := 0, 0
	if cw > 0 && cw < w {
		x0 = (w - cw) / 2
		w = cw
	}
	if ch > 0 && ch < h {
		y0 = (h - ch) / 2
		h = ch
	}
	out := make([]byte, 0, w*h*3)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var r, g, bb uint32
			switch m := img.(type) {
			case *image.NRGBA:
				o := m.PixOffset(b.Min.X+x0+x, b.Min.Y+y0+y)
				r, g, bb = uint32(m.Pix[o]), uint32(m.Pix[o+1]), uint32(m.Pix[o+2])
			case *image.RGBA:
				o := m.PixOffset(b.Min.X+x0+x, b.Min.Y+y0+y)
				r, g, bb = uint32(m.Pix[o]), uint32(m.Pix[o+1]), uint32(m.Pix[o+2])
			default:
				r, g, bb, _ = img.At(b.Min.X+x0+x, b.Min.Y+y0+y).RGBA()
				r, g, bb = r>>8, g>>8, bb>>8
			}
			out = append(out, byte(r), byte(g), byte(bb))
		}
	}
	return out, w, h, nil
}
