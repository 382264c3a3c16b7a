package bench

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"

	"github.com/dcar-archiver/dcar/format/pixels"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// The image peers (lossless JPEG XL) are checked by pixels, not bytes:
// an image file and the peer's decoded output are both decoded to
// 16-bit RGBA and compared pixel by pixel, whatever their containers and
// bit depths (a palette GIF against an RGB PNG, a 1-bit grey PNG against
// an 8-bit one).

// picture is a decoded image file.
type picture struct {
	img     image.Image
	samples int64 // pixels × channels (grey 1, grey+alpha 2, colour 3, colour+alpha 4; palette images by their colours)
	frames  int   // images in the file (an animated GIF has several)
	peerPNG bool  // the peers do not read the container: give them a PNG of img
	deep    bool  // 16 bits per sample
}

// decodePicture decodes a still or animated image file: PNG, GIF, TIFF,
// BMP, and the containers package pixels reads (PNM, PAM, ...).
func decodePicture(data []byte) (*picture, bool) {
	if l, kind, err := pixels.Parse(data); err == nil {
		s, _, err := l.Split(data)
		if err != nil {
			return nil, false
		}
		img := fromSamples(s, l)
		if img == nil {
			return nil, false
		}
		return &picture{img: img, samples: int64(l.W * l.H * l.C), frames: 1, peerPNG: kind == "bmp" || kind == "tiff", deep: len(s) == 2*l.Samples()}, true
	}
	var p picture
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		p.img, err = png.Decode(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte("GIF8")):
		var g *gif.GIF
		if g, err = gif.DecodeAll(bytes.NewReader(data)); err == nil {
			p.img, p.frames = g.Image[0], len(g.Image)
			for _, f := range g.Image[1:] {
				p.samples += int64(f.Rect.Dx()*f.Rect.Dy()) * channels(f)
			}
		}
	case bytes.HasPrefix(data, []byte("II*\x00")) || bytes.HasPrefix(data, []byte("MM\x00*")):
		p.img, err = tiff.Decode(bytes.NewReader(data))
		p.peerPNG = true
	case bytes.HasPrefix(data, []byte("BM")):
		p.img, err = bmp.Decode(bytes.NewReader(data))
		p.peerPNG = true
	default:
		return nil, false
	}
	if err != nil {
		return nil, false
	}
	b := p.img.Bounds()
	p.samples += int64(b.Dx()*b.Dy()) * channels(p.img)
	p.frames = max(p.frames, 1)
	switch p.img.ColorModel() {
	case color.Gray16Model, color.RGBA64Model, color.NRGBA64Model:
		p.deep = true
	}
	return &p, true
}

// bits is the picture's bits per sample as a decoder should write it:
// 16 for 16-bit images, else 8.
func (p *picture) bits() int {
	if p.deep {
		return 16
	}
	return 8
}

// channels is the channels an image has: 1 or 2 for grey, 3 or 4 for
// colour (with alpha if any pixel is not opaque).
func channels(img image.Image) int64 {
	var grey bool
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		grey = true
	}
	n := int64(3)
	if grey {
		n = 1
	}
	if o, ok := img.(interface{ Opaque() bool }); ok && !o.Opaque() {
		n++
	}
	return n
}

// fromSamples makes an image of the samples of layout l (8-bit, or two
// bytes per sample most significant first).
func fromSamples(s []byte, l *pixels.Layout) image.Image {
	r := image.Rect(0, 0, l.W, l.H)
	wide := len(s) == 2*l.Samples()
	at := func(i int) uint16 {
		if wide {
			return uint16(s[2*i])<<8 | uint16(s[2*i+1])
		}
		return uint16(s[i]) * 257
	}
	img := image.NewNRGBA64(r)
	for y := range l.H {
		for x := range l.W {
			i := (y*l.W + x) * l.C
			var c color.NRGBA64
			switch l.C {
			case 1, 2:
				c = color.NRGBA64{at(i), at(i), at(i), 0xffff}
				if l.C == 2 {
					c.A = at(i + 1)
				}
			case 3, 4:
				c = color.NRGBA64{at(i), at(i + 1), at(i + 2), 0xffff}
				if l.C == 4 {
					c.A = at(i + 3)
				}
			default:
				return nil
			}
			img.SetNRGBA64(x, y, c)
		}
	}
	return img
}

// samePicture reports whether two decoded images have the same size and
// the same 16-bit RGBA colour at every pixel.
func samePicture(a, b *picture) bool {
	ra, rb := a.img.Bounds(), b.img.Bounds()
	if ra.Dx() != rb.Dx() || ra.Dy() != rb.Dy() {
		return false
	}
	for y := range ra.Dy() {
		for x := range ra.Dx() {
			ca := color.NRGBA64Model.Convert(a.img.At(ra.Min.X+x, ra.Min.Y+y))
			cb := color.NRGBA64Model.Convert(b.img.At(rb.Min.X+x, rb.Min.Y+y))
			if ca != cb {
				return false
			}
		}
	}
	return true
}
