package jpegre

import (
	"errors"
	"fmt"
)

// Progressive scans (T.81 annex G). A DC scan codes, for every block of
// its MCUs (interleaved or not), the DC coefficient shifted right by Al
// as differences like a sequential scan (a first scan), or its bit Al
// (a refinement). An AC scan codes one component's band Ss..Se: a first
// scan the coefficients divided by 2^Al rounding toward zero, as
// run/size symbols; a refinement one more bit of each: a correction bit
// for a coefficient nonzero before the scan, a symbol (the run of
// coefficients still zero, size 1) and a sign bit for one that becomes
// ±2^Al. The run of blocks whose band has nothing (more) to code, or
// only correction bits, is one EOB run symbol; a refinement's correction
// bits for them follow it.
//
// The parser checks that the scans make a progression (markers.go:
// prog), so after each scan the decoded coefficients are the final ones
// with the low Al bits cleared, and encoding each scan from the final
// coefficients gives back its symbols and bits, all but one choice:
// where an EOB run ends. A run must end before a block that codes a
// symbol and at the end of a restart interval; after any other block
// that joins it the encoder may end it or go on. The canonical rule is
// libjpeg's (jcphuff.c): end it when it holds 0x7FFF blocks (the
// largest EOB run symbol) or more than 937 correction bits (its buffer,
// MAX_CORR_BITS 1000, less a block's 63). A scan's side lists the blocks
// (MCU indexes in the scan) after which the file departs from the rule:
// ends a run the rule would go on with, or goes on where the rule ends
// it. The rule counts the bits from the run's start or the last
// departure, so an encoder with a larger buffer costs one entry per 937
// bits, not one per block.

const (
	maxEOBRun = 0x7FFF    // the longest run an EOB symbol codes (EOB14)
	ruleBits  = 1000 - 63 // the correction bits libjpeg's rule lets a run hold
)

var errDeparture = errors.New("an EOB run departure names a block after which no run can end")

// dcCoder codes a DC scan.
type dcCoder struct {
	l      scanLayout
	coef   [][]int16
	dc     []*huffTable // per scan component
	al     uint
	refine bool
	pred   [4]int32 // first scans: the previous block's DC >> al, per scan component
}

func (c *dcCoder) start()                     { c.pred = [4]int32{} }
func (c *dcCoder) decodeEnd() error           { return nil }
func (c *dcCoder) encodeEnd(*bitWriter) error { return nil }

func (c *dcCoder) decodeMCU(r *bitReader, m int) error {
	return c.l.each(m, func(i, blk int) error {
		z := &c.coef[c.l.sc.comps[i]][blk*64]
		if c.refine {
			// Bit al and those below are zero (the progression), so
			// this sets the two's complement bit al of the final value.
			*z |= int16(r.bits(1) << c.al)
			return nil
		}
		v, err := decodeDC(r, c.dc[i], c.pred[i])
		if err != nil {
			return err
		}
		x := v << c.al
		if x < -32768 || x > 32767 {
			return errBadCode
		}
		c.pred[i] = v
		*z = int16(x)
		return nil
	})
}

func (c *dcCoder) encodeMCU(w *bitWriter, m int) error {
	return c.l.each(m, func(i, blk int) error {
		x := int32(c.coef[c.l.sc.comps[i]][blk*64])
		if c.refine {
			w.put(uint32(x>>c.al), 1)
			return nil
		}
		v := x >> c.al // arithmetic: the inverse of decoding's shift left
		err := encodeDC(w, c.dc[i], v-c.pred[i])
		c.pred[i] = v
		return err
	})
}

// acCoder codes an AC scan, first or refinement.
type acCoder struct {
	l      scanLayout
	coef   []int16 // the component's grid
	ac     *huffTable
	ss, se int
	al     uint
	refine bool
	side   *scanSide // dev: decoding appends, encoding reads

	// The EOB run: n blocks so far; decoding, left more to come after
	// the current block; encoding, the correction bits of its blocks,
	// not yet written. be counts the bits as the rule sees them.
	n, left int
	bits    []byte
	be      int
	pend    int // decoding: a block after which a run ended that the rule would go on with, until the next block tells whether it had to end (-1: none)
	next    int // encoding: side.dev[next] is the next departure
	last    int // encoding: the last MCU coded
}

// ruleEnds is the canonical rule: whether the run ends after the block
// that made it n blocks and be bits.
func (c *acCoder) ruleEnds() bool { return c.n == maxEOBRun || c.be > ruleBits }

func (c *acCoder) start() {
	c.n, c.left, c.be, c.pend = 0, 0, 0, -1
	c.bits = c.bits[:0]
}

// band is MCU m's block's coefficients Ss..Se.
func (c *acCoder) band(m int) []int16 {
	b := c.l.single(m) * 64
	return c.coef[b+c.ss : b+c.se+1]
}

func (c *acCoder) decodeMCU(r *bitReader, m int) error {
	z := c.band(m)
	if c.left > 0 {
		c.left--
		be := 0
		if c.refine {
			be = refineBits(r, z, c.al)
		}
		c.joined(m, be)
		return nil
	}
	var (
		eob, be int
		coded   bool
		err     error
	)
	if c.refine {
		eob, coded, be, err = decodeRefine(r, c.ac, z, c.al)
	} else {
		eob, coded, err = decodeBand(r, c.ac, z, c.al)
	}
	if err != nil {
		return err
	}
	if c.pend >= 0 {
		if !coded { // this block could have joined the run: ending it was a choice
			c.side.dev = append(c.side.dev, c.pend)
		}
		c.pend = -1
	}
	if eob > 0 {
		c.left = eob - 1
		c.joined(m, be)
	}
	return nil
}

// joined counts block m, which joined the EOB run with be correction
// bits, and records where the run's end departs from the rule.
func (c *acCoder) joined(m, be int) {
	c.n++
	c.be += be
	ends := c.ruleEnds()
	switch {
	case c.left == 0:
		if !ends {
			c.pend = m
		}
		c.n, c.be = 0, 0
	case ends:
		c.side.dev = append(c.side.dev, m)
		c.be = 0
	}
}

func (c *acCoder) decodeEnd() error {
	if c.left > 0 {
		return fmt.Errorf("an EOB run outlasts the interval by %d blocks", c.left)
	}
	return nil
}

// refineBits reads the correction bits of z's nonzero coefficients
// (T.81 G.1.2.3) and returns how many.
func refineBits(r *bitReader, z []int16, al uint) int {
	n := 0
	for k, v := range z {
		if v != 0 {
			n++
			if r.bits(1) != 0 {
				z[k] = correct(v, al)
			}
		}
	}
	return n
}

// correct adds 2^al to the magnitude of v. By the progression v's bits
// from al down are zero and |v| stays below 2^15.
func correct(v int16, al uint) int16 {
	if v > 0 {
		return v + 1<<al
	}
	return v - 1<<al
}

// decodeRefine decodes one block's band z of an AC refinement scan that
// does not start inside an EOB run, as decodeBand does, and returns also
// the correction bits read after the EOB symbol.
func decodeRefine(r *bitReader, ac *huffTable, z []int16, al uint) (eob int, coded bool, be int, err error) {
	for k := 0; k < len(z); k++ {
		rs, err := r.decode(ac)
		if err != nil {
			return 0, coded, 0, err
		}
		run, s := int(rs>>4), rs&15
		var nz int16
		switch {
		case s == 1:
			nz = -1 << al
			if r.bits(1) != 0 {
				nz = 1 << al
			}
		case s != 0:
			return 0, coded, 0, errBadCode
		case run != 15:
			eob = 1<<run + int(r.bits(uint(run)))
			return eob, coded, refineBits(r, z[k:], al), nil
		}
		coded = true
		// Pass run coefficients zero before the scan, and the nonzero
		// ones on the way with their correction bits, to the next zero
		// one: the new coefficient's place (ZRL: the 16th zero, which
		// stays zero). The coefficients behind k are all this block's
		// decoded ones, so z[k] != 0 means nonzero before the scan.
		for ; k < len(z); k++ {
			if z[k] != 0 {
				if r.bits(1) != 0 {
					z[k] = correct(z[k], al)
				}
				continue
			}
			if run == 0 {
				break
			}
			run--
		}
		if nz != 0 {
			if k == len(z) {
				return 0, coded, 0, errBadCode
			}
			z[k] = nz
		}
	}
	return 0, coded, 0, nil
}

func (c *acCoder) encodeMCU(w *bitWriter, m int) error {
	z := c.band(m)
	c.last = m
	if c.refine {
		return c.encodeRefine(w, z, m)
	}
	if c.n > 0 {
		for _, v := range z {
			if pointAC(v, c.al) != 0 { // the block codes a symbol
				if err := c.flush(w); err != nil {
					return err
				}
				break
			}
		}
	}
	trailing, err := encodeBand(w, c.ac, z, c.al)
	if err != nil || !trailing {
		return err
	}
	return c.join(w, m, nil)
}

func absAC(v int16) int32 {
	if v < 0 {
		return -int32(v)
	}
	return int32(v)
}

// encodeRefine writes one block of an AC refinement scan (T.81 G.1.2.3)
// the way decodeRefine reads it: ZRLs only before a coefficient that
// becomes nonzero (later ones fold into the EOB), each symbol followed
// by the correction bits of the nonzero coefficients it passed.
func (c *acCoder) encodeRefine(w *bitWriter, z []int16, m int) error {
	n := len(z) // z[n:] is zero
	for n > 0 && z[n-1] == 0 {
		n--
	}
	last := n - 1 // the last coefficient that becomes nonzero, -1: none
	for ; last >= 0; last-- {
		if v := z[last]; v != 0 && absAC(v)>>c.al == 1 {
			break
		}
	}
	var br [63]byte // the correction bits not yet written
	nb, run := 0, 0
	for k, v := range z[:n] {
		if v == 0 {
			run++
			continue
		}
		a := absAC(v) >> c.al
		if a == 0 {
			run++
			continue
		}
		for ; run > 15 && k <= last; run -= 16 {
			if err := c.flush(w); err != nil {
				return err
			}
			if c.ac.size[0xF0] == 0 {
				return errNoCode
			}
			w.put(uint32(c.ac.code[0xF0]), uint(c.ac.size[0xF0]))
			putBits(w, br[:nb])
			nb = 0
		}
		if a > 1 {
			br[nb] = byte(a & 1)
			nb++
			continue
		}
		if err := c.flush(w); err != nil {
			return err
		}
		sym := byte(run<<4 | 1) // run <= 15: the ZRLs above
		if c.ac.size[sym] == 0 {
			return errNoCode
		}
		w.put(uint32(c.ac.code[sym]), uint(c.ac.size[sym]))
		sign := uint32(0)
		if v > 0 {
			sign = 1
		}
		w.put(sign, 1)
		putBits(w, br[:nb])
		nb, run = 0, 0
	}
	if run += len(z) - n; run > 0 || nb > 0 {
		return c.join(w, m, br[:nb])
	}
	return nil
}

func putBits(w *bitWriter, bits []byte) {
	for _, b := range bits {
		w.put(uint32(b), 1)
	}
}

// join adds block m with its trailing correction bits br to the pending
// EOB run and ends the run where the rule, or a departure, says.
func (c *acCoder) join(w *bitWriter, m int, br []byte) error {
	c.n++
	if c.n > maxEOBRun {
		return errNoCode
	}
	c.bits = append(c.bits, br...)
	c.be += len(br)
	ends := c.ruleEnds()
	if dev := c.side.dev; c.next < len(dev) && dev[c.next] <= m {
		if dev[c.next] < m {
			return errDeparture
		}
		c.next++
		if ends { // go on; the rule counts bits afresh
			c.be = 0
			return nil
		}
		ends = true
	}
	if ends {
		return c.flush(w)
	}
	return nil
}

// flush writes the pending EOB run and its correction bits.
func (c *acCoder) flush(w *bitWriter) error {
	if c.n > 0 {
		if err := encodeEOBRun(w, c.ac, c.n); err != nil {
			return err
		}
		putBits(w, c.bits)
	}
	c.n, c.be, c.bits = 0, 0, c.bits[:0]
	return nil
}

func (c *acCoder) encodeEnd(w *bitWriter) error {
	if dev := c.side.dev; c.next < len(dev) && dev[c.next] <= c.last {
		return errDeparture
	}
	return c.flush(w)
}
