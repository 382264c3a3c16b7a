package bitcm

import (
	"unsafe"

	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// model predicts the bits of one segment, most significant bit of each
// byte first: p1 is P(next bit = 1), update(y) records the bit. Encoder
// and decoder run identical models.
type model struct {
	cfg Config
	buf []byte // the segment's bytes so far
	c0  uint32 // the current byte's bits so far with a leading 1 (1..255)
	bit uint   // bits of the current byte seen (0..7); with a code tree, its depth up to 7
	// wpath is the current bits since the start of the current line
	// (nibble) with a leading 1: the node's index in each context's line.
	wpath uint32
	// Tree (version 4): the byte's code in tree; c0 is then the current
	// internal node, depth its depth and path the code so far with a
	// leading 1.
	tree  *codeTree
	depth uint
	path  uint32
	c8    uint64 // the last 8 bytes, most recent in the low byte

	word, word1  uint32   // hash of the current word and of the previous one
	word2        uint32   // ... and of the one before
	ind1         []uint16 // Indirect: the last two bytes that followed each byte
	ind2         []uint16 // ... each byte pair
	nest         []byte   // Nest: the open brackets, quotes and tags, innermost last
	shape        uint32   // Shape: 3-bit classes of the last bytes
	line0, line1 int      // start of the current line and of the previous one
	line2        int      // ... and of the one before (Above2)
	// TextColumns (version 6): the text so far (the word code's
	// inverse of buf) and where its last three lines start.
	text                   []byte
	words                  *wordDecoder
	tline0, tline1, tline2 int

	// Version 3 state.
	indent uint32   // LineStart: the current line's leading blanks (up to 31)
	first  uint32   // LineStart: the current line's first other byte | 256 (0: none yet)
	lword  uint32   // LineWord: hash of the current line's first token (bit 31: it ended)
	wnext  []uint32 // WordNext: per hashed word, the word that followed it last
	calls  []uint32 // Calls: per open bracket, the word before it | bracket<<24
	punct  uint32   // Punct: the last two punctuation bytes

	// Hashed contexts: per context a byte-boundary hash, a table of
	// lines and the line serving the current nibble.
	hash   []uint32
	tabs   [][]node
	tabBuf *[]node // behind tabs (freeTables)
	line   []int   // index of the current line's first counter
	heads  []lineHeads
	tbits  uint
	masks  []uint32  // per context: its table's lines - 1
	small  uint64    // byteContexts: bit i set if context i has few values (SmallBits)
	ahead  []uintptr // prefetchNibble: the line pairs the next nibble may use

	o1 []node // order 1, direct: 256 contexts × 256 nodes
	o0 []node // order 0, direct

	mm  matchModel
	mm2 matchModel // Match2Min: a second match model for long repeats (min 0: off)

	mixers  *bank
	sel     [4]int
	mix2    *bank // Mix2: a second bank over the same inputs, other selectors
	sel2    [4]int
	wordLen int
	final   *mixer
	a1, a2  *apm
	pr      int32 // final prediction of the current bit (12 bits)
	// The nodes feeding the current bit: node i is srcs[i][idx[i]] (the
	// hashed contexts' tables, then o1 and o0; indices, not pointers:
	// no write barrier on the hot path).
	srcs [][]node
	idx  []int
	// The history maps, one per source (hmLen entries each, hmInit's
	// form), flat; hcur[i] is the entry source i's input came from.
	hm    []uint32
	hcur  []int
	hmLen int

	// prior, if set, gives a distribution of each byte (a learned
	// model); pft is the current byte's.
	prior Prior
	pft   *coder.FreqTable
	// pmass, with a code tree, is the prior's mass of each inner node's
	// subtree (treeMass) for the current byte.
	pmass []int64
	a3    *apm
	// SSE3 (version 8): the last map, and the hash of the last three
	// bytes that selects its rows with the node.
	a4 *apm
	h3 uint32
}

// A Prior predicts each byte of a segment as a distribution over the 256
// values (package model's text network): Next gives the next byte's,
// Update records the byte that came. The byte model turns it into the
// probability of each binary decision and mixes it with its contexts.
// Encoder and decoder must drive identical priors.
type Prior interface {
	Next() *coder.FreqTable
	Update(b byte)
}

// A line serves one context for one nibble: entry 0 holds a 16-bit
// check (never 0, so a zeroed line never matches) in its high half and
// the line's visit count in its low half, entries 1..15 are the nodes of
// the nibble's binary tree.
const lineLen = 16

// maxContexts is the capacity of m.hash: more hashed contexts than
// byteContexts computes for any shipped Config (a larger one grows the
// slice, unpadded).
const maxContexts = 32

// newModel returns the model for a segment of segLen bytes, which it
// appends to hist (the caller's buffer of capacity segLen).
func newModel(segLen int, hist []byte, cfg Config, prior Prior) (*model, error) {
	cfg = cfg.normalized()
	if d := cfg.words(); d != nil && prior != nil {
		// The prior predicts the text; the model reads its word code.
		prior = newWordPrior(prior, d)
	}
	// The model's small state is written at every bit: nothing of it
	// may share a cache line with another model's (cacheline).
	m := cacheline.New[model]()
	m.cfg, m.c0, m.wpath, m.path, m.buf, m.prior = cfg, 1, 1, 1, hist[:0], prior
	m.hash = cacheline.Make[uint32](maxContexts)[:0]
	switch {
	case cfg.TransformTree:
		m.tree = transformTree()
	case cfg.Tree:
		m.tree = textTree()
	}
	if m.tree != nil && prior != nil {
		m.pmass = cacheline.Make[int64](256)
	}
	if cfg.TextColumns {
		m.words = cacheline.New[wordDecoder]() // its state changes with every byte
		m.words.d = cfg.words()
	}
	if cfg.Indirect {
		m.ind1 = cacheline.Make[uint16](256)
		m.ind2 = make([]uint16, 65536)
	}
	if cfg.WordNext {
		m.wnext = make([]uint32, 1<<16)
	}
	// The hashed contexts are whatever byteContexts computes for cfg.
	m.byteContexts()
	n := len(m.hash)
	m.line = cacheline.Make[int](n)
	m.heads = cacheline.Make[lineHeads](n)
	m.ahead = cacheline.Make[uintptr](2 * n)[:0]
	m.tbits = uint(tableBits(segLen, cfg))
	sizes := make([]int, n)
	m.masks = make([]uint32, n)
	for i := range sizes {
		b := m.tbits
		if cfg.SmallBits != 0 && cfg.version3() && m.small&(1<<i) != 0 {
			b = min(b, cfg.SmallBits)
		}
		sizes[i], m.masks[i] = lineLen<<b, uint32(1)<<b-1
	}
	m.tabs, m.tabBuf = allocTablesOf(sizes)
	m.o1 = make([]node, 256*256)
	m.o0 = cacheline.Make[node](256)
	for _, t := range [][]node{m.o1, m.o0} {
		for i := range t {
			t[i] = nodeInit
		}
	}
	m.mm.init(segLen, cfg)
	if cfg.Match2Min > 0 {
		c := cfg
		c.MatchMin = cfg.Match2Min
		m.mm2.init(segLen, c)
	}
	m.hmLen = 256
	if cfg.HistDepth {
		m.hmLen = 4 * 256
	}
	m.hm = cacheline.Make[uint32]((n + 2) * m.hmLen)
	for i := range m.hm {
		m.hm[i] = hmInit(i)
	}
	m.hcur = cacheline.Make[int](n + 2)
	nIn := 2*(n+2) + 2 + 1 // hashed and o1, o0 (two each), match (2), bias
	if m.mm2.min > 0 {
		nIn += 2
	}
	sets1 := 64 * 8
	if prior != nil {
		nIn += 2
		sets1 *= 16
		m.a3 = newAPM(256*16, 7)
		m.pft = prior.Next()
		m.treeMass()
	}
	// Weight sets selected by: the partial byte; the match length class
	// and bit position; the last byte and bit position; the longest
	// order whose context was seen (with its history's kind) and bit
	// position.
	m.mixers = newBank(nIn, [4]int{256, sets1, 256 * 8, 256}, cfg.MixLR, 1<<13)
	nf := len(m.sel)
	if cfg.Mix2 {
		m.mix2 = newBank(nIn, [4]int{64 * 8, 16 * 8 * 8, 256 * 8, 256 * 4}, cfg.MixLR, 1<<13)
		m.mix2.x = m.mixers.x // the same inputs
		nf += len(m.sel2)
	}
	m.final = newMixer(nf+1, 256, cfg.FinalLR, 65536/int32(nf))
	m.a1 = newAPM(256, 7)
	m.a2 = newAPM(65536, 7)
	if cfg.SSE3 {
		m.a4 = newAPM(sse3Rows, 5)
	}
	m.srcs = append(m.tabs[:n:n], m.o1, m.o0)
	m.idx = cacheline.Make[int](n + 2)
	if cfg.Warm != nil {
		if err := m.warmUp(cfg.Warm); err != nil {
			return nil, err
		}
	}
	m.nibble()
	m.predict()
	return m, nil
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
		if o == 2 || o == 3 && m.cfg.SmallMore {
			m.small |= 1 << (len(h) - 1)
		}
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
		col, a := len(m.buf)-m.line0, m.above(m.line1, m.line0)
		if m.words != nil {
			col, a = len(m.text)-m.tline0, m.textAbove(m.tline1, m.tline0)
		}
		h = append(h, hash32(a<<8|uint32(m.c8&0xff), 300+uint32(min(col, 255))<<16))
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
	c1, c2 := uint32(m.c8&0xff), uint32(m.c8>>8&0xff)
	if m.cfg.Indirect {
		h = append(h, hash32(c1|uint32(m.ind1[c1])<<8, 600),
			hash32(uint32(m.c8&0xffff)|uint32(m.ind2[m.c8&0xffff])<<16, 601))
		m.markMore(len(h) - 2)
		m.markMore(len(h) - 1)
	}
	if m.cfg.WordSkip {
		h = append(h, hash32(m.word^m.word2*0x3C6EF372, 602))
	}
	if m.cfg.Nest {
		top, d := uint32(0), uint32(len(m.nest))
		if d > 0 {
			top = uint32(m.nest[d-1])
		}
		h = append(h, hash32(top<<16|min(d, 15)<<8|c1, 603))
		m.small |= 1 << (len(h) - 1)
	}
	if m.cfg.Shape {
		h = append(h, hash32(m.shape&0xffffff, 604|c2<<16))
		m.markMore(len(h) - 1)
	}
	// Version 3: source code and markup.
	if m.cfg.LineStart {
		h = append(h, hash32(m.indent|m.first<<5|c1<<14, 605))
		m.small |= 1 << (len(h) - 1)
	}
	if m.cfg.WordNext {
		h = append(h, hash32(m.wnext[m.word1&0xffff]^m.word*0x2545F491, 607))
		m.markMore(len(h) - 1)
	}
	if m.cfg.Calls {
		top := uint32(0)
		if n := len(m.calls); n > 0 {
			top = m.calls[n-1]
		}
		h = append(h, hash32(top^c1*0x3C6EF372, 608))
		m.markMore(len(h) - 1)
	}
	if m.cfg.Punct {
		h = append(h, hash32(m.punct^m.word*0x2545F491, 609))
		m.markMore(len(h) - 1)
	}
	if m.cfg.LineWord {
		h = append(h, hash32(m.lword^m.word*0x2545F491, 611))
		m.markMore(len(h) - 1)
	}
	if m.cfg.Above2 {
		a1, a2 := m.above(m.line1, m.line0), m.above(m.line2, m.line1)
		if m.words != nil {
			a1, a2 = m.textAbove(m.tline1, m.tline0), m.textAbove(m.tline2, m.tline1)
		}
		h = append(h, hash32(a1|a2<<9|c1<<18, 610))
		m.small |= 1 << (len(h) - 1)
	}
	m.hash = h
}

// markMore marks context i as one whose table SmallBits caps when
// SmallMore is set (version 4).
func (m *model) markMore(i int) {
	if m.cfg.SmallMore {
		m.small |= 1 << i
	}
}

// textUpdate extends the text by what transform byte b completes
// (TextColumns) and keeps the starts of its last three lines, dropping
// what lies before them once that is more than half the buffer.
func (m *model) textUpdate(b byte) {
	n := len(m.text)
	m.text = m.words.put(m.text, b)
	if len(m.text) == n+1 && b == '\n' {
		m.tline2, m.tline1, m.tline0 = m.tline1, m.tline0, len(m.text)
		if d := m.tline2; d > 1<<16 && d > len(m.text)/2 {
			m.text = m.text[:copy(m.text, m.text[d:])]
			m.tline2, m.tline1, m.tline0 = 0, m.tline1-d, m.tline0-d
		}
	}
}

// textAbove is above in the text's lines (TextColumns).
func (m *model) textAbove(start, end int) uint32 {
	if i := start + len(m.text) - m.tline0; i < end {
		return uint32(m.text[i]) | 256
	}
	return 0
}

// above is the byte at the current column of the line that starts at
// start and ends before end, | 256, or 0 if that line is shorter.
func (m *model) above(start, end int) uint32 {
	if i := start + len(m.buf) - m.line0; i < end {
		return uint32(m.buf[i]) | 256
	}
	return 0
}

// byteClass is the Shape class of a byte: 0 lower-case letter, 1
// upper-case, 2 digit, 3 space or tab, 4 newline, 5 punctuation that
// opens or closes, 6 other punctuation, 7 other bytes (>= 0x80, control).
var byteClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= 'a' && c <= 'z':
			t[c] = 0
		case c >= 'A' && c <= 'Z':
			t[c] = 1
		case c >= '0' && c <= '9':
			t[c] = 2
		case c == ' ' || c == '\t':
			t[c] = 3
		case c == '\n' || c == '\r':
			t[c] = 4
		case c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == '<' || c == '>' || c == '"' || c == '\'':
			t[c] = 5
		case c > ' ' && c < 0x7f:
			t[c] = 6
		default:
			t[c] = 7
		}
	}
	return
}()

// maxNest bounds the Nest stack.
const maxNest = 32

// extraUpdate advances the version 2 state after byte b.
func (m *model) extraUpdate(b byte) {
	if m.cfg.Indirect {
		m.ind1[m.c8>>8&0xff] = m.ind1[m.c8>>8&0xff]<<8 | uint16(b)
		m.ind2[m.c8>>8&0xffff] = m.ind2[m.c8>>8&0xffff]<<8 | uint16(b)
	}
	if m.cfg.Shape {
		m.shape = m.shape<<3 | uint32(byteClass[b])
	}
	if m.cfg.Calls {
		switch b {
		case '(', '[', '{':
			if len(m.calls) < maxNest {
				m.calls = append(m.calls, m.word1|uint32(b)<<24)
			}
		case ')', ']', '}':
			if n := len(m.calls); n > 0 {
				m.calls = m.calls[:n-1]
			}
		}
	}
	if m.cfg.Punct && (byteClass[b] == 5 || byteClass[b] == 6) {
		m.punct = m.punct<<8&0xffff | uint32(b)
	}
	if m.cfg.LineStart {
		switch {
		case b == '\n':
			m.indent, m.first = 0, 0
		case m.first != 0:
		case b == ' ' || b == '\t':
			m.indent = min(m.indent+1, 31)
		default:
			m.first = uint32(b) | 256
		}
	}
	if m.cfg.LineWord {
		switch {
		case b == '\n':
			m.lword = 0
		case m.lword&(1<<31) != 0:
		case b == ' ' || b == '\t':
			if m.lword != 0 {
				m.lword |= 1 << 31 // the first token ended
			}
		default:
			m.lword = (m.lword+uint32(b)+1)*0x2F0F1F47&^(1<<31) | 1
		}
	}
	if m.cfg.Nest {
		n := len(m.nest)
		var want byte
		switch b {
		case ')':
			want = '('
		case ']':
			want = '['
		case '}':
			want = '{'
		case '>':
			want = '<'
		}
		switch {
		case want != 0:
			if n > 0 && m.nest[n-1] == want {
				m.nest = m.nest[:n-1]
			}
		case b == '"' && n > 0 && m.nest[n-1] == '"':
			m.nest = m.nest[:n-1]
		case b == '(' || b == '[' || b == '{' || b == '<' || b == '"':
			if n < maxNest {
				m.nest = append(m.nest, b)
			}
		case b == '\n' && n > 0 && m.nest[n-1] == '"':
			m.nest = m.nest[:n-1] // a quote does not span lines
		}
	}
}

// nibble finds every hashed context's line for the nibble that starts now.
func (m *model) nibble() {
	// Two passes: the first only loads every context's pair of lines
	// (each load likely a cache miss, and independent of the others, so
	// the CPU overlaps them); the second decides with the loaded words.
	heads := m.heads[:len(m.hash)]
	masks := m.masks[:len(m.hash)]
	for i, h := range m.hash {
		k := hash32(h, m.c0)
		a := int((k & masks[i] &^ 1) * lineLen)
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

// prefetchNibble asks for the lines of the nibble the byte's fourth bit
// will likely start (of both it can start when that bit is uncertain),
// a bit before nibble looks one of them up: their cache misses overlap
// the coding of that bit. A hint only: it changes no value.
func (m *model) prefetchNibble() {
	p := m.ahead[:0]
	lo, hi := uint32(0), uint32(1)
	if m.pr < 512 {
		hi = 0
	} else if m.pr > 4096-512 {
		lo = 1
	}
	for y := lo; y <= hi; y++ {
		c := m.c0<<1 | y
		if t := m.tree; t != nil {
			// The next nibble starts at the child node, if it is one.
			if c = uint32(t.child[m.c0][y]); c >= 256 {
				continue
			}
		}
		for i, h := range m.hash {
			k := hash32(h, c)
			a := int((k & m.masks[i] &^ 1) * lineLen)
			p = append(p, uintptr(unsafe.Pointer(&m.tabs[i][a])))
		}
	}
	m.ahead = p
	prefetchPairs(p)
}

// lineState is where the next byte is in its line (version 3's
// selector of the second bank's fourth mixer, in place of the position
// in the segment): 0 at the line's start, 1 in its indentation, 2 in
// its first token, 3 after it. It reads LineStart's and LineWord's
// state, which stays zero when they are off.
func (m *model) lineState() int {
	switch {
	case len(m.buf) == m.line0:
		return 0
	case m.first == 0:
		return 1
	case m.lword&(1<<31) == 0:
		return 2
	}
	return 3
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
	node := int(m.wpath)
	c1 := uint32(m.c8 & 0xff)
	// The order-1 APM's row for this bit, likely a cache miss, is
	// needed last: ask for it first.
	row := m.a2.t[int(m.c0|c1<<8)*33:]
	prefetch16(&row[0])
	prefetch16(&row[32])
	idx := m.idx
	for i, a := range m.line {
		idx[i] = a + node
	}
	nh := len(m.line)
	idx[nh], idx[nh+1] = int(c1<<8|m.c0), int(m.c0)
	cx4 := 0
	if m.a4 != nil {
		cx4 = m.sseRow(m.c0)
		m.prefetchSSE()
	}
	x0 := m.mixers
	conf := 0
	hbase := 0 // the history maps' entries for this decision's depth
	if m.hmLen > 256 {
		hbase = int(min(m.bit, 3)) << 8
	}
	for i, t := range m.srcs {
		c := t[idx[i]]
		if i < len(m.cfg.Orders) && c&255 != 0 {
			h := hist(c)
			conf = (i+1)*3 + min(h>>4, 1) + min(h&15, 1) - 1
		}
		x0.add(stretch(p12(c)))
		k := hbase | hist(c)
		m.hcur[i] = k
		x0.add(hmStretch(m.hm[k]))
		hbase += m.hmLen
	}
	mx, ml := m.mm.inputs(m.bit, m.c0, m.tree, m.depth, m.path)
	x0.add(mx)
	x0.add(ml)
	if m.mm2.min > 0 {
		mx, ml := m.mm2.inputs(m.bit, m.c0, m.tree, m.depth, m.path)
		x0.add(mx)
		x0.add(ml)
	}
	x0.add(256)
	m.sel = [4]int{int(m.c0), m.mm.lenClass()<<3 | int(m.bit), int(c1)<<3 | int(m.bit), conf<<3 | int(m.bit)}
	var sp int32
	pconf := 0
	if m.prior != nil {
		if m.tree != nil {
			sp = stretch(m.treeP1())
		} else {
			sp = stretch(priorP1(m.pft, m.c0, m.bit))
		}
		x0.add(sp)
		x0.add(sp / 4)
		pconf = int(min(abs32(sp)>>7, 15))
		m.sel[1] |= pconf << 9
	}
	x0.mix(m.sel)
	f := m.final
	for _, d := range x0.dot {
		f.add(d)
	}
	if x2 := m.mix2; x2 != nil {
		b := int(m.bit)
		cls := int(byteClass[c1])<<3 | int(byteClass[m.c8>>8&0xff])
		depth := 0
		if m.cfg.Nest {
			depth = min(len(m.nest), 7)
		}
		o2 := 0
		if nh > 0 {
			o2 = hist(m.srcs[0][idx[0]])
		}
		where := min(len(m.buf)>>14, 3) // the position in the segment
		if m.cfg.version3() {
			where = m.lineState()
		}
		m.sel2 = [4]int{cls<<3 | b, (min(m.wordLen, 15)<<3|depth)<<3 | b, o2<<3 | b, int(m.c0)<<2 | where}
		x2.mix(m.sel2)
		for _, d := range x2.dot {
			f.add(d)
		}
	}
	f.add(256)
	f.mix(int(m.c0))
	p := f.pr
	p1 := m.a1.refine(p, int(m.c0))
	p2 := m.a2.refine(p, int(m.c0|c1<<8))
	p = (int32(m.cfg.W0)*p + int32(m.cfg.W1)*p1 + (16-int32(m.cfg.W0)-int32(m.cfg.W1))*p2 + 8) >> 4
	if m.prior != nil {
		p3 := m.a3.refine(p, int(m.c0)<<4|pconf)
		p = (p + p3 + 1) >> 1
	}
	if m.a4 != nil {
		p = (4*p + 12*m.a4.refine(p, cx4) + 8) >> 4
	}
	m.pr = min(max(p, 1), 4095)
}

// p0 is the probability that the next bit is 0, in the coder's 16 bits.
func (m *model) p0() uint16 { return uint16(65536 - m.pr<<4) }

// update records bit y (0 or 1) and prepares the next prediction.
func (m *model) update(y int) {
	for i, t := range m.srcs {
		update(&t[m.idx[i]], y, m.cfg.Limit)
		k := m.hcur[i]
		m.hm[k] = hmLearn(m.hm[k], y)
	}
	m.mm.update(y)
	if m.mm2.min > 0 {
		m.mm2.update(y)
	}
	m.mixers.update(y)
	if m.mix2 != nil {
		m.mix2.update(y)
	}
	m.final.update(y)
	m.a1.update(y)
	m.a2.update(y)
	if m.a3 != nil {
		m.a3.update(y)
	}
	if m.a4 != nil {
		m.a4.update(y)
	}

	if t := m.tree; t != nil {
		m.depth++
		m.path = m.path<<1 | uint32(y)
		if nx := t.child[m.c0][y]; nx < 256 {
			m.c0, m.bit = uint32(nx), min(m.depth, 7)
			m.wpath = m.wpath<<1 | uint32(y)
			if m.depth&3 == 0 {
				m.wpath = 1
				m.nibble()
			}
			// A byte one decision away: its match lookups (a match
			// model that is off asks for nothing).
			for _, c := range t.child[nx] {
				if c >= 256 {
					m.mm.prefetchByte(m.buf, byte(c-256))
					m.mm2.prefetchByte(m.buf, byte(c-256))
				}
			}
		} else {
			m.byteDone(byte(nx - 256))
		}
		m.predict()
		if m.depth&3 == 3 {
			m.prefetchNibble()
		}
		return
	}
	m.c0 = m.c0<<1 | uint32(y)
	m.wpath = m.wpath<<1 | uint32(y)
	m.bit++
	if m.bit == 8 {
		m.byteDone(byte(m.c0))
	} else if m.bit == 4 {
		m.wpath = 1
		m.nibble()
	} else if m.bit == 7 {
		m.mm.prefetchSlots(m.buf, m.c0)
		m.mm2.prefetchSlots(m.buf, m.c0)
	}
	m.predict()
	if m.bit == 3 {
		m.prefetchNibble()
	}
}

// byteDone records byte b, whose last bit has just been coded, and
// finds the contexts of the next byte.
func (m *model) byteDone(b byte) {
	m.buf = append(m.buf, b)
	m.c8 = m.c8<<8 | uint64(b)
	m.c0, m.bit, m.wpath, m.depth, m.path = 1, 0, 1, 0, 1
	m.wordUpdate(b)
	m.extraUpdate(b)
	if m.cfg.MixLREnd > 0 && len(m.buf)&255 == 0 {
		// Young weights need large steps, settled ones small: long
		// stationary text codes better with a lower final rate.
		a, e, k := int64(m.cfg.MixLR)*16, int64(m.cfg.MixLREnd)*16, int64(m.cfg.MixDecay)
		m.mixers.lr16 = int32(e + (a-e)*k/(k+int64(len(m.buf))))
		if m.mix2 != nil {
			m.mix2.lr16 = m.mixers.lr16
		}
	}
	if b == '\n' {
		m.line2, m.line1, m.line0 = m.line1, m.line0, len(m.buf)
	}
	if m.words != nil {
		m.textUpdate(b)
	}
	m.mm.byteUpdate(m.buf)
	if m.mm2.min > 0 {
		m.mm2.byteUpdate(m.buf)
	}
	if m.prior != nil {
		m.prior.Update(b)
		m.pft = m.prior.Next()
		m.treeMass()
	}
	if m.a4 != nil {
		m.h3 = hash32(uint32(m.c8&0xffffff), 703)
	}
	m.byteContexts()
	m.nibble()
}

// sse3Rows is the number of rows of SSE3's map.
const sse3Rows = 1 << 16

// sseRow is the row of SSE3's map for the decision at node c0.
func (m *model) sseRow(c0 uint32) int { return int((c0*0x9E3779B1 ^ m.h3) >> 16) }

// prefetchSSE asks for the rows of SSE3's map that the next decision
// may use, one for each outcome of this one (a row is known only when
// the decision before it is, and the map of 4 MiB is mostly out of
// cache: without this the version 8 model took a tenth more CPU). The
// first decision of the next byte waits for its row.
func (m *model) prefetchSSE() {
	if t := m.tree; t != nil {
		for _, c := range t.child[m.c0] {
			if c < 256 {
				m.prefetchSSERow(uint32(c))
			}
		}
	} else if m.bit < 7 {
		m.prefetchSSERow(m.c0 << 1)
		m.prefetchSSERow(m.c0<<1 | 1)
	}
}

// prefetchSSERow asks for SSE3's row of node c0 (33 entries: two lines).
func (m *model) prefetchSSERow(c0 uint32) {
	r := m.a4.t[m.sseRow(c0)*33:]
	prefetch16(&r[0])
	prefetch16(&r[32])
}

func (m *model) wordUpdate(b byte) {
	if wordByte(b) {
		m.word = nextWord(m.word, b)
		m.wordLen++
		return
	}
	m.wordLen = 0
	if m.word != 0 {
		m.word2 = m.word1
		m.word1 = m.word
		m.word = 0
		if m.wnext != nil {
			m.wnext[m.word2&0xffff] = m.word1
		}
	}
}

// wordByte reports whether b belongs to a word: a letter (either case)
// or a byte >= 0x80.
func wordByte(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' || b >= 0x80 }

// nextWord is the current word's hash after byte b: the letters case
// folded, 0 after a byte that ends the word.
func nextWord(word uint32, b byte) uint32 {
	if !wordByte(b) {
		return 0
	}
	if b >= 'A' && b <= 'Z' {
		b += 'a' - 'A'
	}
	return (word + uint32(b) + 1) * 0x2F0F1F47
}

// treeMass sets pmass from the prior's table of the current byte: each
// inner node's mass is its children's, a leaf's the frequency of its
// byte. Children are numbered after their parents (breadth first), so
// one pass from the last node back to the root does it.
func (m *model) treeMass() {
	if m.tree == nil || m.pft == nil {
		return
	}
	t := m.tree
	for n := 255; n >= 1; n-- {
		var s int64
		for _, c := range t.child[n] {
			if c >= 256 {
				s += int64(m.pft.Freq(int(c - 256)))
			} else {
				s += m.pmass[c]
			}
		}
		m.pmass[n] = s
	}
}

// treeP1 is the prior's probability (12 bits) that the next decision is
// 1: the mass of the current node's second child over the node's.
func (m *model) treeP1() int32 {
	c := m.tree.child[m.c0][1]
	var one int64
	if c >= 256 {
		one = int64(m.pft.Freq(int(c - 256)))
	} else {
		one = m.pmass[c]
	}
	all := m.pmass[m.c0]
	return int32(min(max((one<<12+all/2)/all, 1), 4095))
}
