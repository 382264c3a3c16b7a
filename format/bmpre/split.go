package bmpre

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/dcar-archiver/dcar/format/deflatere"
)

// Parts is a palette BMP split for coding: its colour indices and the
// side data that rebuilds the file from them.
type Parts struct {
	Meta    []byte // side data, versioned (first byte = side data version 1): everything but the indices
	W, H    int
	Palette []byte // the colour table as RGB triples (BMP stores B,G,R,0 quads: convert), in index order
	Pix     []byte // W*H colour indices, one byte each, raster order TOP ROW FIRST (flip bottom-up files), unpacked from 1/4 bits
}

// Split parses a palette BMP, decodes its pixel data and records what
// the rebuild needs besides the indices. It fails with ErrUnsupported or
// ErrFormat for BMPs it does not take, and ends by running Join: unless
// that reproduces bmp exactly, it returns ErrNoRebuild.
func Split(bmp []byte) (*Parts, error) {
	h, err := parseHeader(bmp, false)
	if err != nil {
		return nil, err
	}
	meta := []byte{metaVersion}
	meta = binary.AppendUvarint(meta, uint64(h.offBits))
	meta = append(meta, bmp[:h.offBits]...)
	pix := make([]byte, h.w*h.h)
	var end int
	if h.comp == biRGB {
		end, meta, err = splitRGB(bmp, h, pix, meta)
	} else {
		end, meta, err = splitRLE(bmp, h, pix, meta)
	}
	if err != nil {
		return nil, err
	}
	meta = binary.AppendUvarint(meta, uint64(len(bmp)-end))
	meta = append(meta, bmp[end:]...)
	out, err := Join(meta, pix)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoRebuild, err)
	}
	if !bytes.Equal(out, bmp) {
		return nil, fmt.Errorf("%w: %s", ErrNoRebuild, firstDiff(out, bmp))
	}
	return &Parts{Meta: meta, W: h.w, H: h.h, Palette: h.palette, Pix: pix}, nil
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("rebuilt %d bytes, original %d, first difference at byte %d", len(a), len(b), i)
}

// Shape returns the image size and the colour table (RGB triples)
// recorded in the side data.
func Shape(meta []byte) (w, h int, palette []byte, err error) {
	hd, _, err := readMeta(meta)
	if err != nil {
		return 0, 0, nil, err
	}
	return hd.w, hd.h, hd.palette, nil
}

// readMeta parses the header copy at the start of the side data and
// returns a reader at the record after it.
func readMeta(meta []byte) (*header, *metaReader, error) {
	if len(meta) == 0 || meta[0] != metaVersion {
		return nil, nil, errf(ErrFormat, 0, "side data version")
	}
	m := &metaReader{deflatere.FieldReader{B: meta, Off: 1}}
	pre := m.Bytes(m.Count("count", 1), "bytes")
	if m.Err != nil {
		return nil, nil, wrap(m.Err)
	}
	h, err := parseHeader(pre, true)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (side data header)", err)
	}
	return h, m, nil
}

// Join rebuilds the original file from the side data and the indices
// (Parts.Pix). Its allocations are bounded by len(pix) plus a small
// multiple of len(meta).
func Join(meta, pix []byte) ([]byte, error) {
	h, m, err := readMeta(meta)
	if err != nil {
		return nil, err
	}
	if len(pix) != h.w*h.h {
		return nil, errf(ErrFormat, 0, "%d pixels for %dx%d", len(pix), h.w, h.h)
	}
	pre := meta[m.Off-h.offBits : m.Off]
	flags := m.Uvarint("number", uint64(fAll))
	var out []byte
	if h.comp == biRGB {
		out, err = joinRGB(h, m, flags, pre, pix)
	} else {
		out, err = joinRLE(h, m, flags, pre, pix)
	}
	if err != nil {
		return nil, err
	}
	post := m.Bytes(m.Count("count", 1), "bytes")
	if m.Err != nil {
		return nil, wrap(m.Err)
	}
	if m.Off != len(meta) {
		return nil, errf(ErrFormat, m.Off, "side data: trailing bytes")
	}
	return append(out, post...), nil
}

// unpack spreads the packed indices of a row (most significant bits
// first) into dst, one per byte.
func unpack(dst, row []byte, bpp int) {
	if bpp == 8 {
		copy(dst, row)
		return
	}
	per, mask := 8/bpp, byte(1<<bpp-1)
	for i := range dst {
		dst[i] = row[i/per] >> (8 - bpp*(i%per+1)) & mask
	}
}

// pack is unpack's inverse; dst is zero.
func pack(dst, src []byte, bpp int) {
	if bpp == 8 {
		copy(dst, src)
		return
	}
	per := 8 / bpp
	for i, v := range src {
		dst[i/per] |= v << (8 - bpp*(i%per+1))
	}
}

// rowTail returns where a BI_RGB row's bits after its W pixels start
// (byte full, from bit rem of it) and the mask of those bits in byte
// full.
func (h *header) rowTail() (full int, mask byte) {
	bits := h.w * h.bpp
	return bits / 8, 0xff >> (bits % 8)
}

// splitRGB unpacks the rows of uncompressed pixel data into pix and
// appends the record of the rows whose padding bits are not zero.
func splitRGB(b []byte, h *header, pix, meta []byte) (int, []byte, error) {
	stride := h.stride()
	need := stride * h.h
	if len(b)-h.offBits < need {
		return 0, nil, errf(ErrFormat, len(b), "truncated pixel data: %d of %d bytes", len(b)-h.offBits, need)
	}
	full, mask := h.rowTail()
	var tails []tail
	for y := range h.h {
		row := b[h.offBits+y*stride : h.offBits+(y+1)*stride]
		unpack(pix[h.imageRow(y)*h.w:][:h.w], row, h.bpp)
		t := row[full:]
		if len(t) == 0 || (t[0]&mask == 0 && isZero(t[1:])) {
			continue
		}
		t = bytes.Clone(t)
		t[0] &= mask
		tails = append(tails, tail{y, t})
	}
	if len(tails) == 0 {
		return h.offBits + need, binary.AppendUvarint(meta, 0), nil
	}
	meta = binary.AppendUvarint(meta, fTails)
	meta = binary.AppendUvarint(meta, uint64(len(tails)))
	last := -1
	for _, t := range tails {
		meta = binary.AppendUvarint(meta, uint64(t.row-last))
		meta = append(meta, t.bytes...)
		last = t.row
	}
	return h.offBits + need, meta, nil
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func joinRGB(h *header, m *metaReader, flags int, pre, pix []byte) ([]byte, error) {
	stride := h.stride()
	full, mask := h.rowTail()
	tl := stride - full
	var tails []tail
	if flags&^fTails != 0 || (flags&fTails != 0 && tl == 0) {
		m.Fail(fmt.Sprintf("flags %#x", flags))
	}
	if flags&fTails != 0 {
		n := m.Count("count", 1+tl)
		last := -1
		for range n {
			d := m.Uvarint("number", uint64(h.h))
			t := tail{last + d, m.Bytes(tl, "bytes")}
			if m.Err != nil {
				break
			}
			if d == 0 || t.row >= h.h || t.bytes[0]&^mask != 0 {
				m.Fail("padding record")
				break
			}
			tails = append(tails, t)
			last = t.row
		}
	}
	if m.Err != nil {
		return nil, wrap(m.Err)
	}
	if h.bpp < 8 {
		for i, v := range pix {
			if v >= 1<<h.bpp {
				return nil, errf(ErrFormat, 0, "pixel %d: index %d at %d bits", i, v, h.bpp)
			}
		}
	}
	out := make([]byte, len(pre)+stride*h.h, len(pre)+stride*h.h+len(m.B)-m.Off)
	copy(out, pre)
	for y := range h.h {
		row := out[len(pre)+y*stride:][:stride]
		pack(row, pix[h.imageRow(y)*h.w:][:h.w], h.bpp)
		if len(tails) > 0 && tails[0].row == y {
			for i, c := range tails[0].bytes {
				row[full+i] |= c
			}
			tails = tails[1:]
		}
	}
	return out, nil
}

// splitRLE decodes the RLE codes into pix, chooses the canonical encoder
// closest to them and appends the record of the departures from it.
func splitRLE(b []byte, h *header, pix, meta []byte) (int, []byte, error) {
	xmax := h.rowPixels()
	v := make([]byte, xmax*h.h)
	m := newRLEImage(h, v)
	data := b[h.offBits:]
	toks, n, err := m.decode(data, h.offBits)
	if err != nil && h.sizeImage > 0 && h.sizeImage < len(data) {
		// Codes without an end of bitmap, then other data: the codes
		// end where biSizeImage says.
		clear(v)
		m.x, m.y = 0, 0
		toks, n, err = m.decode(data[:h.sizeImage], h.offBits)
	}
	if err != nil {
		return 0, nil, err
	}
	for y := range h.h {
		copy(pix[h.imageRow(y)*h.w:][:h.w], v[y*xmax:])
	}
	var ovf []overflow
	k := 0
	for y := range h.h {
		for _, c := range v[y*xmax+h.w : (y+1)*xmax] {
			if c != 0 {
				ovf = append(ovf, overflow{k, c})
			}
			k++
		}
	}
	c, exc := m.choose(toks)
	flags := 0
	if len(ovf) > 0 {
		flags |= fOverflow
	}
	if len(exc) > 0 {
		flags |= fExc
	}
	meta = binary.AppendUvarint(meta, uint64(flags))
	for _, n := range []int{c.maxRun, c.maxLit, c.minRun, c.bits(), c.odd, c.litPad} {
		meta = binary.AppendUvarint(meta, uint64(n))
	}
	if len(ovf) > 0 {
		meta = binary.AppendUvarint(meta, uint64(len(ovf)))
		last := -1
		for _, o := range ovf {
			meta = binary.AppendUvarint(meta, uint64(o.idx-last))
			meta = append(meta, o.v)
			last = o.idx
		}
	}
	if len(exc) > 0 {
		meta = binary.AppendUvarint(meta, uint64(len(exc)))
		last := -1
		for _, x := range exc {
			meta = binary.AppendUvarint(meta, uint64(x.idx-last))
			meta = appendToken(meta, x)
			last = x.idx
		}
	}
	return h.offBits + n, meta, nil
}

// analyse replays c over the decoded codes and returns the codes where
// it departs from them, with an estimate of their side data bytes; it
// gives up (nil) once that passes budget.
func (m *rleImage) analyse(c cfg, toks []token, budget int) ([]exception, int) {
	m.setCfg(c)
	m.x, m.y = 0, 0
	var exc []exception
	cost := 0
	for k, t := range toks {
		if ct := m.canon(); ct != t {
			x := exception{idx: k, t: t}
			cost += 2
			switch t.kind {
			case tRun:
				if x.explicit = int(t.b) != m.runByte(m.x, int(t.n)); x.explicit {
					cost++
				}
			case tLit, tDelta:
				cost += 2
			}
			if cost > budget {
				return nil, cost
			}
			exc = append(exc, x)
		}
		m.step(t)
	}
	return exc, cost
}

// candidates returns the canonical encoders worth trying on toks: the
// unit modes, run and literal limits from what the codes show and the
// usual ones.
func (m *rleImage) candidates(toks []token) []cfg {
	m.x, m.y = 0, 0
	maxRun, maxLit, pad, litPad := 1, 0, false, -1
	var oddVotes [3]int // the one-pixel RLE4 runs each odd policy explains
	for _, t := range toks {
		if m.rle4 && t.kind == tRun && t.n == 1 {
			lo, hi := int(t.b&15), int(t.b>>4)
			for i, v := range []int{0, hi, m.at(m.x + 1)} {
				if lo == v {
					oddVotes[i]++
				}
			}
		}
		if t.kind == tLit && m.litBytes(int(t.n))&1 == 1 && litPad < 0 {
			litPad = int(t.b >> 4)
		}
		switch t.kind {
		case tRun:
			maxRun = max(maxRun, int(t.n))
		case tLit:
			maxLit = max(maxLit, int(t.n))
		}
		if t.kind == tRun || t.kind == tLit {
			pad = pad || m.x+int(t.n) > m.h.w
		}
		m.step(t)
	}
	n := len(toks)
	lastEOL := n >= 2 && toks[n-2].kind == tEOL // before the end of bitmap, or before the stream's end
	modes := []cfg{{}}
	if m.rle4 {
		modes = []cfg{{pairs: true}, {alt: true}, {}}
	}
	var out []cfg
	for _, mode := range modes {
		s := 1
		if mode.pairs {
			s = 2
		}
		runs := dedupe(255/s, min(255/s, (maxRun+s-1)/s))
		lits := []int{0}
		if maxLit > 0 {
			lits = dedupe(255/s, min(255/s, max(3, (maxLit+s-1)/s)))
		}
		odds := []int{0}
		if m.rle4 && !mode.pairs {
			for i, v := range oddVotes {
				if v > oddVotes[odds[0]] {
					odds[0] = i
				}
			}
		}
		pads := []bool{false}
		if pad {
			pads = []bool{true, false}
		}
		for _, r := range runs {
			for _, l := range lits {
				for _, pd := range pads {
					for _, mr := range []int{2, 3, 4} {
						for _, sp := range []bool{false, true} {
							for _, o := range odds {
								c := mode
								c.maxRun, c.maxLit, c.pad, c.lastEOL, c.odd = r, l, pd, lastEOL, o
								if l > 0 {
									c.minRun, c.split, c.litPad = mr, sp, max(litPad, 0)
								}
								if !slices.Contains(out, c) {
									out = append(out, c)
								}
							}
						}
					}
				}
			}
		}
	}
	return out
}

func dedupe(a, b int) []int {
	if a == b {
		return []int{a}
	}
	return []int{a, b}
}

// prefixTokens is how many codes the candidate encoders are first
// compared on.
const prefixTokens = 512

// choose returns the canonical encoder with the fewest departures from
// toks, and those departures.
func (m *rleImage) choose(toks []token) (cfg, []exception) {
	cands := m.candidates(toks)
	prefix := toks[:min(len(toks), prefixTokens)]
	costs := make([]int, len(cands))
	best := int(^uint(0) >> 1)
	for i, c := range cands {
		_, costs[i] = m.analyse(c, prefix, best)
		best = min(best, costs[i])
	}
	order := make([]int, len(cands))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return costs[a] - costs[b] })
	var bestCfg cfg
	var bestExc []exception
	best = int(^uint(0) >> 1)
	tries := 1
	if len(prefix) < len(toks) {
		tries = 3
	}
	for _, i := range order[:min(tries, len(order))] {
		exc, cost := m.analyse(cands[i], toks, best)
		if cost < best || (cost == best && exc != nil && bestExc == nil) {
			best, bestCfg, bestExc = cost, cands[i], exc
		}
	}
	return bestCfg, bestExc
}

func joinRLE(h *header, m *metaReader, flags int, pre, pix []byte) ([]byte, error) {
	if flags&^(fOverflow|fExc) != 0 {
		m.Fail(fmt.Sprintf("flags %#x", flags))
	}
	var c cfg
	c.maxRun, c.maxLit, c.minRun = m.Uvarint("number", uint64(255)), m.Uvarint("number", uint64(255)), m.Uvarint("number", uint64(255))
	bits := m.Uvarint("number", uint64(cAll))
	c.pad, c.lastEOL, c.pairs, c.alt, c.split = bits&cPad != 0, bits&cLastEOL != 0, bits&cPairs != 0, bits&cAlt != 0, bits&cSplit != 0
	c.odd, c.litPad = m.Uvarint("number", uint64(2)), m.Uvarint("number", uint64(255))
	s := 1
	if c.pairs && h.comp == biRLE4 {
		s = 2
	}
	if c.maxRun == 0 || c.maxRun*s > 255 || (c.maxLit != 0 && c.maxLit < 3) || c.maxLit*s > 255 {
		m.Fail("encoder limits")
	}
	xmax := h.rowPixels()
	var ovf []overflow
	if flags&fOverflow != 0 {
		n := m.Count("count", 2)
		last, lim := -1, (xmax-h.w)*h.h
		for range n {
			o := overflow{last + m.Uvarint("number", uint64(lim)), m.Byte("byte")}
			if m.Err == nil && (o.idx <= last || o.idx >= lim) {
				m.Fail("overflow index")
			}
			if m.Err != nil {
				break
			}
			ovf = append(ovf, o)
			last = o.idx
		}
	}
	var exc []exception
	if flags&fExc != 0 {
		n := m.Count("count", 2)
		last := -1
		for range n {
			d := m.Uvarint("number", uint64(1<<30))
			t, explicit := m.token()
			if m.Err == nil && d == 0 {
				m.Fail("exception order")
			}
			if m.Err != nil {
				break
			}
			last += d
			exc = append(exc, exception{last, t, explicit})
		}
	}
	if m.Err != nil {
		return nil, wrap(m.Err)
	}
	v := make([]byte, xmax*h.h)
	for y := range h.h {
		copy(v[y*xmax:], pix[h.imageRow(y)*h.w:][:h.w])
	}
	if h.comp == biRLE4 {
		for i, p := range pix {
			if p > 15 {
				return nil, errf(ErrFormat, 0, "pixel %d: index %d at 4 bits", i, p)
			}
		}
	}
	for _, o := range ovf {
		y, x := o.idx/(xmax-h.w), h.w+o.idx%(xmax-h.w)
		if h.comp == biRLE4 && o.v > 15 {
			return nil, errf(ErrFormat, 0, "side data: overflow pixel %d", o.v)
		}
		v[y*xmax+x] = o.v
	}
	r := newRLEImage(h, v)
	r.setCfg(c)
	out := make([]byte, len(pre), len(pre)+len(pix)+len(pix)/4+4*h.h+64)
	copy(out, pre)
	var ok bool
	for k := 0; ; k++ {
		var t token
		if len(exc) > 0 && exc[0].idx == k {
			t = exc[0].t
			if t.kind == tRun && !exc[0].explicit && r.y < h.h {
				t.b = uint16(r.runByte(r.x, int(t.n)))
			}
			exc = exc[1:]
		} else {
			t = r.canon()
		}
		if !r.fits(t) {
			return nil, errf(ErrFormat, 0, "side data: code %d past the image (row %d, column %d)", k, r.y, r.x)
		}
		if out, ok = r.emit(out, t); !ok {
			return nil, errf(ErrFormat, 0, "side data: literal padding of code %d", k)
		}
		r.step(t)
		if t.kind == tEOB || t.kind == tStop {
			break
		}
	}
	if len(exc) > 0 {
		return nil, errf(ErrFormat, 0, "side data: exception %d after the end of bitmap", exc[0].idx)
	}
	return out, nil
}
