package bitcm

// model predicts the bits of one segment, most significant bit of each
// byte first: p1 is P(next bit = 1), update(y) records the bit. Encoder
// and decoder run identical models.
type model struct {
	cfg Config
	buf []byte // the segment's bytes so far
	c0  uint32 // the current byte's bits so far with a leading 1 (1..255)
	bit uint   // bits of the current byte seen (0..7)
	c8  uint64 // the last 8 bytes, most recent in the low byte

	word, word1  uint32 // hash of the current word and of the previous one
	line0, line1 int    // start of the current line and of the previous one

	// Hashed contexts: per context a byte-boundary hash, a table of
	// lines and the line serving the current nibble.
	hash  []uint32
	tabs  [][]node
	line  []int // index of the current line's first counter
	heads []lineHeads
	tbits uint

	o1 []node // order 1, direct: 256 contexts × 256 nodes
	o0 []node // order 0, direct

	mm matchModel

	mixers *bank
	sel    [4]int
	final  *mixer
	a1, a2 *apm
	pr     int32   // final prediction of the current bit (12 bits)
	nodes  []*node // the nodes feeding the current bit
	hms    []historyMap
}

// A line serves one context for one nibble: entry 0 holds a 16-bit
// check (never 0, so a zeroed line never matches) in its high half and
// the line's visit count in its low half, entries 1..15 are the nodes of
// the nibble's binary tree.
const lineLen = 16

// newModel returns the model for a segment of segLen bytes, which it
// appends to hist (the caller's buffer of capacity segLen).
func newModel(segLen int, hist []byte, cfg Config) *model {
	cfg = cfg.normalized()
	m := &model{cfg: cfg, c0: 1, buf: hist[:0]}
	// The hashed contexts are whatever byteContexts computes for cfg.
	m.byteContexts()
	n := len(m.hash)
	m.tabs = make([][]node, n)
	m.line = make([]int, n)
	m.heads = make([]lineHeads, n)
	m.tbits = uint(min(max(bitsFor(segLen)-1, 10), int(cfg.TableBits)))
	for i := range m.tabs {
		m.tabs[i] = make([]node, lineLen<<m.tbits)
	}
	m.o1 = make([]node, 256*256)
	m.o0 = make([]node, 256)
	for _, t := range [][]node{m.o1, m.o0} {
		for i := range t {
			t[i] = nodeInit
		}
	}
	m.mm.init(segLen, cfg)
	m.hms = make([]historyMap, n+2)
	for i := range m.hms {
		m.hms[i].init()
	}
	nIn := 2*(n+2) + 2 + 1 // hashed and o1, o0 (two each), match (2), bias
	// Weight sets selected by: the partial byte; the match length class
	// and bit position; the last byte and bit position; the longest
	// order whose context was seen (with its history's kind) and bit
	// position.
	m.mixers = newBank(nIn, [4]int{256, 64 * 8, 256 * 8, 256}, cfg.MixLR, 1<<13)
	m.final = newMixer(len(m.sel)+1, 256, cfg.FinalLR, 65536/int32(len(m.sel)))
	m.a1 = newAPM(256, 7)
	m.a2 = newAPM(65536, 7)
	m.nodes = make([]*node, 0, n+2)
	m.nibble()
	m.predict()
	return m
}

func bitsFor(n int) int {
	b := 0
	for (1 << b) < n {
		b++
	}
	return b
}

func hash32(a, b uint32) uint32 {
	h := a*0x9E3779B1 ^ b*0x85EBCA77
	h ^= h >> 15
	h *= 0xC2B2AE3D
	h ^= h >> 13
	return h
}

// byteContexts computes the per-context hashes at a byte boundary, in a
// fixed order: the orders, then word, word pair, column, sparse and
// record contexts as cfg enables them.
func (m *model) byteContexts() {
	h := m.hash[:0]
	for _, o := range m.cfg.Orders {
		var x uint64
		if o < 8 {
			x = m.c8 & (1<<(8*o) - 1)
		} else {
			x = m.c8
		}
		h = append(h, hash32(uint32(x)^uint32(x>>32)*0x2545F491, uint32(o)+1))
	}
	if m.cfg.Word {
		h = append(h, hash32(m.word, 100+uint32(m.c8&0xff)))
	}
	if m.cfg.Word2 {
		h = append(h, hash32(m.word^m.word1*0x3C6EF372, 200))
	}
	if m.cfg.Column {
		// The byte above in the previous line and the last byte: text
		// laid out in columns (tables, indented code) repeats vertically.
		col := len(m.buf) - m.line0
		above := uint32(0)
		if m.line1+col < m.line0 {
			above = uint32(m.buf[m.line1+col]) | 256
		}
		h = append(h, hash32(above<<8|uint32(m.c8&0xff), 300+uint32(min(col, 255))<<16))
	}
	if m.cfg.Sparse {
		// Bytes 2 and 3 back, and byte 2 back with the position's
		// parity: fields of fixed-width records and 16-bit samples.
		h = append(h, hash32(uint32(m.c8>>8)&0xffff, 400),
			hash32(uint32(m.c8>>8)&0xff|uint32(len(m.buf)&1)<<8, 401))
	}
	if s := m.cfg.Stride; s > 0 {
		// The byte one record (image row) above, with the last byte and
		// with the byte two records above.
		n := len(m.buf)
		var above, above2 uint32
		if n >= s {
			above = uint32(m.buf[n-s]) | 256
		}
		if n >= 2*s {
			above2 = uint32(m.buf[n-2*s]) | 256
		}
		h = append(h, hash32(above<<8|uint32(m.c8&0xff), 500), hash32(above<<9|above2, 501))
		// Gradient predictions left + above - above-left, for 1- and
		// 2-byte samples (left is 1 or 2 bytes back).
		for k := 1; k <= 2; k++ {
			var g int
			if n >= s+k {
				g = int(m.buf[n-k]) + int(m.buf[n-s]) - int(m.buf[n-s-k])
			}
			g = min(max(g, 0), 255)
			h = append(h, hash32(uint32(g)|uint32(n&1)<<8, 501+uint32(k)))
		}
	}
	m.hash = h
}

// nibble finds every hashed context's line for the nibble that starts now.
func (m *model) nibble() {
	mask := uint32(1)<<m.tbits - 1
	// Two passes: the first only loads every context's pair of lines
	// (each load likely a cache miss, and independent of the others, so
	// the CPU overlaps them); the second decides with the loaded words.
	heads := m.heads[:len(m.hash)]
	for i, h := range m.hash {
		k := hash32(h, m.c0)
		a := int((k & mask &^ 1) * lineLen)
		t := m.tabs[i][a : a+2*lineLen]
		heads[i] = lineHeads{a, k>>16 | 1, t[0], t[lineLen]}
	}
	for i, hd := range heads {
		t := m.tabs[i]
		a, chk := hd.at, hd.chk
		switch {
		case hd.first>>16 == chk:
		case hd.second>>16 == chk:
			a += lineLen
		default:
			if hd.second&0xffff < hd.first&0xffff {
				a += lineLen
			}
			t[a] = chk << 16
			for j := 1; j < lineLen; j++ {
				t[a+j] = nodeInit
			}
		}
		if t[a]&0xffff < 0xffff {
			t[a]++
		}
		m.line[i] = a
	}
}

// lineHeads is what nibble's first pass loads for a context: the index
// of its pair of lines, the check it looks for and the pair's first
// entries.
type lineHeads struct {
	at            int
	chk           uint32
	first, second node
}

// predict computes m.pr for the next bit.
func (m *model) predict() {
	j := m.bit & 3
	node := int(1<<j | m.c0&(1<<j-1))
	m.nodes = m.nodes[:0]
	for i, a := range m.line {
		m.nodes = append(m.nodes, &m.tabs[i][a+node])
	}
	c1 := uint32(m.c8 & 0xff)
	m.nodes = append(m.nodes, &m.o1[c1<<8|m.c0], &m.o0[m.c0])
	x0 := m.mixers
	conf := 0
	for i, c := range m.nodes {
		if i < len(m.cfg.Orders) && *c&255 != 0 {
			h := hist(*c)
			conf = (i+1)*3 + min(h>>4, 1) + min(h&15, 1) - 1
		}
		x0.add(stretch(p12(*c)))
		x0.add(m.hms[i].predict(hist(*c)))
	}
	mx, ml := m.mm.inputs(m)
	x0.add(mx)
	x0.add(ml)
	x0.add(256)
	m.sel = [4]int{int(m.c0), m.mm.lenClass()<<3 | int(m.bit), int(c1)<<3 | int(m.bit), conf<<3 | int(m.bit)}
	x0.mix(m.sel)
	f := m.final
	for _, d := range x0.dot {
		f.add(d)
	}
	f.add(256)
	f.mix(int(m.c0))
	p := f.pr
	p1 := m.a1.refine(p, int(m.c0))
	p2 := m.a2.refine(p, int(m.c0|c1<<8))
	p = (int32(m.cfg.W0)*p + int32(m.cfg.W1)*p1 + (16-int32(m.cfg.W0)-int32(m.cfg.W1))*p2 + 8) >> 4
	m.pr = min(max(p, 1), 4095)
}

// p0 is the probability that the next bit is 0, in the coder's 16 bits.
func (m *model) p0() uint16 { return uint16(65536 - m.pr<<4) }

// update records bit y (0 or 1) and prepares the next prediction.
func (m *model) update(y int) {
	for i, c := range m.nodes {
		update(c, y, m.cfg.Limit)
		m.hms[i].learn(y)
	}
	m.mm.update(y)
	m.mixers.update(y)
	m.final.update(y)
	m.a1.update(y)
	m.a2.update(y)

	m.c0 = m.c0<<1 | uint32(y)
	m.bit++
	if m.bit == 8 {
		b := byte(m.c0)
		m.buf = append(m.buf, b)
		m.c8 = m.c8<<8 | uint64(b)
		m.c0, m.bit = 1, 0
		m.wordUpdate(b)
		if m.cfg.MixLREnd > 0 && len(m.buf)&255 == 0 {
			// Young weights need large steps, settled ones small: long
			// stationary text codes better with a lower final rate.
			a, e, k := int64(m.cfg.MixLR)*16, int64(m.cfg.MixLREnd)*16, int64(m.cfg.MixDecay)
			m.mixers.lr16 = int32(e + (a-e)*k/(k+int64(len(m.buf))))
		}
		if b == '\n' {
			m.line1, m.line0 = m.line0, len(m.buf)
		}
		m.mm.byteUpdate(m.buf)
		m.byteContexts()
		m.nibble()
	} else if m.bit == 4 {
		m.nibble()
	}
	m.predict()
}

func (m *model) wordUpdate(b byte) {
	switch {
	case b >= 'A' && b <= 'Z':
		b += 'a' - 'A'
		fallthrough
	case b >= 'a' && b <= 'z', b >= 0x80:
		m.word = (m.word + uint32(b) + 1) * 0x2F0F1F47
	default:
		if m.word != 0 {
			m.word1 = m.word
			m.word = 0
		}
	}
}
