package codec

import (
	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/gifre"
)

// modelGIF (codec 28): a GIF's frames, each an index image with its
// colour table, through the palette pixel model (raster.go); package
// gifre rebuilds the LZW streams and every other byte exactly.
var modelGIF = rasterCodec{id: format.CodecModelGIF, ct: container{
	name: "GIF",
	split: func(data []byte, _ byte) ([]byte, []raster, [][]byte, error) {
		p, err := gifre.Split(data)
		if err != nil {
			return nil, nil, nil, err
		}
		shapes, pix := make([]raster, len(p.Frames)), make([][]byte, len(p.Frames))
		for i, f := range p.Frames {
			shapes[i], pix[i] = gifRaster(f), f.Pix
		}
		return p.Meta, shapes, pix, nil
	},
	shapes: func(meta []byte) ([]raster, error) {
		fs, err := gifre.Frames(meta)
		if err != nil {
			return nil, err
		}
		shapes := make([]raster, len(fs))
		for i, f := range fs {
			shapes[i] = gifRaster(f)
		}
		return shapes, nil
	},
	join: func(meta []byte, pix [][]byte, _ byte) ([]byte, error) { return gifre.Join(meta, pix) },
	// LZW codes up to 4,096 pixels in 12 bits: a flat GIF holds
	// thousands of pixels per byte.
	expansion: 4096,
}}

// The GIF planners per preset: every GIF of at most one block.
var (
	planGIF     = modelGIF.planner("image/gif", PresetDefault)
	planGIFBest = modelGIF.planner("image/gif", PresetBest)
	planGIFFast = modelGIF.planner("image/gif", PresetFast)
)

func gifRaster(f gifre.Frame) raster {
	return raster{w: f.W, h: f.H, c: 1, bytes: 1, palette: f.Palette, indexed: true}
}
