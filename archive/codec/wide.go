package codec

import (
	"encoding/binary"
	"fmt"

	"github.com/dcar-archiver/dcar/model/lowbyte"
)

// 16-bit samples (PNG, PNM and TIFF files of 16 bits per sample) are
// coded in two steps: the high parts, the top 8 significant bits of each
// sample, are an 8-bit image for the entry's pixel model; the low parts
// then go through model/lowbyte, which predicts each sample's full value
// from its neighbours and every neighbour's high part.
//
// Stream of a 16-bit stripe:
//
//	byte     nb, the bits of the low parts (1..8; lowbyte.Split)
//	uvarint  H, then H bytes: the pixel model's stream of the high parts
//	lowbyte's stream of the low parts

// encodeWide appends the stream of samples (w×rows pixels of ch samples,
// two bytes each, most significant first).
func encodeWide(dst []byte, pm pixelModel, samples []byte, w, rows, ch int) ([]byte, error) {
	n := len(samples) / 2
	hi, lo := make([]byte, n), make([]byte, n)
	for i := range n {
		hi[i], lo[i] = samples[2*i], samples[2*i+1]
	}
	nb := lowbyte.Split(hi, lo)
	hs, err := pm.EncodeStripe(nil, hi, w, rows, ch)
	if err != nil {
		return dst, err
	}
	dst = append(dst, byte(nb))
	dst = binary.AppendUvarint(dst, uint64(len(hs)))
	dst = append(dst, hs...)
	return lowbyte.Encode(dst, hi, lo, w, rows, ch, nb)
}

// decodeWide decodes encodeWide's stream back to the samples.
func decodeWide(src []byte, pm pixelModel, w, rows, ch int) ([]byte, error) {
	if len(src) < 2 || src[0] < 1 || src[0] > 8 {
		return nil, fmt.Errorf("16-bit stream header")
	}
	nb := int(src[0])
	h, k := binary.Uvarint(src[1:])
	if k <= 0 || h > uint64(len(src)-1-k) {
		return nil, fmt.Errorf("16-bit stream: high part length")
	}
	hi, err := pm.DecodeStripe(src[1+k:1+k+int(h)], w, rows, ch)
	if err != nil {
		return nil, err
	}
	lo, err := lowbyte.Decode(src[1+k+int(h):], hi, w, rows, ch, nb)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 2*len(hi))
	for i := range hi {
		v := uint16(hi[i])<<nb | uint16(lo[i])
		out[2*i], out[2*i+1] = byte(v>>8), byte(v)
	}
	return out, nil
}

// Images with an alpha channel (grey+alpha, RGBA) may be coded as two
// planes (model-png version 5): the colour channels as one image, then
// the alpha channel as a grey image, each through the pixel model (the
// 16-bit stream of section 7.16 for 16-bit samples). The pixel models
// predict each channel partly from the previous channels' errors, which
// suits colour channels but not alpha: an alpha ramp costs 35 times
// more interleaved with grey than alone.
//
// Stream of a two-plane stripe:
//
//	uvarint  L, then L bytes: the colour channels' stream
//	the alpha plane's stream

// encodePixels appends the stream of samples (w×rows pixels of ch
// channels of sb bytes each), in two planes if planes is set (ch is 2 or
// 4: the last channel is alpha).
func encodePixels(dst []byte, pm pixelModel, samples []byte, w, rows, ch, sb int, planes bool) ([]byte, error) {
	enc := func(dst, s []byte, ch int) ([]byte, error) {
		if sb == 2 {
			return encodeWide(dst, pm, s, w, rows, ch)
		}
		return pm.EncodeStripe(dst, s, w, rows, ch)
	}
	if !planes {
		return enc(dst, samples, ch)
	}
	colour, alpha := splitAlpha(samples, ch, sb)
	cs, err := enc(nil, colour, ch-1)
	if err != nil {
		return dst, err
	}
	dst = binary.AppendUvarint(dst, uint64(len(cs)))
	dst = append(dst, cs...)
	return enc(dst, alpha, 1)
}

// decodePixels decodes encodePixels' stream.
func decodePixels(src []byte, pm pixelModel, w, rows, ch, sb int, planes bool) ([]byte, error) {
	dec := func(s []byte, ch int) ([]byte, error) {
		if sb == 2 {
			return decodeWide(s, pm, w, rows, ch)
		}
		return pm.DecodeStripe(s, w, rows, ch)
	}
	if !planes {
		return dec(src, ch)
	}
	if ch != 2 && ch != 4 {
		return nil, fmt.Errorf("two planes of %d channels", ch)
	}
	n, k := binary.Uvarint(src)
	if k <= 0 || n > uint64(len(src)-k) {
		return nil, fmt.Errorf("two planes: colour stream length")
	}
	colour, err := dec(src[k:k+int(n)], ch-1)
	if err != nil {
		return nil, err
	}
	alpha, err := dec(src[k+int(n):], 1)
	if err != nil {
		return nil, err
	}
	if len(colour) != w*rows*(ch-1)*sb || len(alpha) != w*rows*sb {
		return nil, fmt.Errorf("two planes: %d and %d bytes", len(colour), len(alpha))
	}
	return joinAlpha(colour, alpha, ch, sb), nil
}

// splitAlpha separates interleaved samples into the first ch-1 channels
// and the last one.
func splitAlpha(s []byte, ch, sb int) (colour, alpha []byte) {
	px := len(s) / (ch * sb)
	colour, alpha = make([]byte, 0, px*(ch-1)*sb), make([]byte, 0, px*sb)
	for i := range px {
		p := s[i*ch*sb : (i+1)*ch*sb]
		colour = append(colour, p[:(ch-1)*sb]...)
		alpha = append(alpha, p[(ch-1)*sb:]...)
	}
	return colour, alpha
}

// joinAlpha is splitAlpha's inverse.
func joinAlpha(colour, alpha []byte, ch, sb int) []byte {
	px := len(alpha) / sb
	out := make([]byte, 0, px*ch*sb)
	for i := range px {
		out = append(out, colour[i*(ch-1)*sb:(i+1)*(ch-1)*sb]...)
		out = append(out, alpha[i*sb:(i+1)*sb]...)
	}
	return out
}
