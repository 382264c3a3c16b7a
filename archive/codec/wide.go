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
