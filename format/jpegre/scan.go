package jpegre

import "errors"

// A scan's entropy-coded data (T.81 annex F, G): restart intervals of
// MCUs, each ending byte-aligned (padded with ones) and followed, except
// the last, by RSTn with n counting modulo 8. decodeScan and encodeScan
// drive the intervals; a scanCoder codes the MCUs of one kind of scan:
// sequential here, the four progressive kinds in progressive.go.
//
// A sequential block is a DC difference from the previous block of its
// component (reset to 0 at each interval) and the AC coefficients as
// run/size symbols, ZRL for 16 zeros and EOB for the rest.

// scanLayout orders the blocks a scan codes: MCUs of the frame's grid
// for an interleaved scan, the component's own cw × ch blocks, one per
// MCU, for a non-interleaved one.
type scanLayout struct {
	f    *frameHdr
	sc   *scanHdr
	mcus int
}

func newScanLayout(f *frameHdr, sc *scanHdr) scanLayout {
	if len(sc.comps) == 1 {
		c := f.comps[sc.comps[0]]
		return scanLayout{f, sc, c.cw * c.ch}
	}
	return scanLayout{f, sc, f.mcux * f.mcuy}
}

// single is the grid index of MCU m's block in a non-interleaved scan.
func (l scanLayout) single(m int) int {
	c := l.f.comps[l.sc.comps[0]]
	return (m/c.cw)*c.bw + m%c.cw
}

// each calls fn for every block of MCU m in coding order with the scan
// component's index i and the block's index in its component's grid.
func (l scanLayout) each(m int, fn func(i, blk int) error) error {
	if len(l.sc.comps) == 1 {
		return fn(0, l.single(m))
	}
	mx, my := m%l.f.mcux, m/l.f.mcux
	for i, ci := range l.sc.comps {
		c := l.f.comps[ci]
		for v := range c.v {
			for h := range c.h {
				if err := fn(i, (my*c.v+v)*c.bw+mx*c.h+h); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// scanSide is what a scan's bytes hold beyond its coefficients.
type scanSide struct {
	pads []byte // the pad bits of each interval; nil: all ones
	dev  []int  // progressive AC scans: where the EOB runs depart from the canonical rule (progressive.go), ascending MCU indexes
}

// A scanCoder codes the MCUs of one scan. Decoding fills the coefficient
// grids; encoding reads them and writes exactly the bits decoding read.
type scanCoder interface {
	// start resets the coding state at the start of each restart
	// interval (DC predictions, the EOB run).
	start()
	decodeMCU(r *bitReader, m int) error
	// decodeEnd checks that nothing outlasts the interval (an EOB run).
	decodeEnd() error
	encodeMCU(w *bitWriter, m int) error
	// encodeEnd writes what the interval still owes (a pending EOB run).
	encodeEnd(w *bitWriter) error
}

// coder returns the coder for scan sc over the grids coef; side is
// where a progressive AC scan's decoding records, and its encoding
// reads, the EOB run departures.
func (p *parser) coder(sc *scanHdr, coef [][]int16, side *scanSide) scanCoder {
	l := newScanLayout(p.frame, sc)
	tabs := func(class int, sel []int) []*huffTable {
		t := make([]*huffTable, len(sel))
		for i, s := range sel {
			t[i] = p.huff[class][s]
		}
		return t
	}
	switch {
	case !p.frame.progressive:
		return &seqCoder{l: l, coef: coef, dc: tabs(0, sc.td), ac: tabs(1, sc.ta)}
	case sc.ss == 0:
		return &dcCoder{l: l, coef: coef, dc: tabs(0, sc.td), al: sc.al, refine: sc.ah != 0}
	}
	return &acCoder{l: l, coef: coef[sc.comps[0]], ac: p.huff[1][sc.ta[0]], ss: sc.ss, se: sc.se, al: sc.al, refine: sc.ah != 0, side: side}
}

// decodeScan decodes the scan whose data starts at b[pos] into the
// coefficient grids and returns the offset of the marker after it and
// what else the scan's bytes hold.
func (p *parser) decodeScan(pos int, sc *scanHdr, coef [][]int16) (int, scanSide, error) {
	b := p.b
	var side scanSide
	c := p.coder(sc, coef, &side)
	l := newScanLayout(p.frame, sc)
	ri := p.ri
	if ri == 0 {
		ri = l.mcus
	}
	ones := true
	var buf []byte
	for start, n := 0, 0; start < l.mcus; start, n = start+ri, n+1 {
		// The interval's bytes, unstuffed, up to the next marker.
		buf = buf[:0]
		i := pos
		for ; i < len(b); i++ {
			if b[i] != 0xFF {
				continue
			}
			if i+1 >= len(b) {
				break
			}
			if b[i+1] != 0 {
				break
			}
			buf = append(buf, b[pos:i+1]...)
			pos = i + 2
			i++
		}
		if i >= len(b)-1 {
			return 0, side, errAt(ErrUnsupported, i, "file ends inside scan %d", p.nscan)
		}
		buf = append(buf, b[pos:i]...)
		r := bitReader{b: buf}
		c.start()
		end := min(start+ri, l.mcus)
		for m := start; m < end; m++ {
			err := c.decodeMCU(&r, m)
			if err != nil || r.over > 0 && r.used() > len(buf)*8 {
				if err == nil {
					err = errBadCode
				}
				return 0, side, errAt(ErrFormat, pos, "scan %d, MCU %d: %v", p.nscan, m, err)
			}
		}
		if err := c.decodeEnd(); err != nil {
			return 0, side, errAt(ErrNoRebuild, pos, "scan %d interval %d: %v", p.nscan, n, err)
		}
		used := r.used()
		if (used+7)/8 != len(buf) {
			return 0, side, errAt(ErrNoRebuild, pos, "scan %d interval %d: %d bytes after the data", p.nscan, n, len(buf)-(used+7)/8)
		}
		pad := byte(0)
		if k := (8 - used%8) % 8; k != 0 {
			pad = buf[len(buf)-1] & (1<<k - 1)
			ones = ones && pad == 1<<k-1
		}
		side.pads = append(side.pads, pad)
		pos = i
		if end < l.mcus {
			if b[i+1] != mRST0+byte(n%8) {
				return 0, side, errAt(ErrNoRebuild, i, "scan %d: marker 0x%02x where RST%d belongs", p.nscan, b[i+1], n%8)
			}
			pos = i + 2
		}
	}
	if ones {
		side.pads = nil
	}
	return pos, side, nil
}

// encodeScan appends the scan's entropy-coded data, from the coefficient
// grids and the scan's side, to dst.
func (p *parser) encodeScan(dst []byte, sc *scanHdr, coef [][]int16, side scanSide) ([]byte, error) {
	l := newScanLayout(p.frame, sc)
	ri := p.ri
	if ri == 0 {
		ri = l.mcus
	}
	if side.pads != nil && len(side.pads) != ceilDiv(l.mcus, ri) {
		return nil, errAt(ErrFormat, 0, "scan %d: %d pad entries for %d intervals", p.nscan, len(side.pads), ceilDiv(l.mcus, ri))
	}
	if len(side.dev) > 0 && (!p.frame.progressive || sc.ss == 0 || side.dev[len(side.dev)-1] >= l.mcus) {
		return nil, errAt(ErrFormat, 0, "scan %d: EOB run departures for a scan without EOB runs or past its %d MCUs", p.nscan, l.mcus)
	}
	c := p.coder(sc, coef, &side)
	w := bitWriter{out: dst}
	for start, n := 0, 0; start < l.mcus; start, n = start+ri, n+1 {
		c.start()
		end := min(start+ri, l.mcus)
		for m := start; m < end; m++ {
			if err := c.encodeMCU(&w, m); err != nil {
				return nil, errAt(ErrFormat, 0, "scan %d, MCU %d: %v", p.nscan, m, err)
			}
			if p.maxOut >= 0 && len(w.out) > p.maxOut {
				return nil, errAt(ErrFormat, 0, "scan %d, MCU %d: rebuilt file longer than the bound", p.nscan, m)
			}
		}
		if err := c.encodeEnd(&w); err != nil {
			return nil, errAt(ErrFormat, 0, "scan %d interval %d: %v", p.nscan, n, err)
		}
		pad := byte(0xFF)
		if side.pads != nil {
			pad = side.pads[n]
		}
		w.align(pad)
		if end < l.mcus {
			w.out = append(w.out, 0xFF, mRST0+byte(n%8))
		}
	}
	if p.maxOut >= 0 && len(w.out) > p.maxOut {
		return nil, errAt(ErrFormat, 0, "scan %d: rebuilt file longer than the bound", p.nscan)
	}
	return w.out, nil
}

// seqCoder codes a sequential scan.
type seqCoder struct {
	l      scanLayout
	coef   [][]int16
	dc, ac []*huffTable // per scan component
	pred   [4]int32
}

func (c *seqCoder) start()           { c.pred = [4]int32{} }
func (c *seqCoder) decodeEnd() error { return nil }

func (c *seqCoder) encodeEnd(*bitWriter) error { return nil }

func (c *seqCoder) decodeMCU(r *bitReader, m int) error {
	return c.l.each(m, func(i, blk int) error {
		z := c.coef[c.l.sc.comps[i]][blk*64 : blk*64+64]
		v, err := decodeDC(r, c.dc[i], c.pred[i])
		if err != nil {
			return err
		}
		if v < -32768 || v > 32767 {
			return errBadCode
		}
		c.pred[i] = v
		z[0] = int16(v)
		eob, _, err := decodeBand(r, c.ac[i], z[1:], 0)
		if eob > 1 {
			return errBadCode // an EOB run: progressive only
		}
		return err
	})
}

func (c *seqCoder) encodeMCU(w *bitWriter, m int) error {
	return c.l.each(m, func(i, blk int) error {
		z := c.coef[c.l.sc.comps[i]][blk*64 : blk*64+64]
		if err := encodeDC(w, c.dc[i], int32(z[0])-c.pred[i]); err != nil {
			return err
		}
		c.pred[i] = int32(z[0])
		trailing, err := encodeBand(w, c.ac[i], z[1:], 0)
		if err != nil || !trailing {
			return err
		}
		return encodeEOBRun(w, c.ac[i], 1)
	})
}

// decodeDC reads a DC difference (T.81 F.2.2.1) and returns pred plus it.
func decodeDC(r *bitReader, dc *huffTable, pred int32) (int32, error) {
	s, err := r.decode(dc)
	if err != nil {
		return 0, err
	}
	if s > 15 {
		return 0, errBadCode
	}
	return pred + extend(r.bits(uint(s)), uint(s)), nil
}

var errNoCode = errors.New("a value the Huffman table has no code for")

// encodeDC writes the DC difference d.
func encodeDC(w *bitWriter, dc *huffTable, d int32) error {
	s, bits := category(d)
	if s > 15 || dc.size[s] == 0 {
		return errNoCode
	}
	w.put(uint32(dc.code[s]), uint(dc.size[s]))
	w.put(uint32(bits), s)
	return nil
}

// decodeBand decodes one block's AC coefficients of the band z as
// run/size symbols with ZRL for 16 zeros (T.81 F.2.2.2, G.1.2.2), each
// value times 2^al, until the band is full or an EOB run symbol ends
// it. It returns the EOB run's length in blocks (0: no EOB, the band's
// last coefficient was coded) and whether any symbol came before it.
func decodeBand(r *bitReader, ac *huffTable, z []int16, al uint) (eob int, coded bool, err error) {
	for k := 0; k < len(z); {
		rs, err := r.decode(ac)
		if err != nil {
			return 0, coded, err
		}
		run, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if run != 15 {
				return 1<<run + int(r.bits(uint(run))), coded, nil
			}
			k += 16 // ZRL
			coded = true
			continue
		}
		coded = true
		k += run
		if k >= len(z) {
			return 0, coded, errBadCode
		}
		v := extend(r.bits(s), s) << al
		if v < -32768 || v > 32767 {
			return 0, coded, errBadCode
		}
		z[k] = int16(v)
		k++
	}
	return 0, coded, nil
}

// pointAC is an AC coefficient's point transform (T.81 G.1.2.2): a
// division by 2^al rounding toward zero.
func pointAC(c int16, al uint) int32 {
	if c < 0 {
		return -(-int32(c) >> al)
	}
	return int32(c) >> al
}

// encodeBand writes the band z's coefficients, point-transformed by al,
// as run/size symbols with ZRL for 16 zeros (only before a coefficient)
// and reports whether zeros trail the last one: the EOB the caller owes.
func encodeBand(w *bitWriter, ac *huffTable, z []int16, al uint) (trailing bool, err error) {
	run := 0
	for _, c := range z {
		if c == 0 {
			run++
			continue
		}
		v := int32(c)
		if al != 0 {
			if v = pointAC(c, al); v == 0 {
				run++
				continue
			}
		}
		for ; run >= 16; run -= 16 {
			if ac.size[0xF0] == 0 {
				return false, errNoCode
			}
			w.put(uint32(ac.code[0xF0]), uint(ac.size[0xF0]))
		}
		s, bits := category(v)
		if s > 15 {
			return false, errNoCode
		}
		sym := byte(run<<4) | byte(s)
		if ac.size[sym] == 0 {
			return false, errNoCode
		}
		w.put(uint32(ac.code[sym]), uint(ac.size[sym]))
		w.put(uint32(bits), s)
		run = 0
	}
	return run > 0, nil
}

// encodeEOBRun writes the symbol for a run of n EOBs (T.81 G.1.2.2:
// EOBr and the r low bits of n, n < 2^(r+1)); a sequential EOB is n = 1.
func encodeEOBRun(w *bitWriter, ac *huffTable, n int) error {
	r := uint(0)
	for n>>(r+1) != 0 {
		r++
	}
	if r > 14 || ac.size[r<<4] == 0 {
		return errNoCode
	}
	w.put(uint32(ac.code[r<<4]), uint(ac.size[r<<4]))
	w.put(uint32(n), r)
	return nil
}
