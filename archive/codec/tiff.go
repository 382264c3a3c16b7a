package codec

import (
	"fmt"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/tiffre"
)

// modelTIFF (codec 29): a compressed TIFF's image (LZW, Deflate,
// PackBits; 8 or 16 bits per sample; any predictor undone) through the
// pixel models (raster.go), package tiffre rebuilding every compressed
// strip or tile and every other byte exactly. Uncompressed 8- and 16-bit
// TIFFs are model-image's (package pixels finds their rows in place).
// Version 2 entries (what dcar writes) carry tiffre's side data version
// 2 (Deflate chunks' tokens against zlib's emulated parse), version 1
// entries version 1.
var modelTIFF = rasterCodec{id: format.CodecModelTIFF, ct: container{
	name:     "TIFF",
	colour:   true,
	versions: 2,
	split: func(data []byte, v byte) ([]byte, []raster, [][]byte, error) {
		p, err := tiffre.SplitVersion(data, v)
		if err != nil {
			return nil, nil, nil, err
		}
		r, err := tiffRaster(p.Meta)
		if err != nil {
			return nil, nil, nil, err
		}
		return p.Meta, []raster{r}, [][]byte{p.Pixels}, nil
	},
	shapes: func(meta []byte) ([]raster, error) {
		r, err := tiffRaster(meta)
		return []raster{r}, err
	},
	join: func(meta []byte, pix [][]byte, v byte) ([]byte, error) {
		if len(pix) != 1 || meta[0] != v {
			return nil, fmt.Errorf("%w: side data version %d in a version %d entry", format.ErrCorrupt, meta[0], v)
		}
		return tiffre.Join(meta, pix[0])
	},
	expansion: maxPNGExpansion, // LZW and Deflate alike
}}

// tiffRaster is the one raster of a TIFF's side data. Palette TIFFs'
// indices go to the palette model in their own order (the colour map
// stays in the side data).
func tiffRaster(meta []byte) (raster, error) {
	w, h, c, depth, pal, err := tiffre.Shape(meta)
	if err != nil {
		return raster{}, err
	}
	return raster{w: w, h: h, c: c, bytes: depth / 8, indexed: pal && depth == 8}, nil
}

// The TIFF planners per preset: every TIFF of at most one block that the
// image planner (uncompressed TIFFs) did not take.
var (
	planTIFF     = modelTIFF.planner("image/tiff", PresetDefault)
	planTIFFBest = modelTIFF.planner("image/tiff", PresetBest)
	planTIFFFast = modelTIFF.planner("image/tiff", PresetFast)
)
