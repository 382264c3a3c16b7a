package codec

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/dcar-archiver/dcar/format"
)

// model-gif (codec 28) and model-tiff (codec 29) code files whose pixels
// are compressed inside a container: a package of format/ splits the
// file into rasters (a GIF's frames, a TIFF's image) and side data that
// rebuilds the exact file from them; each raster goes through a pixel
// model, the side data through zstd. A file the container package does
// not split, or whose side data does not rebuild it byte for byte, is
// declined when its block is coded and stays a zstd block.
//
// Parameters: the version (1, or up to the container's versions: model-
// tiff's version 2 has tiffre's side data version 2), the fingerprint of
// the pixel model of colour rasters, the fingerprint of the pixel model
// of palette rasters (8 bytes each).
//
// Payload (the whole file is one block):
//
//	uvarint  M, the length of the side data
//	uvarint  L, then L bytes: the side data as byte 0x00 and M bytes
//	         verbatim, or byte 0x01 and one zstd frame decoding to M bytes
//	per raster, in the container's order:
//	  uvarint  S, then S bytes: the raster's stream: a palette raster's
//	           indices renumbered by luminance (as model-png version 3)
//	           through the palette model; 8-bit samples through the
//	           colour model; 16-bit samples as encodeWide's stream with
//	           the colour model

const rasterParamsVersion = 1

// raster is one image of a container file: w×h pixels of c samples of
// bytes bytes each (1, or 2 most significant first); palette (RGB
// triples) is set for a palette image, whose single sample is an index.
type raster struct {
	w, h, c, bytes int
	palette        []byte
	indexed        bool
}

func (r raster) samples() int64 { return int64(r.w) * int64(r.h) * int64(r.c) }

// container is what a raster codec needs of a format package.
type container struct {
	name string
	// versions is the highest parameter version (0: 1); new entries get
	// it. split and join get the entry's.
	versions byte
	// split returns the side data and the rasters with their pixels; any
	// error declines the file (zstd).
	split func(data []byte, v byte) (meta []byte, shapes []raster, pix [][]byte, err error)
	// shapes returns the rasters' shapes from the side data alone.
	shapes func(meta []byte) ([]raster, error)
	// join rebuilds the file.
	join func(meta []byte, pix [][]byte, v byte) ([]byte, error)
	// expansion bounds the samples of a file per file byte, so that a
	// decoder's memory stays O(rawLen) whatever the side data claims.
	expansion int64
	// colour is set when the format has colour (not palette) rasters.
	colour bool
}

type rasterCodec struct {
	id uint64
	ct container
}

// rasterModels are the colour and palette models new entries get per
// preset.
func rasterModels(p Preset) (colour, indexed func() ([8]byte, error)) {
	switch p {
	case PresetFast:
		return ctxImage.current, ctxImage.current
	case PresetBest:
		return defaultCMFingerprint, defaultCMFingerprint
	}
	return defaultSplitFingerprint, defaultCMFingerprint
}

// planner returns the codec's planner for preset p: files of the
// codec's MIME type up to one block.
func (rc rasterCodec) planner(mime string, p Preset) Planner {
	colour, indexed := rasterModels(p)
	return func(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
		if k.MIME != mime || size == 0 || size > format.MaxBlockSize {
			return Choice{}, false
		}
		colour := colour
		if p == PresetDefault && rc.ct.colour && rc.flat(r, size) {
			colour = defaultCMFingerprint
		}
		fc, err1 := colour()
		fi, err2 := indexed()
		if err1 != nil || err2 != nil {
			return Choice{}, false
		}
		params := append(append([]byte{rc.version()}, fc[:]...), fi[:]...)
		return Choice{Codec: rc.id, Params: params, BlockSize: int(size)}, true
	}
}

// flat reports whether the file r holds (size bytes) splits into
// rasters whose colour ones (not palette) are flat (flat): the default
// then codes them with the context-mixing stage, as palette rasters (a
// page scan in an LZW TIFF, a screenshot). A file that does not split is
// not flat (Compress declines it).
func (rc rasterCodec) flat(r io.ReaderAt, size int64) bool {
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return false
	}
	_, shapes, pix, err := rc.ct.split(data, rc.version())
	if err != nil || len(shapes) != len(pix) {
		return false
	}
	var fc flatCount
	for i, s := range shapes {
		if s.indexed {
			continue
		}
		stride := s.c * s.bytes
		rowLen := s.w * stride
		for off := 0; off+rowLen <= len(pix[i]); off += rowLen {
			fc.add(pix[i][off:off+rowLen], stride)
		}
	}
	return fc.flat()
}

// version is the parameter version new entries get.
func (rc rasterCodec) version() byte { return max(rc.ct.versions, rasterParamsVersion) }

// models returns the entry's colour and palette models (the palette
// model's stage cold under a primer: paletteModel).
func (rc rasterCodec) models(b Block) (colour, indexed pixelModel, err error) {
	p := b.Params
	name := format.CodecName(rc.id)
	if len(p) != 17 || p[0] < rasterParamsVersion || p[0] > rc.version() {
		return nil, nil, fmt.Errorf("%w (%s version %d)", ErrParams, name, firstByte(p))
	}
	if b.Offset != 0 {
		return nil, nil, fmt.Errorf("%w: %s entry in more than one block", format.ErrCorrupt, name)
	}
	if colour, err = lookupPixelModel(name, [8]byte(p[1:9]), b.Domain); err != nil {
		return nil, nil, err
	}
	if indexed, err = lookupPixelModel(name, [8]byte(p[9:17]), b.Domain); err != nil {
		return nil, nil, err
	}
	return colour, paletteModel(indexed), nil
}

func (rc rasterCodec) Compress(dst, src []byte, b Block) ([]byte, error) {
	colour, indexed, err := rc.models(b)
	if err != nil {
		return dst, err
	}
	name := format.CodecName(rc.id)
	if int64(len(src)) != b.EntrySize {
		return dst, fmt.Errorf("%s: block of %d bytes, entry of %d", name, len(src), b.EntrySize)
	}
	meta, shapes, pix, err := rc.ct.split(src, b.Params[0])
	if err != nil {
		return dst, fmt.Errorf("%w: %s: %v", ErrDeclined, name, err)
	}
	var total int64
	for _, r := range shapes {
		total += r.samples()
	}
	if total > rc.ct.expansion*int64(len(src))+1<<16 {
		return dst, fmt.Errorf("%w: %s: %d samples in a file of %d bytes", ErrDeclined, name, total, len(src))
	}
	packed, err := packResidual(meta)
	if err != nil {
		return dst, err
	}
	dst = appendPacked(dst, len(meta), packed)
	for i, r := range shapes {
		pm, px := colour, pix[i]
		if r.indexed {
			pm, px = indexed, paletteRanks(r.palette).toRanks(px)
		}
		s, err := encodePixels(nil, pm, px, r.w, r.h, r.c, r.bytes, false)
		if err != nil {
			return dst, err
		}
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	return dst, nil
}

func (rc rasterCodec) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	colour, indexed, err := rc.models(b)
	if err != nil {
		return dst, err
	}
	name := format.CodecName(rc.id)
	bad := func(what string, a ...any) error {
		return fmt.Errorf("%w: %s %s", format.ErrCorrupt, name, fmt.Sprintf(what, a...))
	}
	m, packed, src, err := splitPacked(src, rc.ct.expansion*int64(rawLen)+1<<16, name, "side data")
	if err != nil {
		return dst, err
	}
	meta, err := unpackStoredOrZstd(packed, m, name+" side data")
	if err != nil {
		return dst, err
	}
	shapes, err := rc.ct.shapes(meta)
	if err != nil {
		return dst, bad("side data: %v", err)
	}
	var total int64
	for _, r := range shapes {
		if r.w <= 0 || r.h <= 0 || r.c < 1 || r.c > 4 || r.bytes < 1 || r.bytes > 2 {
			return dst, bad("raster of %dx%dx%d", r.w, r.h, r.c)
		}
		total += r.samples() * int64(r.bytes)
	}
	if total > 2*(rc.ct.expansion*int64(rawLen)+1<<16) {
		return dst, bad("rasters larger than the file allows")
	}
	pix := make([][]byte, len(shapes))
	for i, r := range shapes {
		n, k := binary.Uvarint(src)
		if k <= 0 || n > uint64(len(src)-k) {
			return dst, bad("raster %d: stream length", i)
		}
		s := src[k : k+int(n)]
		src = src[k+int(n):]
		pm := colour
		if r.indexed {
			pm = indexed
		}
		if pix[i], err = decodePixels(s, pm, r.w, r.h, r.c, r.bytes, false); err != nil {
			return dst, bad("raster %d: %v", i, err)
		}
		if r.indexed {
			pix[i] = paletteRanks(r.palette).toIndices(pix[i])
		}
	}
	if len(src) != 0 {
		return dst, bad("trailing bytes")
	}
	out, err := rc.ct.join(meta, pix, b.Params[0])
	if err != nil {
		return dst, bad("%v", err)
	}
	if len(out) != rawLen {
		return dst, bad("rebuilt %d bytes, want %d", len(out), rawLen)
	}
	return append(dst, out...), nil
}
