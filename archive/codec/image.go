package codec

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/domain"
	"github.com/dcar-archiver/dcar/model/imgctx"
)

// maxImageFile bounds the files the image planner reads whole to find
// their layout.
const maxImageFile = 1 << 30

// A pixelModel codes the samples of one stripe (w x rows pixels, ch
// interleaved 8-bit channels). Models are identified by an 8-byte
// fingerprint stored in every entry's parameters.
type pixelModel interface {
	EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error)
	DecodeStripe(data []byte, w, rows, ch int) ([]byte, error)
}

// paletteModel returns the pixel model palette indices are coded with
// when pm codes the colour rasters of its codec (model.CMNet.Palette).
func paletteModel(pm pixelModel) pixelModel {
	if c, ok := pm.(model.CMNet); ok {
		return c.Palette()
	}
	return pm
}

// ctxModel is imgctx alone.
type ctxModel struct{}

func (ctxModel) EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error) {
	return imgctx.EncodeStripeConfig(dst, samples, w, rows, ch, imgctx.DefaultConfig)
}

func (ctxModel) DecodeStripe(data []byte, w, rows, ch int) ([]byte, error) {
	return imgctx.DecodeStripeConfig(data, w, rows, ch, imgctx.DefaultConfig)
}

// The two image codecs share the container handling below and differ in
// their pixel model: imgctx alone (ctx-image), or imgctx plus the shipped
// integer network (model-image).
var (
	ctxImage = imageCodec{
		name:    "ctx-image",
		current: func() ([8]byte, error) { return imgctx.DefaultFingerprint, nil },
		lookup: func(fp [8]byte, _ *domain.Model) (pixelModel, error) {
			if want := imgctx.DefaultFingerprint; fp != want {
				return nil, fmt.Errorf("%w: ctx-image model fingerprint %x in the archive, this dcar has %x", ErrModelMismatch, fp[:], want[:])
			}
			return ctxModel{}, nil
		},
	}
	modelImage = imageCodec{
		name:    "model-image",
		current: defaultNetFingerprint,
		lookup:  func(fp [8]byte, d *domain.Model) (pixelModel, error) { return lookupPixelModel("model-image", fp, d) },
	}
	// modelImageCM is model-image with the context-mixing stage over
	// the network (model.CMNet), written with --best.
	modelImageCM = imageCodec{
		name:    "model-image",
		current: defaultCMFingerprint,
		lookup:  modelImage.lookup,
		halves:  true,
	}
)

// defaultCMFingerprint is the fingerprint of the default network with
// the context-mixing stage.
func defaultCMFingerprint() ([8]byte, error) {
	m, err := model.Default()
	if err != nil {
		return [8]byte{}, err
	}
	return m.CMFingerprint, nil
}

// defaultSplitFingerprint is the fingerprint of the default network
// coding a large stripe in two halves at once (model-png's pixels).
func defaultSplitFingerprint() ([8]byte, error) {
	m, err := model.Default()
	if err != nil {
		return [8]byte{}, err
	}
	return m.SplitFingerprint, nil
}

// defaultNetFingerprint is the fingerprint of the network new entries use.
func defaultNetFingerprint() ([8]byte, error) {
	m, err := model.Default()
	if err != nil {
		return [8]byte{}, err
	}
	return m.Fingerprint, nil
}

// lookupPixelModel returns the pixel model with fingerprint fp: imgctx
// alone, one of the networks this binary ships (every network a release
// ever wrote with stays embedded), or the image network of the archive's
// domain model d (nil: none). Otherwise the error names fp and the
// fingerprints there are.
func lookupPixelModel(codec string, fp [8]byte, d *domain.Model) (pixelModel, error) {
	if fp == imgctx.DefaultFingerprint {
		return ctxModel{}, nil
	}
	if d != nil && d.Image() != nil {
		if pm, ok := networkModel(d.Image(), fp); ok {
			return pm, nil
		}
	}
	all, _ := model.Shipped()
	for _, m := range all {
		if pm, ok := networkModel(m, fp); ok {
			return pm, nil
		}
	}
	cfp := imgctx.DefaultFingerprint
	names := []string{fmt.Sprintf("%x (imgctx)", cfp[:])}
	if d != nil && d.Image() != nil {
		all = append(slices.Clip(all), d.Image()) // a copy: all is the shipped list
	}
	for _, m := range all {
		names = append(names, fmt.Sprintf("%x (%s)", m.Fingerprint[:], m.Name), fmt.Sprintf("%x (%s + CM)", m.CMFingerprint[:], m.Name),
			fmt.Sprintf("%x (%s, halves)", m.SplitFingerprint[:], m.Name))
	}
	return nil, fmt.Errorf("%w: %s pixel model fingerprint %x in the archive, this dcar has %s", ErrModelMismatch, codec, fp[:], strings.Join(names, ", "))
}

// roles are the fingerprints of network m's pixel models: the network
// alone, with the context-mixing stage, coding a large stripe in two
// halves.
func roles(m *model.Model) [][8]byte {
	return [][8]byte{m.Fingerprint, m.CMFingerprint, m.SplitFingerprint}
}

// networkModel returns the pixel model of network m that fingerprint fp
// names (roles).
func networkModel(m *model.Model, fp [8]byte) (pixelModel, bool) {
	switch slices.Index(roles(m), fp) {
	case 0:
		return m.Net, true
	case 1:
		return m.CM(), true
	case 2:
		return model.SplitNet{Net: m.Net}, true
	}
	return nil, false
}

// domainNetwork maps fingerprint fp of the default network's pixel
// models to the same pixel model of the image network of d; ok is false
// when d has no image network or fp is not one of the default
// network's.
func domainNetwork(fp [8]byte, d *domain.Model) (out [8]byte, ok bool) {
	if d == nil || d.Image() == nil {
		return fp, false
	}
	def, err := model.Default()
	if err != nil {
		return fp, false
	}
	if i := slices.Index(roles(def), fp); i >= 0 {
		return roles(d.Image())[i], true
	}
	return fp, false
}

// pixelFingerprints returns where the network fingerprints lie in the
// parameters of an entry of a pixel codec (nil for other codecs).
func pixelFingerprints(id uint64) []int {
	switch id {
	case format.CodecModelImage, format.CodecModelPNG:
		return []int{1}
	case format.CodecModelGIF, format.CodecModelTIFF, format.CodecModelBMP:
		return []int{1, 9}
	}
	return nil
}

// imageCodec codes pixel containers: the samples of the rows a block
// holds whole through a pixel model, every other byte verbatim (zstd).
type imageCodec struct {
	name    string
	current func() ([8]byte, error)                               // the fingerprint new entries get
	lookup  func(fp [8]byte, d *domain.Model) (pixelModel, error) // the model of an entry's fingerprint (d: the archive's domain model)
	halves  bool                                                  // the model codes a large stripe in two halves itself
}

// planImage routes uncompressed image containers to model-image. An
// image below SplitSamples is one block (one stripe); a larger one up to
// 16 MiB is two blocks cut at a row (two cores code it); larger files
// are cut in 16 MiB blocks, each coding the rows it holds whole.
// A flat image (flat) goes to the context-mixing stage instead, as
// palette images do.
func planImage(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planImageWith(modelImage, &modelImageCM, format.CodecModelImage, k, r, size)
}

// planCtxImage routes uncompressed image containers to ctx-image: imgctx
// alone, about four times as fast as model-image (--fast).
func planCtxImage(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planImageWith(ctxImage, nil, format.CodecCtxImage, k, r, size)
}

// planImageBest routes image containers to model-image with the
// context-mixing stage (--best). An image of model.CMSplitSamples or more
// is coded in two halves at once (both cores on one image).
func planImageBest(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planImageWith(modelImageCM, nil, format.CodecModelImage, k, r, size)
}

// planImageWith plans an image for c, or for flatC (if set) if it is
// flat.
func planImageWith(c imageCodec, flatC *imageCodec, id uint64, k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.Modality != format.ModalityImage || k.Compressed || size > maxImageFile || size == 0 {
		return Choice{}, false
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil {
		return Choice{}, false
	}
	l, _, err := pixels.Parse(data)
	if err != nil {
		return Choice{}, false
	}
	if flatC != nil && flat(l, data) {
		c = *flatC
	}
	params, err := c.params(l)
	if err != nil || len(params) > format.MaxParamsLen {
		return Choice{}, false // no model, or a layout too irregular to record cheaply
	}
	bs := int(min(size, format.MaxBlockSize))
	if !c.halves {
		bs = splitBlockSize(l, size, bs)
	}
	return Choice{Codec: id, Params: params, BlockSize: bs}, true
}

// flat reports whether the image l lays out in data is flat: at least
// flatShare of its samples equal to the same channel's one pixel to the
// left. Exact repeats are what the context-mixing stage's exact-value
// contexts code and the network's smooth distribution does not: a page
// of text rendered at 150 dpi in grey (2.2 MB, 93 % of its samples
// equal to their left neighbour) came to 61,598 bytes by the network
// (its zstd fallback; xz -9e 42,176) and 10,712 through the stage, at
// twice the network's CPU time. Kodak's photos have 6-41 %.
func flat(l *pixels.Layout, data []byte) bool {
	stride := l.C * l.SampleBytes()
	rowLen := int64(l.W * stride)
	var fc flatCount
	for _, off := range l.Rows {
		if off < 0 || off+rowLen > int64(len(data)) {
			return false
		}
		fc.add(data[off:off+rowLen], stride)
	}
	return fc.flat()
}

// A flatCount counts the samples of rows equal to the sample one pixel
// to their left (flat).
type flatCount struct{ same, n int64 }

// add counts a row of pixels stride bytes wide.
func (f *flatCount) add(row []byte, stride int) {
	for i := stride; i < len(row); i++ {
		if row[i] == row[i-stride] {
			f.same++
		}
	}
	f.n += int64(max(len(row)-stride, 0))
}

func (f *flatCount) flat() bool { return f.n > 0 && f.same >= int64(flatShare*float64(f.n)) }

// flatShare is the share of samples equal to their left neighbour from
// which an image is flat (flat).
const flatShare = 0.6

// SplitSamples is the image size from which an image is coded in two
// blocks, so that two cores code one image at once: the first block
// ends where the row nearest the middle of the file starts, so every
// row lies wholly in one block. Each half learns from scratch, yet on
// training photos of 0.9-1.3 MP the two halves came out 0.2 % smaller
// than one stripe (the adapted head follows each half more closely;
// docs/ABLATIONS.md), so the threshold is low: 1 Mi samples, a 0.35 MP
// colour image. (PNGs are one block: model-png codes the whole file.)
var SplitSamples = 1 << 20

// splitBlockSize returns the block size that cuts an image of l (a
// file of size bytes, blocks of bs) in two at a row, or bs.
func splitBlockSize(l *pixels.Layout, size int64, bs int) int {
	if l.Samples() < SplitSamples || size > int64(bs) {
		return bs
	}
	cut := size
	for _, r := range l.Rows {
		if r >= (size+1)/2 && r < cut {
			cut = r
		}
	}
	if cut == size {
		return bs
	}
	return int(cut)
}

// params are: the parameter version, the model fingerprint (8 bytes),
// the pixel layout.
func (c imageCodec) params(l *pixels.Layout) ([]byte, error) {
	fp, err := c.current()
	if err != nil {
		return nil, err
	}
	p := append([]byte{paramsVersion}, fp[:]...)
	return append(p, l.MarshalBinary()...), nil
}

// setup checks a block's parameters and returns its layout and model.
func (c imageCodec) setup(b Block) (*pixels.Layout, pixelModel, error) {
	if len(b.Params) < 9 || b.Params[0] != paramsVersion {
		return nil, nil, fmt.Errorf("%w (%s version %d)", ErrParams, c.name, firstByte(b.Params))
	}
	m, err := c.lookup([8]byte(b.Params[1:9]), b.Domain)
	if err != nil {
		return nil, nil, err
	}
	l, err := pixels.UnmarshalLayout(b.Params[9:], b.EntrySize)
	return l, m, err
}

// stripe finds the rows of the image lying wholly inside the block
// [off, off+n): their first canonical row and count. Only a contiguous run
// of rows is coded as a stripe; anything else stays in the residual.
func stripe(l *pixels.Layout, off, n int64) (y0, rows int) {
	rb := int64(l.RowBytes())
	y0 = -1
	for y, r := range l.Rows {
		inside := r >= off && r+rb <= off+n
		switch {
		case inside && y0 < 0:
			y0, rows = y, 1
		case inside && y == y0+rows:
			rows++
		case inside:
			return y0, rows // a second run: keep the first
		}
	}
	if y0 < 0 {
		return 0, 0
	}
	return y0, rows
}

// split separates a block into the samples of its stripe and the rest of
// its bytes, in file order.
func split(l *pixels.Layout, blk []byte, off int64, y0, rows int) (samples, rest []byte) {
	rb := l.RowBytes()
	samples = make([]byte, rows*rb)
	covered := make([]bool, len(blk)) // which block bytes are samples
	for i := 0; i < rows; i++ {
		at := l.Rows[y0+i] - off
		l.GatherRow(samples[i*rb:(i+1)*rb], blk[at:at+int64(rb)])
		for k := at; k < at+int64(rb); k++ {
			covered[k] = true
		}
	}
	rest = make([]byte, 0, len(blk)-len(samples))
	for i, c := range blk {
		if !covered[i] {
			rest = append(rest, c)
		}
	}
	return samples, rest
}

// Payload of an image block (ctx-image and model-image alike):
//
//	uvarint  length of the residual part
//	residual: the block's non-sample bytes, as a zstd block body (see
//	          residual()) — codec byte 0 = stored, 1 = zstd
//	the pixel model's stream of the stripe's samples (may be empty)
func (c imageCodec) Compress(dst, src []byte, b Block) ([]byte, error) {
	l, m, err := c.setup(b)
	if err != nil {
		return dst, err
	}
	y0, rows := stripe(l, b.Offset, int64(len(src)))
	samples, rest := split(l, src, b.Offset, y0, rows)
	res, err := packResidual(rest)
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(res)))
	dst = append(dst, res...)
	if rows == 0 {
		return dst, nil
	}
	return encodePixels(dst, m, samples, l.W, rows, l.C, l.SampleBytes(), false)
}

func (c imageCodec) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	l, m, err := c.setup(b)
	if err != nil {
		return dst, err
	}
	y0, rows := stripe(l, b.Offset, int64(rawLen))
	rb := l.RowBytes()
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return dst, fmt.Errorf("%w: %s residual length", format.ErrCorrupt, c.name)
	}
	restLen := rawLen - rows*rb
	rest, err := unpackResidual(src[k:k+int(n)], restLen)
	if err != nil {
		return dst, err
	}
	var samples []byte
	if rows > 0 {
		if samples, err = decodePixels(src[k+int(n):], m, l.W, rows, l.C, l.SampleBytes(), false); err != nil {
			return dst, fmt.Errorf("%w: %s: %v", format.ErrCorrupt, c.name, err)
		}
	} else if len(src) != k+int(n) {
		return dst, fmt.Errorf("%w: %s: trailing bytes", format.ErrCorrupt, c.name)
	}
	start := len(dst)
	dst = append(dst, make([]byte, rawLen)...)
	blk := dst[start:]
	covered := make([]bool, rawLen)
	for i := 0; i < rows; i++ {
		at := l.Rows[y0+i] - b.Offset
		l.ScatterRow(blk[at:at+int64(rb)], samples[i*rb:(i+1)*rb])
		for j := at; j < at+int64(rb); j++ {
			covered[j] = true
		}
	}
	r := 0
	for i := range blk {
		if !covered[i] {
			blk[i] = rest[r]
			r++
		}
	}
	return dst, nil
}

// packResidual codes the non-sample bytes: zstd if it pays, else stored.
func packResidual(rest []byte) ([]byte, error) {
	if len(rest) == 0 {
		return nil, nil
	}
	out, err := zstdC.Compress([]byte{1}, rest, Block{Level: 19})
	if err != nil || len(out) >= len(rest)+1 {
		return append([]byte{0}, rest...), nil
	}
	return out, nil
}

func unpackResidual(b []byte, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: ctx-image block shorter than its rows", format.ErrCorrupt)
	}
	if n == 0 {
		if len(b) != 0 {
			return nil, fmt.Errorf("%w: ctx-image residual", format.ErrCorrupt)
		}
		return nil, nil
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: ctx-image residual missing", format.ErrCorrupt)
	}
	return unpackStoredOrZstd(b, n, "image residual")
}

// shippedPixelModel reports whether fp names imgctx or a pixel model of
// a shipped network.
func shippedPixelModel(fp [8]byte) bool {
	if fp == imgctx.DefaultFingerprint {
		return true
	}
	all, _ := model.Shipped()
	for _, m := range all {
		if _, ok := networkModel(m, fp); ok {
			return true
		}
	}
	return false
}
