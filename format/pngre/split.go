package pngre

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// metaVersion is the first byte of the meta part of the side data that
// Split writes (deflatere's layout version: tokens coded against zlib's
// own parse where it reproduces them); Join also reads versions 1
// (dynamic headers verbatim in the meta) and 2 (tokens always coded
// against the reference parse).
const metaVersion = deflatere.ZlibEmulated

// Parts is a PNG split for coding: its pixels and the side data that
// rebuilds the file from them.
type Parts struct {
	W, H, C int // C: 1 gray or palette index, 2 gray+alpha, 3 RGB, 4 RGBA

	// SampleBytes is 2 for 16-bit images, else 1.
	SampleBytes int
	// Interlaced: the file is Adam7-interlaced (Pixels are in raster
	// order all the same).
	Interlaced bool

	// Pixels holds W*H*C*SampleBytes bytes: one byte per sample (also
	// for 1-, 2- and 4-bit images) or two, most significant first, for
	// 16-bit images; raster order (an interlaced image's passes are put
	// together), channels interleaved.
	Pixels []byte

	Meta   []byte // chunks, filter types, deflate block layout (see package doc)
	Tokens []byte // range-coded corrections to the reference tokenizer
}

// Split parses a PNG and separates it into pixels and side data. It
// fails with ErrUnsupported for PNGs it does not handle and ErrFormat for
// malformed ones. It checks that the deflate stream re-emits exactly from
// its tokens; Join's full round trip is the caller's final check.
func Split(png []byte) (*Parts, error) {
	return SplitVersion(png, metaVersion, 0)
}

// SplitVersion is Split writing the given side data version: 1 (dynamic
// Huffman headers verbatim in the meta), 2 (headers coded with the
// tokens) or 3 (the current one: deflatere.ZlibEmulated), with the
// reference tokenizer's match search bounded by budget units of work per
// byte of filtered pixels (0: no bound; see deflatere.TokenEncoder.Budget). A PNG
// over the budget gives an error that wraps deflatere.ErrBudget and
// ErrUnsupported.
func SplitVersion(png []byte, version int, budget int) (*Parts, error) {
	if version < 1 || version > metaVersion {
		return nil, fmt.Errorf("pngre: side data version %d", version)
	}
	l, err := parsePNG(png)
	if err != nil {
		return nil, err
	}
	data, s, err := deflatere.InflateZlib(l.stream, l.hdr.filteredLen(), 0)
	if err != nil {
		// the offsets count from the start of the zlib stream
		return nil, fmt.Errorf("%w of the IDAT zlib stream", wrap(err))
	}
	pix, types, err := decode(l.hdr, data)
	if err != nil {
		return nil, err
	}
	re, err := s.Emit(nil, data)
	if err != nil {
		return nil, wrap(err)
	}
	if !bytes.Equal(re, l.stream) {
		return nil, fmt.Errorf("%w: deflate stream does not re-emit exactly", ErrUnsupported)
	}
	e := deflatere.TokenEncoder{Budget: budget}
	if err := e.Encode(s, data, version); err != nil {
		return nil, wrap(err)
	}
	tb, err := e.Finish()
	if err != nil {
		return nil, err
	}
	return &Parts{W: l.hdr.W, H: l.hdr.H, C: l.hdr.C, SampleBytes: l.hdr.sampleBytes(), Interlaced: l.hdr.Interlaced, Pixels: pix, Meta: marshalMeta(l, s, types, version), Tokens: tb}, nil
}

// Format returns what a decoder needs to know of the pixels before it
// has them: the image size, the channel count, the bytes per sample
// (Parts.SampleBytes: 1, or 2 for 16-bit images) and whether the file
// is interlaced (its pixels are in raster order all the same).
func Format(meta []byte) (w, h, c, sampleBytes int, interlaced bool, err error) {
	_, hd, err := preOf(meta)
	if err != nil {
		return 0, 0, 0, 0, false, err
	}
	return hd.W, hd.H, hd.C, hd.sampleBytes(), hd.Interlaced, nil
}

// preOf returns the chunks before IDAT recorded in meta and their IHDR.
func preOf(meta []byte) ([]byte, header, error) {
	r := &deflatere.FieldReader{B: meta}
	if v := r.Byte("version"); v < 1 || v > metaVersion {
		return nil, header{}, errf(ErrFormat, 0, "side data version %d", firstByte(meta))
	}
	pre := r.Bytes(r.Uvarint("pre length", uint64(len(meta))), "pre chunks")
	if r.Err != nil {
		return nil, header{}, wrap(r.Err)
	}
	hd, err := headerOf(pre)
	return pre, hd, err
}

// Palette returns the PLTE chunk's RGB triples of a palette image's side
// data, or nil for an image of another colour type.
func Palette(meta []byte) ([]byte, error) {
	pre, hd, err := preOf(meta)
	if err != nil || hd.ColorType != 3 {
		return nil, err
	}
	for off := 0; off+12 <= len(pre); {
		n := int(binary.BigEndian.Uint32(pre[off:]))
		if n < 0 || n > len(pre)-off-12 {
			break
		}
		if string(pre[off+4:off+8]) == "PLTE" && n%3 == 0 && n > 0 && n <= 768 {
			return pre[off+8 : off+8+n], nil
		}
		off += 12 + n
	}
	return nil, errf(ErrFormat, 0, "side data: palette image without a PLTE chunk")
}

// Join rebuilds the PNG file from its pixels and side data.
func Join(meta, tokens, pixels []byte) ([]byte, error) {
	l, s, types, version, err := unmarshalMeta(meta)
	if err != nil {
		return nil, err
	}
	data, err := encode(l.hdr, pixels, types)
	if err != nil {
		return nil, err
	}
	d, err := deflatere.NewTokenDecoder(tokens)
	if err != nil {
		return nil, wrap(err)
	}
	if err := d.Decode(s, data, version); err != nil {
		return nil, wrap(err)
	}
	if err := d.Finish(); err != nil {
		return nil, wrap(err)
	}
	z, err := s.Emit(nil, data)
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]byte, 0, len(z)+len(l.pre)+len(l.post)+12*len(l.idat)+8+12)
	out = append(out, signature[:]...)
	out = append(out, l.pre...)
	rest := z
	for i := range l.idat {
		n := len(rest)
		if i < len(l.idat)-1 {
			n = l.idat[i]
			if n > len(rest) {
				return nil, errf(ErrFormat, 0, "side data: IDAT lengths exceed the stream")
			}
		}
		out = appendChunk(out, "IDAT", rest[:n])
		rest = rest[n:]
	}
	return append(out, l.post...), nil
}
