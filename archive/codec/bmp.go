package codec

import (
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/bmpre"
)

// modelBMP (codec 30): a palette BMP (1, 4 or 8 bits per pixel,
// uncompressed, RLE8 or RLE4) as its colour indices through the palette
// pixel model (raster.go), package bmpre rebuilding the rows or RLE codes
// and every other byte exactly. 24- and 32-bit BMPs are model-image's.
var modelBMP = rasterCodec{id: format.CodecModelBMP, ct: container{
	name: "BMP",
	split: func(data []byte, _ byte) ([]byte, []raster, [][]byte, error) {
		p, err := bmpre.Split(data)
		if err != nil {
			return nil, nil, nil, err
		}
		return p.Meta, []raster{bmpRaster(p.W, p.H, p.Palette)}, [][]byte{p.Pix}, nil
	},
	shapes: func(meta []byte) ([]raster, error) {
		w, h, pal, err := bmpre.Shape(meta)
		return []raster{bmpRaster(w, h, pal)}, err
	},
	join: func(meta []byte, pix [][]byte, _ byte) ([]byte, error) {
		if len(pix) != 1 {
			return nil, format.ErrCorrupt
		}
		return bmpre.Join(meta, pix[0])
	},
	// RLE8 codes up to 255 pixels in 2 bytes.
	expansion: 128,
}}

func bmpRaster(w, h int, pal []byte) raster {
	return raster{w: w, h: h, c: 1, bytes: 1, palette: pal, indexed: true}
}

// The BMP planners per preset: every BMP of at most one block that the
// image planner (24- and 32-bit BMPs) did not take.
var (
	planBMP     = modelBMP.planner("image/bmp", PresetDefault)
	planBMPBest = modelBMP.planner("image/bmp", PresetBest)
	planBMPFast = modelBMP.planner("image/bmp", PresetFast)
)
