package codec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sort"

	"github.com/dcar-archiver/dcar/format"
	"github.com/dcar-archiver/dcar/format/deflatere"
	"github.com/dcar-archiver/dcar/format/pngre"
	"github.com/dcar-archiver/dcar/model"
)

// model-png (codec 18): a PNG is split by package pngre into its pixels
// and the side data that rebuilds the exact file from them; the pixels go
// through a pixel coder, the side data is stored compactly.

// pngParamsVersion is the first byte of model-png's parameters: version 1
// entries carry pngre side data version 1, version 2 entries (what dcar
// writes) pngre side data version 2.
const (
	pngParamsVersion  = 1
	pngParamsVersion2 = 2
	// pngParamsVersion3: side data version 2 of a palette or 1-, 2- or
	// 4-bit PNG (pixels = one byte per index or sample); dcar writes it
	// for those PNGs only, so that a dcar that predates them says so.
	pngParamsVersion3 = 3
	// pngParamsVersion4: side data version 2 of an Adam7-interlaced or
	// 16-bit PNG (any colour type and depth pngre splits; pixels =
	// the deinterlaced image, 16-bit samples as two bytes, most
	// significant first, coded as in spec section 7.16); palette and
	// 1-, 2-, 4-bit images as in version 3.
	pngParamsVersion4 = 4
	// pngParamsVersion5: side data version 2 of a grey+alpha or RGBA PNG
	// (any depth, interlaced or not) whose pixels are coded as two
	// planes, the colour channels and the alpha channel (encodePixels);
	// dcar writes it for every PNG with an alpha channel.
	pngParamsVersion5 = 5
	// pngParamsZlib added to versions 2 to 5 gives versions 6 to 9: the
	// same pixels with pngre side data version 3 (a stream's deflate
	// tokens coded against zlib's own parse where that reproduces them,
	// deflatere.ZlibEmulated). dcar writes these.
	pngParamsZlib = 4
)

// pngVersions splits a parameter version (1 to 9) into its pixel version
// (1 to 5: how the pixels are laid out and coded) and its pngre side data
// version.
func pngVersions(v byte) (pix byte, side int) {
	if v > pngParamsVersion5 {
		return v - pngParamsZlib, deflatere.ZlibEmulated
	}
	return v, min(int(v), pngParamsVersion2) // versions 3 to 5 are side data version 2
}

// maxPNGExpansion bounds the pixel bytes of a model-png entry relative to
// its file size, so that a decoder's memory stays O(RawLen) whatever the
// payload claims (deflate itself expands at most ~1032:1; PNGs past this
// bound stay zstd).
const maxPNGExpansion = 64

// pngCodec codes PNGs; its pixels go through the pixel model whose
// fingerprint the entry's parameters carry (imgctx alone or a shipped
// network, see lookupPixelModel); new entries get current's.
type pngCodec struct {
	current func() ([8]byte, error)
}

var (
	pngModel   = pngCodec{current: defaultSplitFingerprint} // what dcar writes: the network, a large image in two halves (model.SplitNet)
	pngModelCM = pngCodec{current: defaultCMFingerprint}    // with --best: the context-mixing stage
	pngCtx     = pngCodec{current: ctxImage.current}        // with --fast: imgctx pixels
)

// pngParams are: the parameter version, the pixel model's fingerprint.
func (c pngCodec) params() ([]byte, error) {
	fp, err := c.current()
	if err != nil {
		return nil, err
	}
	return append([]byte{pngParamsVersion2 + pngParamsZlib}, fp[:]...), nil
}

// check returns the entry's pixel model, its pixel version and its pngre
// side data version (pngVersions).
func (c pngCodec) check(b Block) (pixelModel, byte, int, error) {
	p := b.Params
	if len(p) != 9 || p[0] < pngParamsVersion || p[0] > pngParamsVersion5+pngParamsZlib {
		return nil, 0, 0, fmt.Errorf("%w (model-png version %d)", ErrParams, firstByte(p))
	}
	m, err := lookupPixelModel("model-png", [8]byte(p[1:9]), b.Domain)
	if err != nil {
		return nil, 0, 0, err
	}
	if b.Offset != 0 {
		return nil, 0, 0, fmt.Errorf("%w: model-png entry in more than one block", format.ErrCorrupt)
	}
	pix, side := pngVersions(p[0])
	return m, pix, side, nil
}

// planPNG routes PNGs of the kinds pngre splits to model-png, as one
// block. The full reconstruction round trip runs when the block is coded:
// a PNG whose side data does not rebuild it byte for byte is declined
// there (ErrDeclined) and its block coded with zstd.
func planPNG(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planPNGWith(pngModel, pngModelCM, &pngModelCM, 0, k, r, size)
}

// planPNGBest routes PNGs to model-png with the context-mixing stage
// (--best).
func planPNGBest(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planPNGWith(pngModelCM, pngModelCM, nil, 0, k, r, size)
}

// planPNGFast routes PNGs to model-png with imgctx's pixels (--fast),
// but not those of fastPNGExpansion pixel bytes per file byte or more:
// the rebuild and imgctx cost ~2 µs a pixel byte, so such a PNG would
// take 16 µs or more per file byte, more than the default takes for a
// photo.
func planPNGFast(k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	return planPNGWith(pngCtx, pngCtx, nil, fastPNGExpansion, k, r, size)
}

// planPNGWith plans a PNG for c, or for indexed if it is a palette or
// 1-, 2- or 4-bit image: flat colours and exact repeats are what the
// context-mixing stage's exact-value contexts code best (a palette
// screenshot: 4.9 KB, cjxl -e 9 14.2 KB, the network alone 25 KB); or
// for flatC (if set) if its pixels are model.FlatPNGExpansion times its size
// or more (a screenshot, a page of text: deflate found long repeats). It
// declines PNGs of most (if not 0) pixel bytes per file byte or more.
func planPNGWith(c, indexed pngCodec, flatC *pngCodec, most int64, k Kind, r io.ReaderAt, size int64) (Choice, bool) {
	if k.MIME != "image/png" || size == 0 || size > format.MaxBlockSize {
		return Choice{}, false
	}
	var head [33]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return Choice{}, false
	}
	ok, idx, v4, alpha := pngSupported(head[:], size)
	if !ok {
		return Choice{}, false
	}
	pix := pngFilteredLen(head[:])
	flat := pix >= model.FlatPNGExpansion*size
	switch {
	case most > 0 && pix >= most*size:
		return Choice{}, false
	case idx:
		c = indexed
	case flat && flatC != nil:
		c = *flatC
	}
	params, err := c.params()
	if err != nil {
		return Choice{}, false
	}
	switch {
	case alpha:
		params[0] = pngParamsVersion5 + pngParamsZlib
	case v4:
		params[0] = pngParamsVersion4 + pngParamsZlib
	case idx:
		params[0] = pngParamsVersion3 + pngParamsZlib
	}
	return Choice{Codec: format.CodecModelPNG, Params: params, BlockSize: int(size)}, true
}

// pngSupported reads a PNG's signature and IHDR chunk (the first 33
// bytes) and reports whether pngre may split it: 8- and 16-bit grey,
// grey+alpha, RGB or RGBA, palette images and 1-, 2- or 4-bit grey
// (indexed: the last two), interlaced or not (v4: interlaced or 16-bit,
// model-png version 4), with an alpha channel or not (alpha: version 5),
// and at most maxPNGExpansion pixel bytes per file byte. Whether its side
// data rebuilds it exactly is checked when it is coded (Compress declines
// it otherwise).
func pngSupported(h []byte, size int64) (ok, indexed, v4, alpha bool) {
	hd, ok := parseIHDR(h)
	if !ok || hd.interlace > 1 {
		return false, false, false, false
	}
	w, ht, depth, color, ch := hd.w, hd.h, hd.depth, hd.color, hd.ch
	low := (color == 0 || color == 3) && (depth == 1 || depth == 2 || depth == 4)
	wide := depth == 16 && color != 3
	bytes := int64(1)
	if wide {
		bytes = 2
	}
	ok = (depth == 8 || low || wide) && ch > 0 && w > 0 && ht > 0 &&
		w <= 1<<24 && ht <= 1<<24 && w*ht*ch*bytes <= maxPNGExpansion*size+1<<16
	return ok, color == 3 || low, wide || hd.interlace == 1, color == 4 || color == 6
}

// An ihdr is what a PNG's IHDR chunk says, with the channels per pixel
// of its colour type (0: a colour type pngre does not split).
type ihdr struct {
	w, h                    int64
	depth, color, interlace byte
	ch                      int64
}

// parseIHDR reads the signature and IHDR chunk at the start of b (its
// first 33 bytes); false if they are not there or the colour type is
// out of range.
func parseIHDR(b []byte) (ihdr, bool) {
	if len(b) < 33 || string(b[:8]) != "\x89PNG\r\n\x1a\n" || string(b[12:16]) != "IHDR" {
		return ihdr{}, false
	}
	channels := [7]int64{0: 1, 2: 3, 3: 1, 4: 2, 6: 4} // by colour type
	color := b[25]
	if int(color) >= len(channels) {
		return ihdr{}, false
	}
	return ihdr{w: int64(binary.BigEndian.Uint32(b[16:])), h: int64(binary.BigEndian.Uint32(b[20:])),
		depth: b[24], color: color, interlace: b[28], ch: channels[color]}, true
}

// fastPNGExpansion is the pixel bytes per file byte from which --fast
// keeps a PNG as it is (zstd).
const fastPNGExpansion = 8

// pngSearchBudget is the match search model-png allows the rebuild of
// the PNG png's deflate stream, in units of work per byte of filtered
// pixels (deflatere.TokenEncoder.Budget: ~9 ns a chain entry, paid again
// by the decoder), by the cost of its pixel model: a photo takes ~6 a
// byte, a dark, noisy sky up to 2048, a screenshot, whose runs of one
// byte the search steps over, ~50. --fast (imgctx) allows 64, the
// context-mixing stage any with --best (preset) and for palette and 1-,
// 2-, 4-bit images, else (the default's flat PNGs) what the network
// does; the network 256, and for a PNG
// whose pixels are few for its size more, up to 2560 steps per byte of
// the file and at most 1024 per pixel byte: its pixel model's time per
// file byte is small, so is the rebuild's beside it (deep-sky photos,
// 3 pixel bytes a file byte and 300-1000 steps: a 7.7 % smaller
// archive for 40 % more CPU), while screenshots, 10-45 pixel bytes a
// file byte, keep 256. A PNG over its budget is declined (zstd).
func pngSearchBudget(pm pixelModel, png []byte, preset Preset) int {
	switch pm.(type) {
	case ctxModel:
		return 64
	case model.CMNet:
		if hd, ok := parseIHDR(png); preset == PresetBest || ok && (hd.color == 3 || hd.depth < 8) {
			return 0
		}
	}
	const perPixel, perFileByte, most = 256, 2560, 1024
	f := pngFilteredLen(png)
	if f <= 0 {
		return perPixel
	}
	return int(min(most, max(perPixel, perFileByte*int64(len(png))/f)))
}

// pngFilteredLen is the length of a non-interlaced PNG's decompressed
// image data by its IHDR (rows of a filter byte and their packed
// samples; an interlaced image's is a little longer), or 0 if png does
// not start with one (parseIHDR). (Compress gets only PNGs pngSupported took: sides
// of at most 2^24, so the product fits.)
func pngFilteredLen(png []byte) int64 {
	hd, ok := parseIHDR(png)
	if !ok || hd.ch == 0 {
		return 0
	}
	return hd.h * (1 + (hd.w*hd.ch*int64(hd.depth)+7)/8)
}

// pngSplit splits a PNG with the given match-search budget.
func pngSplit(data []byte, version, budget int) (*pngre.Parts, bool) {
	p, err := pngre.SplitVersion(data, version, budget)
	if err != nil || len(p.Pixels) > maxPNGExpansion*len(data)+1<<16 {
		return nil, false
	}
	return p, true
}

// pngCheck rebuilds the PNG from p in a goroutine (the pixel model can
// code meanwhile: the rebuild costs about as much as the split, a tenth
// of the pixels' time with the network) and sends whether it came back
// byte for byte. Neither side writes to p.
func pngCheck(p *pngre.Parts, data []byte) <-chan bool {
	ok := make(chan bool, 1)
	go func() {
		back, err := pngre.Join(p.Meta, p.Tokens, p.Pixels)
		ok <- err == nil && bytes.Equal(back, data)
	}()
	return ok
}

// Payload of a model-png block (the whole file):
//
//	uvarint  M, the length of the meta part
//	uvarint  L, then L bytes: the meta part as byte 0x00 and M bytes
//	         verbatim, or byte 0x01 and one zstd frame decoding to M bytes
//	uvarint  T, then T bytes: pngre's range-coded token corrections
//	the pixel coder's stream of the W*H*C pixels
func (c pngCodec) Compress(dst, src []byte, b Block) ([]byte, error) {
	pm, pv, version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	if int64(len(src)) != b.EntrySize {
		return dst, fmt.Errorf("model-png: block of %d bytes, entry of %d", len(src), b.EntrySize)
	}
	// The plan looked at the header only: the whole rebuild is checked
	// here, once, beside the pixels' coding and before anything is
	// returned (split once, not twice).
	declined := fmt.Errorf("%w: model-png: the side data does not rebuild this PNG", ErrDeclined)
	p, ok := pngSplit(src, version, pngSearchBudget(pm, src, b.Preset))
	if !ok {
		return dst, declined
	}
	rebuilt := pngCheck(p, src)
	out, err := pngCode(dst, p, pm, pv)
	if !<-rebuilt {
		return dst, declined
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// pngCode appends the payload of a model-png block of pixel version v
// (pngVersions) for the split PNG p.
func pngCode(dst []byte, p *pngre.Parts, pm pixelModel, v byte) ([]byte, error) {
	meta, err := packResidual(p.Meta)
	if err != nil {
		return dst, err
	}
	dst = appendPacked(dst, len(p.Meta), meta)
	dst = binary.AppendUvarint(dst, uint64(len(p.Tokens)))
	dst = append(dst, p.Tokens...)
	pix := p.Pixels
	if err := pngVersionFits(v, p.SampleBytes, p.C, p.Interlaced); err != nil {
		return dst, err
	}
	if v >= pngParamsVersion3 && p.SampleBytes == 1 {
		order, err := paletteOrder(p.Meta)
		if err != nil {
			return dst, err
		}
		pix = order.toRanks(pix)
		if order != nil {
			pm = paletteModel(pm)
		}
	}
	return encodePixels(dst, pm, pix, p.W, p.H, p.C, p.SampleBytes, v == pngParamsVersion5)
}

func (c pngCodec) Decompress(dst, src []byte, rawLen int, b Block) ([]byte, error) {
	pm, pv, version, err := c.check(b)
	if err != nil {
		return dst, err
	}
	bad := func(what string) error { return fmt.Errorf("%w: model-png %s", format.ErrCorrupt, what) }
	m, packed, src, err := splitPacked(src, int64(maxPNGExpansion)*int64(rawLen)+1<<16, "model-png", "meta")
	if err != nil {
		return dst, err
	}
	meta, err := unpackPNGMeta(packed, m)
	if err != nil {
		return dst, err
	}
	t, k := binary.Uvarint(src)
	if k <= 0 || t > uint64(len(src)-k) {
		return dst, bad("token stream length")
	}
	if len(meta) == 0 || int(meta[0]) != version {
		return dst, bad(fmt.Sprintf("side data version %d in a version %d entry", meta[0], version))
	}
	tokens := src[k : k+int(t)]
	src = src[k+int(t):]
	w, h, ch, sb, interlaced, err := pngre.Format(meta)
	if err != nil {
		return dst, fmt.Errorf("%w: model-png: %v", format.ErrCorrupt, err)
	}
	if err := pngVersionFits(pv, sb, ch, interlaced); err != nil {
		return dst, fmt.Errorf("%w: %v", format.ErrCorrupt, err)
	}
	if int64(w)*int64(h)*int64(ch)*int64(sb) > int64(maxPNGExpansion)*int64(rawLen)+1<<16 {
		return dst, bad("image larger than its file allows")
	}
	var order *paletteOrdering
	if pv >= pngParamsVersion3 && sb == 1 {
		if order, err = paletteOrder(meta); err != nil {
			return dst, fmt.Errorf("%w: model-png: %v", format.ErrCorrupt, err)
		}
		if order != nil {
			pm = paletteModel(pm)
		}
	}
	pix, err := decodePixels(src, pm, w, h, ch, sb, pv == pngParamsVersion5)
	if err != nil {
		return dst, fmt.Errorf("%w: model-png pixels: %v", format.ErrCorrupt, err)
	}
	if order != nil {
		pix = order.toIndices(pix)
	}
	out, err := pngre.Join(meta, tokens, pix)
	if err != nil {
		return dst, fmt.Errorf("%w: model-png: %v", format.ErrCorrupt, err)
	}
	if len(out) != rawLen {
		return dst, bad(fmt.Sprintf("rebuilt %d bytes, want %d", len(out), rawLen))
	}
	return append(dst, out...), nil
}

// pngVersionFits checks that an entry's pixel version v suits its
// PNG: version 5 for images with alpha (ch 2 or 4) only, version 4 for
// 16-bit or interlaced ones (without the two planes), earlier versions
// for neither (a reader of version 3 did not know them).
func pngVersionFits(v byte, sb, ch int, interlaced bool) error {
	wide := sb == 2 || interlaced
	var ok bool
	switch v {
	case pngParamsVersion5:
		ok = ch == 2 || ch == 4
	case pngParamsVersion4:
		ok = wide
	default:
		ok = !wide
	}
	if !ok {
		return fmt.Errorf("model-png version %d entry of a PNG of %d channels of %d bytes, interlaced %v", v, ch, sb, interlaced)
	}
	return nil
}

func unpackPNGMeta(b []byte, n int) ([]byte, error) {
	return unpackStoredOrZstd(b, n, "model-png meta")
}

// paletteOrdering renumbers a palette image's indices by the luminance
// of their colours (model-png versions 3 to 5, palette rasters), so
// that near indices are near colours for the pixel model: rank[i] is
// index i's place, index its inverse; indices past the palette map to
// themselves. A nil ordering (no palette) is the identity.
type paletteOrdering struct{ rank, index [256]byte }

// paletteOrder returns the ordering of a PNG's palette (nil for images
// without one).
func paletteOrder(meta []byte) (*paletteOrdering, error) {
	pal, err := pngre.Palette(meta)
	if err != nil {
		return nil, err
	}
	return paletteRanks(pal), nil
}

// paletteRanks returns the ordering of palette pal (RGB triples), nil if
// it is empty.
func paletteRanks(pal []byte) *paletteOrdering {
	n := min(len(pal)/3, 256)
	if n == 0 {
		return nil
	}
	ord := make([]int, n)
	for i := range ord {
		ord[i] = i
	}
	lum := func(i int) int { return 299*int(pal[3*i]) + 587*int(pal[3*i+1]) + 114*int(pal[3*i+2]) }
	sort.SliceStable(ord, func(a, b int) bool { return lum(ord[a]) < lum(ord[b]) })
	o := &paletteOrdering{}
	for v := range 256 {
		o.rank[v], o.index[v] = byte(v), byte(v)
	}
	for r, i := range ord {
		o.rank[i], o.index[r] = byte(r), byte(i)
	}
	return o
}

// toRanks returns pix with every index replaced by its rank (pix itself
// for the identity).
func (o *paletteOrdering) toRanks(pix []byte) []byte {
	if o == nil {
		return pix
	}
	return remap(pix, o.rank)
}

// toIndices is toRanks' inverse.
func (o *paletteOrdering) toIndices(pix []byte) []byte {
	if o == nil {
		return pix
	}
	return remap(pix, o.index)
}

// remap returns pix with every value v replaced by m[v].
func remap(pix []byte, m [256]byte) []byte {
	out := make([]byte, len(pix))
	for i, v := range pix {
		out[i] = m[v]
	}
	return out
}
