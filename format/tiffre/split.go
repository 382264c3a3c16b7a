package tiffre

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// Parts is a TIFF split for coding: the first image's samples and the
// side data that rebuilds the file from them.
type Parts struct {
	Meta   []byte // side data: versioned (first byte = side data version, 1 or 2); everything but the samples
	W, H   int
	C      int    // samples per pixel: 1 grey or palette index, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK
	Depth  int    // 8 or 16 bits per sample
	Pixels []byte // W*H*C samples, raster order, pixel-interleaved; 16-bit samples most significant byte first; any predictor undone
}

// Split parses a TIFF, decodes its first image and separates the file
// into samples and side data. It ends by running Join and comparing:
// ErrNoRebuild unless the rebuild is exact. Files it does not handle
// give ErrUnsupported, malformed ones ErrFormat.
func Split(tiff []byte) (*Parts, error) { return SplitVersion(tiff, metaVersion) }

// SplitVersion is Split writing side data version v (1 or 2).
func SplitVersion(tiff []byte, v byte) (*Parts, error) {
	if v < 1 || v > metaVersion {
		return nil, fmt.Errorf("tiffre: side data version %d", v)
	}
	f, err := parse(tiff)
	if err != nil {
		return nil, err
	}
	g := f.geom
	idx, err := f.fileOrder()
	if err != nil {
		return nil, err
	}
	s := &side{g: g, v: v, perm: idx}
	src := tiff
	if f.derivable(idx) {
		// The offsets and byte counts follow from the chunks: Join
		// writes them, rest holds zeros there.
		s.offArr, s.cntArr = f.offArr, f.cntArr
		src = bytes.Clone(tiff)
		clear(src[f.offArr.at:][:f.offArr.size*len(f.off)])
		clear(src[f.cntArr.at:][:f.cntArr.size*len(f.off)])
	}
	end := 0 // of the previous chunk in file order
	for _, i := range idx {
		s.gaps = append(s.gaps, f.off[i]-end)
		s.rest = append(s.rest, src[end:f.off[i]]...)
		end = f.off[i] + f.cnt[i]
	}
	s.rest = append(s.rest, src[end:]...)

	pix := make([]byte, g.W*g.H*g.C*g.bps())
	s.pad = make([]byte, 0, g.padLen())
	var (
		raw []byte
		enc *lzwEncoder
		te  deflatere.TokenEncoder
		// the previous tile's samples and the padding less them
		prev, resid []byte
	)
	for i := range f.off {
		base, chunk := f.off[i], tiff[f.off[i]:f.off[i]+f.cnt[i]]
		raw = raw[:0]
		raw = append(raw, make([]byte, g.rawLen(i))...)
		switch g.Comp {
		case compNone:
			if len(chunk) < len(raw) {
				return nil, errf(ErrUnsupported, base, "chunk %d holds %d of %d bytes", i, len(chunk), len(raw))
			}
			copy(raw, chunk)
			s.tails = append(s.tails, chunk[len(raw):])
		case compPackBits:
			h, used, err := packBitsDecode(raw, chunk, base)
			if err != nil {
				return nil, err
			}
			mode := byte(pbCanonical)
			if !bytes.Equal(packBits(nil, raw, g.rowLen()), chunk[:used]) {
				mode = pbHeaders
			}
			s.pbMode, s.pbHdr = append(s.pbMode, mode), append(s.pbHdr, h)
			s.tails = append(s.tails, chunk[used:])
		case compLZW:
			events, last, end, err := lzwDecode(raw, chunk, base)
			if err != nil {
				return nil, err
			}
			var c lzwChunk
			auto, kept := lzwAuto(events, last)
			c.noAuto, c.clears = !auto, kept
			if enc == nil {
				enc = new(lzwEncoder)
			}
			re, end2 := enc.encode(nil, raw, auto, kept)
			if end2 != end || !bytes.Equal(re[:end/8], chunk[:end/8]) {
				return nil, errf(ErrNoRebuild, base, "LZW chunk %d is not libtiff's greedy coding", i)
			}
			if !bytes.Equal(re, chunk) {
				c.tail = chunk[end/8:]
			}
			s.lzw = append(s.lzw, c)
		default:
			d, z, err := deflatere.InflateZlib(chunk, len(raw), base)
			if err != nil {
				return nil, wrap(err)
			}
			copy(raw, d)
			re, err := z.Emit(nil, d)
			if err != nil {
				return nil, wrap(err)
			}
			if !bytes.Equal(re, chunk) {
				return nil, errf(ErrNoRebuild, base, "Deflate chunk %d does not re-emit exactly", i)
			}
			if err := te.Encode(z, d, layoutOf(v)); err != nil {
				return nil, wrap(err)
			}
			s.zs = append(s.zs, z)
		}
		rawToSamples(g, raw)
		s.pad = scatter(g, i, raw, pix, s.pad)
		if g.Tiled {
			if prev == nil {
				prev = make([]byte, len(raw))
			}
			padDelta(g, i, raw, prev, -1)
			padRanges(g, i, func(from, to int) { resid = append(resid, raw[from:to]...) })
			padDelta(g, i, raw, prev, 1)
			prev = append(prev[:0], raw...)
		}
	}
	s.padMode = choosePad(&s.pad, resid)
	if g.Comp == compDeflate || g.Comp == compDeflateX {
		if s.tokens, err = te.Finish(); err != nil {
			return nil, wrap(err)
		}
	}
	p := &Parts{Meta: s.marshal(), W: g.W, H: g.H, C: g.C, Depth: g.Depth, Pixels: pix}
	got, err := Join(p.Meta, p.Pixels)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoRebuild, err)
	}
	if !bytes.Equal(got, tiff) {
		return nil, errf(ErrNoRebuild, 0, "the rebuilt file differs")
	}
	return p, nil
}

// Shape returns the image size, samples per pixel and bits per sample
// recorded in meta, and whether the image is a palette image
// (photometric interpretation 3: its one sample is a colour index).
func Shape(meta []byte) (w, h, c, depth int, palette bool, err error) {
	r := &deflatere.FieldReader{B: meta}
	g, _ := readGeom(r)
	if r.Err != nil {
		return 0, 0, 0, 0, false, wrap(r.Err)
	}
	if err := g.check(0); err != nil {
		return 0, 0, 0, 0, false, err
	}
	return g.W, g.H, g.C, g.Depth, g.Palette, nil
}

// Join rebuilds the TIFF file from its side data and samples. Memory is
// O(len(meta) + len(pixels) + the file): the pixels must be exactly the
// size the side data declares before anything else is allocated.
func Join(meta, pixels []byte) ([]byte, error) {
	w, h, c, depth, _, err := Shape(meta)
	if err != nil {
		return nil, err
	}
	if len(pixels) != w*h*c*depth/8 {
		return nil, errf(ErrFormat, 0, "%d pixel bytes, side data declares %dx%dx%d at %d bits", len(pixels), w, h, c, depth)
	}
	s, err := unmarshal(meta)
	if err != nil {
		return nil, err
	}
	g := s.g
	n := g.chunks()
	var td *deflatere.TokenDecoder
	if g.Comp == compDeflate || g.Comp == compDeflateX {
		if td, err = deflatere.NewTokenDecoder(s.tokens); err != nil {
			return nil, wrap(err)
		}
	}
	// Chunks are coded in index order (the token stream's order) into
	// one buffer, then laid out in file order between the pieces of rest.
	var (
		coded []byte
		at    = make([]int, n+1) // chunk i is coded[at[i]:at[i+1]]
		raw   []byte
		enc   *lzwEncoder
		pad   = s.pad
		prev  []byte
	)
	for i := 0; i < n; i++ {
		raw = raw[:0]
		raw = append(raw, make([]byte, g.rawLen(i))...)
		pad = gather(g, i, raw, pixels, pad)
		if s.padMode >= padPrevZero {
			if prev == nil {
				prev = make([]byte, len(raw))
			}
			padDelta(g, i, raw, prev, 1)
			prev = append(prev[:0], raw...)
		}
		samplesToRaw(g, raw)
		switch g.Comp {
		case compNone:
			coded = append(coded, raw...)
			coded = append(coded, s.tails[i]...)
		case compPackBits:
			if s.pbMode[i] == pbCanonical {
				coded = packBits(coded, raw, g.rowLen())
			} else if coded, err = packBitsHeaders(coded, raw, s.pbHdr[i]); err != nil {
				return nil, err
			}
			coded = append(coded, s.tails[i]...)
		case compLZW:
			if enc == nil {
				enc = new(lzwEncoder)
			}
			c := s.lzw[i]
			start := len(coded)
			var end int
			coded, end = enc.encode(coded, raw, !c.noAuto, c.clears)
			if c.tail != nil {
				coded = append(coded[:start+end/8], c.tail...)
			}
		default:
			z := s.zs[i]
			if err := td.Decode(z, raw, layoutOf(s.v)); err != nil {
				return nil, wrap(err)
			}
			if coded, err = z.Emit(coded, raw); err != nil {
				return nil, wrap(err)
			}
		}
		at[i+1] = len(coded)
	}
	if td != nil {
		if err := td.Finish(); err != nil {
			return nil, wrap(err)
		}
	}
	out := make([]byte, 0, len(s.rest)+len(coded))
	rest := s.rest
	pos := make([]int, n) // chunk i's offset in the file
	for k, i := range s.perm {
		out = append(out, rest[:s.gaps[k]]...)
		rest = rest[s.gaps[k]:]
		pos[i] = len(out)
		out = append(out, coded[at[i]:at[i+1]]...)
	}
	out = append(out, rest...)
	if s.offArr.size != 0 {
		for i := 0; i < n; i++ {
			if !put(out, s.offArr, i, pos[i], g.Big) || !put(out, s.cntArr, i, at[i+1]-at[i], g.Big) {
				return nil, errf(ErrFormat, 0, "side data: offsets or byte counts past the end of the file")
			}
		}
	}
	return out, nil
}

// put writes v as value i of the array a of b, in the file's byte order;
// it reports false if the value does not lie within b.
func put(b []byte, a array, i, v int, big bool) bool {
	p := a.at + i*a.size
	if p < 0 || p > len(b)-a.size {
		return false
	}
	switch {
	case a.size == 2 && big:
		binary.BigEndian.PutUint16(b[p:], uint16(v))
	case a.size == 2:
		binary.LittleEndian.PutUint16(b[p:], uint16(v))
	case big:
		binary.BigEndian.PutUint32(b[p:], uint32(v))
	default:
		binary.LittleEndian.PutUint32(b[p:], uint32(v))
	}
	return true
}
