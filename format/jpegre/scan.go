package jpegre

// A sequential scan's entropy-coded data (T.81 annex F): restart
// intervals of MCUs, each ending byte-aligned (padded with ones) and
// followed, except the last, by RSTn with n counting modulo 8. Every
// block is a DC difference from the previous block of its component
// (reset to 0 at each interval) and the AC coefficients as run/size
// symbols, ZRL for 16 zeros and EOB for the rest.

// mcuBlocks lists, for one MCU index, the blocks a scan codes: the
// component and the block's index in its grid.
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

// each calls fn for every block of MCU m in coding order with the scan
// component's index i and the block's index in its component's grid.
func (l scanLayout) each(m int, fn func(i, blk int) error) error {
	if len(l.sc.comps) == 1 {
		c := l.f.comps[l.sc.comps[0]]
		return fn(0, (m/c.cw)*c.bw+m%c.cw)
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

// decodeScan decodes the scan whose data starts at b[pos] into the
// coefficient grids and returns the offset of the marker after it and
// the pad bits of each interval (nil when all are ones).
func (p *parser) decodeScan(pos int, sc *scanHdr, coef [][]int16) (int, []byte, error) {
	b := p.b
	l := newScanLayout(p.frame, sc)
	ri := p.ri
	if ri == 0 {
		ri = l.mcus
	}
	var pads []byte
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
			return 0, nil, errAt(ErrUnsupported, i, "file ends inside scan %d", p.nscan)
		}
		buf = append(buf, b[pos:i]...)
		r := bitReader{b: buf}
		var pred [4]int32
		end := min(start+ri, l.mcus)
		for m := start; m < end; m++ {
			err := l.each(m, func(si, blk int) error {
				return decodeBlock(&r, p.huff[0][sc.td[si]], p.huff[1][sc.ta[si]], &pred[si], coef[sc.comps[si]][blk*64:blk*64+64])
			})
			if err != nil || r.over > 0 && r.used() > len(buf)*8 {
				if err == nil {
					err = errBadCode
				}
				return 0, nil, errAt(ErrFormat, pos, "scan %d, MCU %d: %v", p.nscan, m, err)
			}
		}
		used := r.used()
		if (used+7)/8 != len(buf) {
			return 0, nil, errAt(ErrNoRebuild, pos, "scan %d interval %d: %d bytes after the data", p.nscan, n, len(buf)-(used+7)/8)
		}
		pad := byte(0)
		if k := (8 - used%8) % 8; k != 0 {
			pad = buf[len(buf)-1] & (1<<k - 1)
			ones = ones && pad == 1<<k-1
		}
		pads = append(pads, pad)
		pos = i
		if end < l.mcus {
			if b[i+1] != mRST0+byte(n%8) {
				return 0, nil, errAt(ErrNoRebuild, i, "scan %d: marker 0x%02x where RST%d belongs", p.nscan, b[i+1], n%8)
			}
			pos = i + 2
		}
	}
	if ones {
		pads = nil
	}
	return pos, pads, nil
}

// decodeBlock decodes one block's 64 coefficients (zig-zag order).
func decodeBlock(r *bitReader, dc, ac *huffTable, pred *int32, z []int16) error {
	s, err := r.decode(dc)
	if err != nil {
		return err
	}
	if s > 15 {
		return errBadCode
	}
	v := *pred + extend(r.bits(uint(s)), uint(s))
	if v < -32768 || v > 32767 {
		return errBadCode
	}
	*pred = v
	z[0] = int16(v)
	for k := 1; k < 64; {
		rs, err := r.decode(ac)
		if err != nil {
			return err
		}
		run, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if run != 15 {
				break // EOB
			}
			k += 16
			continue
		}
		k += run
		if k > 63 {
			return errBadCode
		}
		z[k] = int16(extend(r.bits(s), s))
		k++
	}
	return nil
}

// encodeScan appends the scan's entropy-coded data, from the coefficient
// grids, to dst; pads are the intervals' pad bits (nil: ones).
func (p *parser) encodeScan(dst []byte, sc *scanHdr, coef [][]int16, pads []byte) ([]byte, error) {
	l := newScanLayout(p.frame, sc)
	ri := p.ri
	if ri == 0 {
		ri = l.mcus
	}
	if pads != nil && len(pads) != ceilDiv(l.mcus, ri) {
		return nil, errAt(ErrFormat, 0, "scan %d: %d pad entries for %d intervals", p.nscan, len(pads), ceilDiv(l.mcus, ri))
	}
	w := bitWriter{out: dst}
	for start, n := 0, 0; start < l.mcus; start, n = start+ri, n+1 {
		var pred [4]int32
		end := min(start+ri, l.mcus)
		for m := start; m < end; m++ {
			err := l.each(m, func(si, blk int) error {
				return encodeBlock(&w, p.huff[0][sc.td[si]], p.huff[1][sc.ta[si]], &pred[si], coef[sc.comps[si]][blk*64:blk*64+64])
			})
			if err != nil {
				return nil, errAt(ErrFormat, 0, "scan %d, MCU %d: %v", p.nscan, m, err)
			}
		}
		pad := byte(0xFF)
		if pads != nil {
			pad = pads[n]
		}
		w.align(pad)
		if end < l.mcus {
			w.out = append(w.out, 0xFF, mRST0+byte(n%8))
		}
	}
	return w.out, nil
}

var errNoCode = errBadCode

// encodeBlock writes one block with the canonical run/size coding.
func encodeBlock(w *bitWriter, dc, ac *huffTable, pred *int32, z []int16) error {
	s, bits := category(int32(z[0]) - *pred)
	*pred = int32(z[0])
	if s > 15 || dc.size[s] == 0 {
		return errNoCode
	}
	w.put(uint32(dc.code[s]), uint(dc.size[s]))
	w.put(uint32(bits), s)
	run := 0
	for k := 1; k < 64; k++ {
		v := z[k]
		if v == 0 {
			run++
			continue
		}
		for ; run >= 16; run -= 16 {
			if ac.size[0xF0] == 0 {
				return errNoCode
			}
			w.put(uint32(ac.code[0xF0]), uint(ac.size[0xF0]))
		}
		s, bits := category(int32(v))
		sym := byte(run<<4) | byte(s)
		if s > 15 || ac.size[sym] == 0 {
			return errNoCode
		}
		w.put(uint32(ac.code[sym]), uint(ac.size[sym]))
		w.put(uint32(bits), s)
		run = 0
	}
	if run > 0 {
		if ac.size[0] == 0 {
			return errNoCode
		}
		w.put(uint32(ac.code[0]), uint(ac.size[0]))
	}
	return nil
}
