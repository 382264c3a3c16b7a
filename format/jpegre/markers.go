package jpegre

import (
	"errors"
	"fmt"
)

var (
	// ErrFormat reports a file that is not a well-formed JPEG (or side
	// data that does not describe one).
	ErrFormat = errors.New("jpegre: malformed JPEG")
	// ErrUnsupported reports a well-formed JPEG of a kind this package
	// does not split (arithmetic-coded, lossless, hierarchical, 12-bit,
	// a progression out of order, too large for the caller's bound,
	// truncated).
	ErrUnsupported = errors.New("jpegre: unsupported JPEG")
	// ErrNoRebuild reports a JPEG whose canonical re-encoding differs
	// from the file (its encoder spent bits in a way the coefficients do
	// not determine).
	ErrNoRebuild = errors.New("jpegre: JPEG does not rebuild exactly")
)

func errAt(err error, off int, format string, a ...any) error {
	return fmt.Errorf("%w at byte %d: %s", err, off, fmt.Sprintf(format, a...))
}

// Markers (T.81 table B.1).
const (
	mSOF0 = 0xC0 // baseline DCT
	mSOF1 = 0xC1 // extended sequential DCT, Huffman
	mSOF2 = 0xC2 // progressive DCT, Huffman
	mDHT  = 0xC4
	mRST0 = 0xD0
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDNL  = 0xDC
	mDRI  = 0xDD
)

// compHdr is one component of the frame header.
type compHdr struct {
	id     byte
	h, v   int // sampling factors, 1..4
	tq     int // quantisation table selector
	bw, bh int // block grid: whole MCUs
	cw, ch int // the blocks a non-interleaved scan codes
}

// frameHdr is the SOF segment and the grid derived from it.
type frameHdr struct {
	w, h        int
	progressive bool // SOF2
	comps       []compHdr
	hmax, vmax  int
	mcux, mcuy  int // MCUs of an interleaved scan
}

// scanHdr is one SOS segment: the frame components it codes (indexes)
// with their DC and AC table selectors, the spectral band Ss..Se (zig-zag
// indexes) and the successive approximation bit positions Ah, Al. A
// sequential scan has the band 0..63 and Ah = Al = 0.
type scanHdr struct {
	comps  []int
	td, ta []int
	ss, se int
	ah, al uint
}

// parser walks the marker segments of a file or a skeleton, keeping the
// tables in force.
type parser struct {
	b       []byte
	huff    [2][4]*huffTable // [0: DC, 1: AC][selector]
	quant   [4][64]uint16    // zig-zag order
	qdef    [4]bool
	ri      int // restart interval in MCUs, 0: none
	frame   *frameHdr
	quantOf [][64]uint16 // per frame component: its table at its first scan
	scanned []bool
	// prog is, per frame component of a progressive frame and per
	// coefficient (zig-zag), the Al of the last scan that coded it, -1
	// before the first: each scan must continue it (T.81 G.1.1.1.2), so
	// a file has at most 4·64·14 scans and the coefficients after each
	// scan are the final ones with the low Al bits cleared.
	prog     [][64]int8
	nscan    int
	maxBlock int
	maxOut   int // Rebuild: the bound on the output's length, < 0 none
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// be16 reads a big-endian 16-bit value; the caller checked the bounds.
func be16(b []byte, i int) int { return int(b[i])<<8 | int(b[i+1]) }

// walk parses b from SOI to EOI, calling scan after each SOS header with
// the offset where its entropy-coded data begins; scan returns the
// offset of the marker that follows that data. walk returns the offset
// just past EOI.
func (p *parser) walk(scan func(pos int, sc *scanHdr) (int, error)) (int, error) {
	b := p.b
	if len(b) < 2 || b[0] != 0xFF || b[1] != mSOI {
		return 0, errAt(ErrFormat, 0, "no SOI marker")
	}
	pos := 2
	for {
		if pos >= len(b) || b[pos] != 0xFF {
			if pos >= len(b) {
				return 0, errAt(ErrUnsupported, pos, "file ends before EOI")
			}
			return 0, errAt(ErrFormat, pos, "marker expected, found 0x%02x", b[pos])
		}
		for pos+1 < len(b) && b[pos+1] == 0xFF { // fill bytes
			pos++
		}
		if pos+1 >= len(b) {
			return 0, errAt(ErrUnsupported, pos, "file ends before EOI")
		}
		m := b[pos+1]
		at := pos
		pos += 2
		switch {
		case m == mEOI:
			if p.nscan == 0 {
				return 0, errAt(ErrFormat, at, "EOI before any scan")
			}
			return pos, nil
		case m == mSOI || m == 0x01 || (m >= mRST0 && m <= mRST0+7) || m == 0x00:
			return 0, errAt(ErrFormat, at, "marker 0x%02x out of place", m)
		}
		if pos+2 > len(b) {
			return 0, errAt(ErrUnsupported, pos, "file ends inside a marker segment")
		}
		n := be16(b, pos)
		if n < 2 || pos+n > len(b) {
			return 0, errAt(ErrUnsupported, pos, "segment of %d bytes past the end of the file", n)
		}
		seg := b[pos+2 : pos+n]
		segAt := pos + 2
		pos += n
		var err error
		switch {
		case m == mSOF0 || m == mSOF1 || m == mSOF2:
			err = p.parseSOF(seg, segAt, m == mSOF2)
		case m >= 0xC3 && m <= 0xCF && m != mDHT:
			err = errAt(ErrUnsupported, at, "frame type SOF%d (lossless, hierarchical or arithmetic-coded)", m-0xC0)
		case m == mDHT:
			err = p.parseDHT(seg, segAt)
		case m == mDQT:
			err = p.parseDQT(seg, segAt)
		case m == mDRI:
			if len(seg) != 2 {
				err = errAt(ErrFormat, segAt, "DRI of %d bytes", len(seg))
			}
			if err == nil {
				p.ri = be16(seg, 0)
			}
		case m == mDNL:
			err = errAt(ErrUnsupported, at, "DNL marker")
		case m == mSOS:
			var sc *scanHdr
			if sc, err = p.parseSOS(seg, segAt); err == nil {
				p.nscan++
				pos, err = scan(pos, sc)
			}
		}
		if err != nil {
			return 0, err
		}
	}
}

func (p *parser) parseSOF(s []byte, at int, progressive bool) error {
	if p.frame != nil {
		return errAt(ErrUnsupported, at, "second frame header")
	}
	if len(s) < 6 {
		return errAt(ErrFormat, at, "short SOF")
	}
	if s[0] != 8 {
		return errAt(ErrUnsupported, at, "%d-bit samples", s[0])
	}
	f := &frameHdr{h: be16(s, 1), w: be16(s, 3), progressive: progressive}
	nc := int(s[5])
	if f.h == 0 {
		return errAt(ErrUnsupported, at, "height defined by DNL")
	}
	if f.w == 0 || nc == 0 || nc > 4 || len(s) != 6+3*nc {
		return errAt(ErrFormat, at, "SOF with %d components in %d bytes, width %d", nc, len(s), f.w)
	}
	for i := range nc {
		c := s[6+3*i:]
		h, v, tq := int(c[1]>>4), int(c[1]&15), int(c[2])
		if h < 1 || h > 4 || v < 1 || v > 4 || tq > 3 {
			return errAt(ErrFormat, at+6+3*i, "component sampling %dx%d, table %d", h, v, tq)
		}
		for _, o := range f.comps {
			if o.id == c[0] {
				return errAt(ErrFormat, at+6+3*i, "component id %d twice", c[0])
			}
		}
		f.comps = append(f.comps, compHdr{id: c[0], h: h, v: v, tq: tq})
		f.hmax, f.vmax = max(f.hmax, h), max(f.vmax, v)
	}
	f.mcux, f.mcuy = ceilDiv(f.w, 8*f.hmax), ceilDiv(f.h, 8*f.vmax)
	blocks := 0
	for i := range f.comps {
		c := &f.comps[i]
		c.bw, c.bh = f.mcux*c.h, f.mcuy*c.v
		c.cw, c.ch = ceilDiv(ceilDiv(f.w*c.h, f.hmax), 8), ceilDiv(ceilDiv(f.h*c.v, f.vmax), 8)
		blocks += c.bw * c.bh
	}
	if blocks > p.maxBlock {
		return errAt(ErrUnsupported, at, "%d blocks (bound %d)", blocks, p.maxBlock)
	}
	p.frame = f
	p.quantOf = make([][64]uint16, nc)
	p.scanned = make([]bool, nc)
	if progressive {
		p.prog = make([][64]int8, nc)
		for i := range p.prog {
			for k := range p.prog[i] {
				p.prog[i][k] = -1
			}
		}
	}
	return nil
}

func (p *parser) parseDHT(s []byte, at int) error {
	for len(s) > 0 {
		if len(s) < 17 {
			return errAt(ErrFormat, at, "short DHT")
		}
		tc, th := int(s[0]>>4), int(s[0]&15)
		if tc > 1 || th > 3 {
			return errAt(ErrFormat, at, "Huffman table class %d id %d", tc, th)
		}
		n := 0
		for _, c := range s[1:17] {
			n += int(c)
		}
		if len(s) < 17+n {
			return errAt(ErrFormat, at, "short DHT")
		}
		t, err := newHuffTable([16]byte(s[1:17]), s[17:17+n])
		if err != nil {
			return errAt(ErrFormat, at, "%v", err)
		}
		p.huff[tc][th] = t
		s = s[17+n:]
		at += 17 + n
	}
	return nil
}

func (p *parser) parseDQT(s []byte, at int) error {
	for len(s) > 0 {
		pq, tq := int(s[0]>>4), int(s[0]&15)
		if pq > 1 || tq > 3 || len(s) < 1+64*(pq+1) {
			return errAt(ErrFormat, at, "DQT precision %d id %d in %d bytes", pq, tq, len(s))
		}
		for k := range 64 {
			if pq == 0 {
				p.quant[tq][k] = uint16(s[1+k])
			} else {
				p.quant[tq][k] = uint16(be16(s, 1+2*k))
			}
		}
		p.qdef[tq] = true
		s = s[1+64*(pq+1):]
		at += 1 + 64*(pq+1)
	}
	return nil
}

func (p *parser) parseSOS(s []byte, at int) (*scanHdr, error) {
	f := p.frame
	if f == nil {
		return nil, errAt(ErrFormat, at, "SOS before SOF")
	}
	if len(s) < 1 {
		return nil, errAt(ErrFormat, at, "short SOS")
	}
	ns := int(s[0])
	if ns < 1 || ns > 4 || len(s) != 4+2*ns {
		return nil, errAt(ErrFormat, at, "SOS with %d components in %d bytes", ns, len(s))
	}
	sc := &scanHdr{ss: int(s[1+2*ns]), se: int(s[2+2*ns]), ah: uint(s[3+2*ns] >> 4), al: uint(s[3+2*ns] & 15)}
	if !f.progressive {
		if sc.ss != 0 || sc.se != 63 || sc.ah != 0 || sc.al != 0 {
			return nil, errAt(ErrFormat, at, "sequential scan with Ss=%d Se=%d Ah=%d Al=%d", sc.ss, sc.se, sc.ah, sc.al)
		}
	} else if sc.se > 63 || sc.ss > sc.se || (sc.ss == 0) != (sc.se == 0) || (sc.ss > 0 && ns != 1) ||
		(sc.ah != 0 && sc.al != sc.ah-1) || sc.al > 13 {
		// T.81 G.1.1.1: a DC band alone, an AC band of one component;
		// a refinement adds one bit.
		return nil, errAt(ErrFormat, at, "progressive scan with %d components, Ss=%d Se=%d Ah=%d Al=%d", ns, sc.ss, sc.se, sc.ah, sc.al)
	}
	// The tables the scan codes with: DC for a sequential scan or a
	// first DC scan, AC for a sequential or AC scan; a DC refinement
	// codes bare bits.
	useDC, useAC := sc.ss == 0 && sc.ah == 0, sc.se > 0
	blocks := 0
	for i := range ns {
		id, t := s[1+2*i], s[2+2*i]
		ci := -1
		for j, c := range f.comps {
			if c.id == id {
				ci = j
			}
		}
		if ci < 0 || (!f.progressive && p.scanned[ci]) {
			return nil, errAt(ErrFormat, at+1+2*i, "scan component %d unknown or coded twice", id)
		}
		td, ta := int(t>>4), int(t&15)
		if td > 3 || ta > 3 || (useDC && p.huff[0][td] == nil) || (useAC && p.huff[1][ta] == nil) {
			return nil, errAt(ErrFormat, at+2+2*i, "scan component %d uses undefined Huffman tables %d/%d", id, td, ta)
		}
		c := f.comps[ci]
		if !p.scanned[ci] {
			if !p.qdef[c.tq] {
				return nil, errAt(ErrFormat, at+1+2*i, "component %d uses undefined quantisation table %d", id, c.tq)
			}
			p.scanned[ci] = true
			p.quantOf[ci] = p.quant[c.tq]
		}
		if f.progressive {
			// A first scan codes coefficients no scan coded yet, a
			// refinement continues the last scan's Al. (A component
			// named twice in one scan fails here too.)
			want := int8(-1)
			if sc.ah != 0 {
				want = int8(sc.ah)
			}
			st := &p.prog[ci]
			for k := sc.ss; k <= sc.se; k++ {
				if st[k] != want {
					return nil, errAt(ErrUnsupported, at, "scan codes coefficient %d of component %d with Ah=%d after Al=%d", k, id, sc.ah, st[k])
				}
				st[k] = int8(sc.al)
			}
		}
		blocks += c.h * c.v
		sc.comps = append(sc.comps, ci)
		sc.td = append(sc.td, td)
		sc.ta = append(sc.ta, ta)
	}
	if ns > 1 && blocks > 10 {
		return nil, errAt(ErrFormat, at, "MCU of %d blocks", blocks)
	}
	return sc, nil
}
