package gifre

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// Frame is one image of a GIF as the pixel model sees it.
type Frame struct {
	W, H    int    // the frame's image descriptor size
	Palette []byte // the colour table in effect for this frame (local, else global), RGB triples; may be empty if none
	Pix     []byte // W*H colour indices, one byte each, raster order (an interlaced frame deinterlaced to raster order)
}

// Parts is a GIF split for coding: the index image of every frame and
// the side data that rebuilds the file from them.
type Parts struct {
	Meta   []byte // side data: everything needed besides the Pix of each frame; versioned (first byte = side data version 1)
	Frames []Frame
}

// Split parses a GIF, decodes every frame and records how its code
// streams depart from the canonical encoder's. It fails with
// ErrUnsupported or ErrFormat for GIFs it does not parse, and ends by
// running Join: unless that reproduces gif exactly, it returns
// ErrNoRebuild.
func Split(gif []byte) (*Parts, error) {
	l, err := parse(gif, false)
	if err != nil {
		return nil, err
	}
	meta := []byte{metaVersion}
	meta = binary.AppendUvarint(meta, uint64(len(l.skel)))
	meta = append(meta, l.skel...)
	p := &Parts{Frames: make([]Frame, len(l.images))}
	pix := make([][]byte, len(l.images))
	dec, e := new(decoder), newEncoder()
	for i, im := range l.images {
		seq := make([]byte, im.w*im.h)
		d, err := dec.decode(im.data, im.minCode, seq)
		if err != nil {
			return nil, fmt.Errorf("%w (image %d)", err, i)
		}
		r := analyse(e, im, d, seq)
		meta = r.marshal(meta)
		if im.interlaced {
			seq = deinterlace(seq, im.w, im.h)
		}
		pix[i] = seq
		p.Frames[i] = Frame{W: im.w, H: im.h, Palette: bytes.Clone(im.palette), Pix: seq}
	}
	p.Meta = meta
	out, err := Join(meta, pix)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoRebuild, err)
	}
	if !bytes.Equal(out, gif) {
		return nil, fmt.Errorf("%w: %s", ErrNoRebuild, firstDiff(out, gif))
	}
	return p, nil
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("rebuilt %d bytes, original %d, first difference at byte %d", len(a), len(b), i)
}

// analyse walks an image's decoded codes with the encoder Join replays
// and records where they depart from it: the clear codes, the codes the
// greedy parse would not have chosen, the end of the stream and the
// sub-block lengths.
func analyse(e *encoder, im imageDesc, d decoded, seq []byte) record {
	r := record{count: d.n, policy: d.policy}
	if d.n != len(seq) {
		r.flags |= fCount
	}
	if !d.eoi {
		r.flags |= fNoEOI
	}
	codes := d.codes
	e.start(im.minCode)
	k := 0
	if len(codes) > 0 && codes[0] == uint16(e.clear) {
		k = 1
	} else {
		r.flags |= fNoInitialClear
	}
	lastData := -1
	for i, c := range codes {
		if int(c) != e.clear && int(c) != e.eoi {
			lastData = i
		}
	}
	policyOK, prevData, p := true, false, 0
	nonLiterals := 0 // the exceptions to an all-literal parse
	for ; k < len(codes); k++ {
		c := int(codes[k])
		if c == e.clear {
			if !prevData {
				policyOK = false
			}
			r.clears = append(r.clears, k)
			e.clearTable()
			prevData = false
			continue
		}
		if c == e.eoi {
			break
		}
		e.define(seq[p])
		if g, _ := e.match(seq[p:d.n]); g != c {
			r.exc = append(r.exc, exception{k, c})
		}
		if c > e.eoi {
			nonLiterals++
		}
		p += int(e.length[c])
		e.advance(c)
		cond := r.policy > 0 && e.next >= r.policy
		nextClear := k+1 < len(codes) && int(codes[k+1]) == e.clear
		switch {
		case k == lastData && cond:
			if nextClear {
				r.flags |= fEndClear
			}
		case cond != nextClear:
			policyOK = false
		}
		prevData = true
	}
	if !policyOK {
		r.flags |= fExplicitClears
		r.flags &^= fEndClear
		r.policy = 0
	}
	if nonLiterals < len(r.exc) {
		r.flags |= fLiterals
		r.exc = r.exc[:0]
		for k, c := range codes {
			if int(c) > e.eoi {
				r.exc = append(r.exc, exception{k, int(c)})
			}
		}
	}
	if len(r.exc) > 0 {
		r.flags |= fExceptions
	}
	if d.end%8 != 0 {
		r.tailBits = int(im.data[d.end/8]) >> (d.end % 8)
	}
	r.tailBytes = im.data[(d.end+7)/8:]
	if r.tailBits != 0 || len(r.tailBytes) > 0 {
		r.flags |= fTail
	}
	r.blockLen = 255
	if n := len(im.blocks); n > 1 || (n == 1 && im.blocks[0] > 255) {
		r.blockLen = im.blocks[0]
	}
	for i, n := range im.blocks {
		if n != r.blockLen && (i < len(im.blocks)-1 || n > r.blockLen) {
			r.blockLen = 0
			break
		}
	}
	switch {
	case r.blockLen == 0:
		r.flags |= fBlocksExplicit
		for _, n := range im.blocks {
			r.blocks = append(r.blocks, byte(n))
		}
	case r.blockLen != 255:
		r.flags |= fBlocksConstant
	}
	return r
}

// Frames returns the frames' W, H and Palette recorded in meta (Pix nil).
func Frames(meta []byte) ([]Frame, error) {
	l, _, err := readMeta(meta)
	if err != nil {
		return nil, err
	}
	fs := make([]Frame, len(l.images))
	for i, im := range l.images {
		fs[i] = Frame{W: im.w, H: im.h, Palette: bytes.Clone(im.palette)}
	}
	return fs, nil
}

// readMeta returns the skeleton's layout and a reader at the first image
// record.
func readMeta(meta []byte) (*layout, *metaReader, error) {
	if len(meta) == 0 || meta[0] != metaVersion {
		return nil, nil, errf(ErrFormat, 0, "side data version")
	}
	m := &metaReader{deflatere.FieldReader{B: meta, Off: 1}}
	skel := m.Bytes(m.Count("count", 1), "bytes")
	if m.Err != nil {
		return nil, nil, wrap(m.Err)
	}
	l, err := parse(skel, true)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (side data skeleton)", err)
	}
	return l, m, nil
}

// Join rebuilds the original file from the side data and the frames'
// pixels (pix[i] = Frames[i].Pix). Its output is bounded by what meta
// declares: the skeleton, and per image at most 12 bits per pixel and
// per recorded clear code plus the recorded tail.
func Join(meta []byte, pix [][]byte) ([]byte, error) {
	l, m, err := readMeta(meta)
	if err != nil {
		return nil, err
	}
	if len(pix) != len(l.images) {
		return nil, errf(ErrFormat, 0, "%d pixel planes for %d images", len(pix), len(l.images))
	}
	recs := make([]record, len(l.images))
	for i, im := range l.images {
		if len(pix[i]) != im.w*im.h {
			return nil, errf(ErrFormat, 0, "image %d: %d pixels for %dx%d", i, len(pix[i]), im.w, im.h)
		}
		recs[i] = m.record(im.w * im.h)
	}
	if m.Err != nil {
		return nil, wrap(m.Err)
	}
	if m.Off != len(meta) {
		return nil, errf(ErrFormat, m.Off, "side data: trailing bytes")
	}
	out := make([]byte, 0, len(l.skel)+len(meta)+sumPixels(l)*5/4)
	var seq, data []byte
	e := newEncoder()
	mark := 0
	for i, im := range l.images {
		out = append(out, l.skel[mark:im.dataOff]...)
		mark = im.dataOff
		s := pix[i]
		if im.interlaced {
			seq = interlace(seq[:0], s, im.w, im.h)
			s = seq
		}
		data, err = encode(e, data[:0], im.minCode, &recs[i], s)
		if err != nil {
			return nil, fmt.Errorf("%w (image %d)", err, i)
		}
		if out, err = appendBlocks(out, data, &recs[i]); err != nil {
			return nil, fmt.Errorf("%w (image %d)", err, i)
		}
	}
	return append(out, l.skel[mark:]...), nil
}

func sumPixels(l *layout) int {
	n := 0
	for _, im := range l.images {
		n += im.w * im.h
	}
	return n
}

// encode replays the canonical encoder over the first r.count pixels of
// seq (stream order) with r's departures and appends the code stream,
// its tail included, to dst.
func encode(e *encoder, dst []byte, minCode int, r *record, seq []byte) ([]byte, error) {
	seq = seq[:r.count]
	e.start(minCode)
	w := bitWriter{out: dst}
	explicit := r.flags&fExplicitClears != 0
	literals := r.flags&fLiterals != 0
	k := 0
	emitClear := func() {
		w.write(e.clear, e.width)
		e.clearTable()
		k++
	}
	if r.flags&fNoInitialClear == 0 {
		emitClear()
	}
	clears, exc := r.clears, r.exc
	for p := 0; p < len(seq); {
		for explicit && len(clears) > 0 && clears[0] == k {
			emitClear()
			clears = clears[1:]
		}
		if int(seq[p]) >= e.clear {
			return nil, errf(ErrFormat, p, "pixel %d exceeds the %d-bit code size", seq[p], minCode)
		}
		e.define(seq[p])
		var c, n int
		if len(exc) > 0 && exc[0].idx == k {
			c = exc[0].code
			exc = exc[1:]
			if !e.valid(c) || int(e.length[c]) > len(seq)-p {
				return nil, errf(ErrFormat, p, "side data: exception code %d", c)
			}
			n = int(e.length[c])
		} else if literals {
			c, n = int(seq[p]), 1
		} else {
			c, n = e.match(seq[p:])
		}
		w.write(c, e.width)
		k++
		p += n
		e.advance(c)
		if !explicit && r.policy > 0 && e.next >= r.policy && (p < len(seq) || r.flags&fEndClear != 0) {
			emitClear()
		}
	}
	for _, c := range clears {
		if c != k {
			return nil, errf(ErrFormat, 0, "side data: clear code index %d", c)
		}
		emitClear()
	}
	if len(exc) > 0 {
		return nil, errf(ErrFormat, 0, "side data: exception index %d", exc[0].idx)
	}
	if r.flags&fNoEOI == 0 {
		w.write(e.eoi, e.width)
	}
	if w.nbits > 0 {
		if r.tailBits >= 1<<(8-w.nbits) {
			return nil, errf(ErrFormat, 0, "side data: padding bits %#x", r.tailBits)
		}
		w.out = append(w.out, byte(w.acc)|byte(r.tailBits<<w.nbits))
	} else if r.tailBits != 0 {
		return nil, errf(ErrFormat, 0, "side data: padding bits with none to pad")
	}
	return append(w.out, r.tailBytes...), nil
}

// appendBlocks appends data as data sub-blocks (section 15) of r's
// lengths, without the block terminator (the skeleton holds it).
func appendBlocks(out, data []byte, r *record) ([]byte, error) {
	if r.flags&fBlocksExplicit != 0 {
		for _, n := range r.blocks {
			if n == 0 || int(n) > len(data) {
				return nil, errf(ErrFormat, 0, "side data: sub-block length %d", n)
			}
			out = append(append(out, n), data[:n]...)
			data = data[n:]
		}
		if len(data) > 0 {
			return nil, errf(ErrFormat, 0, "side data: %d bytes beyond the sub-blocks", len(data))
		}
		return out, nil
	}
	for len(data) > 0 {
		n := min(r.blockLen, len(data))
		out = append(append(out, byte(n)), data[:n]...)
		data = data[n:]
	}
	return out, nil
}

// The four interlace passes (section 20, appendix E): first row, step.
var passes = [4][2]int{{0, 8}, {4, 8}, {2, 4}, {1, 2}}

// deinterlace returns the rows of an interlaced image in raster order.
func deinterlace(seq []byte, w, h int) []byte {
	out := make([]byte, len(seq))
	i := 0
	for _, ps := range passes {
		for y := ps[0]; y < h; y += ps[1] {
			copy(out[y*w:(y+1)*w], seq[i:i+w])
			i += w
		}
	}
	return out
}

// interlace appends the rows of a raster order image in interlaced order.
func interlace(dst, pix []byte, w, h int) []byte {
	for _, ps := range passes {
		for y := ps[0]; y < h; y += ps[1] {
			dst = append(dst, pix[y*w:(y+1)*w]...)
		}
	}
	return dst
}
