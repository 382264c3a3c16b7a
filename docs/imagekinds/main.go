// Command imagekinds writes the image-kinds corpus's files that Go's
// encoders make (docs/image-kinds.sh): a 16-bit grey PNG, an NRGBA64
// PNG with an alpha ramp, a paletted PNG, and an animated GIF, all from
// one source image.
//
// Usage: go run ./docs/imagekinds SOURCE.png OUTDIR
package main

import (
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: imagekinds SOURCE.png OUTDIR")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	src, err := png.Decode(f)
	f.Close()
	if err != nil {
		log.Fatal(err)
	}
	out := os.Args[2]
	b := src.Bounds()
	g16 := image.NewGray16(b)
	rgba := image.NewNRGBA64(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := src.At(x, y)
			g16.Set(x, y, c)
			r, g, bl, _ := c.RGBA()
			a := uint16(0xffff * (x - b.Min.X) / max(b.Dx()-1, 1))
			rgba.SetNRGBA64(x, y, color.NRGBA64{uint16(r), uint16(g), uint16(bl), a})
		}
	}
	pal := image.NewPaletted(b, palette.Plan9)
	draw.FloydSteinberg.Draw(pal, b, src, b.Min)
	write(filepath.Join(out, "png-16", "go-grey16.png"), func(w *os.File) error { return png.Encode(w, g16) })
	write(filepath.Join(out, "png-16", "go-nrgba64.png"), func(w *os.File) error { return png.Encode(w, rgba) })
	write(filepath.Join(out, "png-palette", "go-plan9.png"), func(w *os.File) error { return png.Encode(w, pal) })
	// An animated GIF: four frames panning across the image, each with the
	// Plan 9 palette; the last one with a local palette of its own.
	anim := &gif.GIF{LoopCount: 0}
	for i := range 4 {
		r := image.Rect(0, 0, b.Dx()/2, b.Dy()/2)
		p := palette.Plan9
		if i == 3 {
			p = palette.WebSafe
		}
		fr := image.NewPaletted(r, p)
		draw.Draw(fr, r, src, b.Min.Add(image.Pt(i*b.Dx()/8, i*b.Dy()/8)), draw.Src)
		anim.Image = append(anim.Image, fr)
		anim.Delay = append(anim.Delay, 25)
	}
	write(filepath.Join(out, "gif", "go-animated.gif"), func(w *os.File) error { return gif.EncodeAll(w, anim) })
}

func write(path string, enc func(*os.File) error) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := enc(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
