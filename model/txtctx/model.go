package txtctx

import "github.com/dcar-archiver/dcar/internal/cacheline"

// The statistics half of the package: context tables, the match model
// and the word context, updated causally one byte at a time. Everything
// here is integer arithmetic on fixed-size arrays whose sizes depend only
// on the segment length and the Config, so two Models fed the same bytes
// are in the same state on every machine.

// Source kinds (SourceInfo.Kind).
const (
	KindOrder0 = iota // dense order-0 counts
	KindOrder1        // dense order-1 counts
	KindHashed        // hashed order-n (n >= 2) or word context
	KindMatch         // match model: one predicted byte
)

// Hashed context slots: a 32-byte bucket holding up to slotSyms
// (symbol, count) pairs of one context, a 16-bit check and a
// saturating use counter that decides replacement.
const slotSyms = 14

type slot struct {
	chk uint16
	n   uint8 // symbols in use
	use uint8 // saturating count of updates; replacement priority
	sym [slotSyms]uint8
	cnt [slotSyms]uint8
}

// dense is the statistics of one order-0/1 context: the symbols in order
// of first appearance and their counts.
type dense struct {
	n    int
	tot  uint32 // sum of cnt
	last uint8
	sym  [256]uint8
	cnt  [256]uint16 // indexed by symbol
}

// Entry is one active feature of a source: a symbol that the source
// predicts and the bucket (0..NumBuckets-1) that encodes how strongly.
type Entry struct {
	Sym    uint8
	Bucket uint8
}

// SourceInfo is the confidence summary of one source for the current
// byte, for consumers (the network) that weight sources themselves.
type SourceInfo struct {
	Kind     int    // KindOrder0, KindOrder1, KindHashed or KindMatch
	Order    int    // context order (-1 word, 0 for the match model)
	Found    bool   // the context has been seen before in this segment
	Total    uint32 // sum of counts in the context (match: match length)
	Distinct int    // number of listed symbols
	MaxCnt   uint32 // largest count (match: match length)
}

// NumBuckets is the number of strength buckets of a source entry.
const NumBuckets = 128

type source struct {
	kind  int
	order int // n for order-n, -1 for the word context
	limit uint32

	// hashed tables
	slots []slot
	mask  uint32
	cur   *slot

	// dense tables
	d0  *dense
	d1  []dense
	cd  *dense
	ent []Entry // active entries for the current byte
	tot uint32
	max uint32
}

// Model holds the adaptive statistics of one segment.
type Model struct {
	cfg  Config
	src  []source
	buf  []byte // the segment so far
	pos  int
	word uint64 // hash of the current word (0 between words)
	prev uint64 // hash of the previous word

	// match model
	mt     []int32 // hash of last MatchMin bytes -> position after them
	mtBits uint
	mptr   int // position of the predicted byte in buf (valid if mlen > 0)
	mlen   int
	msrc   int // index of the match source, or -1
	hi     int // highest order index with a found context (for selection)
	hiDet  bool
}

// ceilLog2 returns the smallest b with 1<<b >= n (n >= 1).
func ceilLog2(n int) uint {
	b := uint(0)
	for (1 << b) < n {
		b++
	}
	return b
}

func clampBits(b, lo, hi uint) uint {
	if b < lo {
		return lo
	}
	if b > hi {
		return hi
	}
	return b
}

// NewModel returns a Model for a segment of segLen bytes (the table sizes
// depend on it, so the decoder must use the same value).
func NewModel(segLen int, cfg Config) *Model {
	cfg = cfg.normalized()
	if segLen < 0 {
		segLen = 0
	}
	m := cacheline.New[Model]() // written at every byte (cacheline)
	m.cfg, m.buf, m.msrc = cfg, make([]byte, 0, min(segLen, 1<<20)), -1
	hb := clampBits(ceilLog2(segLen+1)-min(ceilLog2(segLen+1), slotShrink), 10, cfg.TableBits)
	for _, o := range cfg.Orders {
		s := source{order: o, limit: cfg.Limit}
		switch {
		case o == 0:
			s.kind = KindOrder0
			s.d0 = new(dense)
			s.ent = make([]Entry, 0, 256)
		case o == 1:
			s.kind = KindOrder1
			s.d1 = make([]dense, 256)
			s.ent = make([]Entry, 0, 256)
		default:
			s.kind = KindHashed
			b := hb
			if o == 2 && b > 15 {
				b = 15 // at most 64K contexts
			}
			s.slots = make([]slot, 1<<b)
			s.mask = 1<<b - 1
			s.ent = make([]Entry, 0, slotSyms)
		}
		m.src = append(m.src, s)
	}
	if cfg.Word {
		s := source{kind: KindHashed, order: -1, limit: cfg.Limit}
		s.slots = make([]slot, 1<<hb)
		s.mask = 1<<hb - 1
		s.ent = make([]Entry, 0, slotSyms)
		m.src = append(m.src, s)
	}
	if cfg.MatchMin > 0 {
		m.mtBits = clampBits(ceilLog2(segLen+1), 10, cfg.TableBits+2)
		m.mt = make([]int32, 1<<m.mtBits)
		m.msrc = len(m.src)
		m.src = append(m.src, source{kind: KindMatch, ent: make([]Entry, 0, 1)})
	}
	m.prepare()
	return m
}

// NumSources returns the number of sources (orders in Config order, then
// the word context, then the match model).
func (m *Model) NumSources() int { return len(m.src) }

// Entries returns the active entries of source i for the next byte. The
// slice is valid until the next Update.
func (m *Model) Entries(i int) []Entry { return m.src[i].ent }

// Info returns the confidence summary of source i for the next byte.
func (m *Model) Info(i int) SourceInfo {
	s := &m.src[i]
	inf := SourceInfo{Kind: s.kind, Order: s.order, Total: s.tot, Distinct: len(s.ent), MaxCnt: s.max, Found: len(s.ent) > 0}
	if s.kind == KindMatch {
		inf.Total, inf.MaxCnt = uint32(m.mlen), uint32(m.mlen)
	}
	return inf
}

// MatchLen returns the current match length (0: no match) and the
// predicted byte.
func (m *Model) MatchLen() (int, byte) {
	if m.mlen == 0 {
		return 0, 0
	}
	return m.mlen, m.buf[m.mptr]
}

// Pos returns the number of bytes seen.
func (m *Model) Pos() int { return m.pos }

// Hash constants (odd 64-bit multipliers).
const (
	hMul  = 0x9E3779B97F4A7C15
	hMul2 = 0xD6E8FEB86659FD93
)

func finalize(h uint64) uint64 {
	h ^= h >> 29
	h *= hMul2
	h ^= h >> 32
	return h
}

// ratioQ maps r = floor(64*n/T) (0..64) to 0..7.
var ratioQ = func() (t [65]uint8) {
	for r := range t {
		var q uint8
		switch {
		case r == 64:
			q = 7
		case r >= 40:
			q = 6
		case r >= 24:
			q = 5
		case r >= 14:
			q = 4
		case r >= 8:
			q = 3
		case r >= 4:
			q = 2
		case r >= 2:
			q = 1
		}
		t[r] = q
	}
	return
}()

// totalQ quantizes a context total to 0..7.
func totalQ(t uint32) uint8 {
	switch {
	case t <= 3:
		return uint8(t - 1) // t >= 1
	case t <= 5:
		return 3
	case t <= 9:
		return 4
	case t <= 19:
		return 5
	case t <= 49:
		return 6
	}
	return 7
}

// bucket is the strength bucket of a symbol with count n in a context
// with total t (rcp = recip(t)) and recent = 1 if it is the last symbol
// seen in the context: recent<<6 | totalQ(t)<<3 | ratioQ[r] with
// r = (64*n*rcp) >> 24 (r = floor(64n/t) or one less).
func bucket(n, t, rcp uint32, recent uint8) uint8 {
	r := (64 * n * rcp) >> 24
	if r > 64 {
		r = 64
	}
	return recent<<6 | totalQ(t)<<3 | ratioQ[r]
}

// recip returns floor(2^24/t) + 1 for t >= 1, so that 64*n*recip >> 24
// is floor(64n/t) whenever 64n*recip fits (n <= t <= 2^16).
func recip(t uint32) uint32 { return (1<<24)/t + 1 }

// matchQ quantizes a match length (>= 1) to a bucket 0..NumBuckets-1.
func matchQ(l int) uint8 {
	if l < 32 {
		return uint8(l)
	}
	q := 32 + (l-32)/8
	if q > NumBuckets-1 {
		q = NumBuckets - 1
	}
	return uint8(q)
}

func (m *Model) at(i int) byte {
	if i < 0 {
		return 0
	}
	return m.buf[i]
}

// prepare looks up the contexts of the next byte and fills the entries.
func (m *Model) prepare() {
	p := m.pos
	// Rolling hash over the last bytes, recorded at each order.
	var h uint64
	d := 0
	hi, hiDet := 0, false
	// First find every hashed context: the table reads are independent,
	// so their cache misses overlap.
	for i := range m.src {
		s := &m.src[i]
		if s.kind != KindHashed {
			continue
		}
		var k uint64
		if s.order > 0 {
			for d < s.order {
				d++
				h = (h + uint64(m.at(p-d)) + 1) * hMul
			}
			k = finalize(h + uint64(s.order))
		} else {
			w := m.word
			if w == 0 {
				w = uint64(m.at(p-1)) + 0x1234567
			}
			k = finalize(w*hMul2 + m.prev)
		}
		s.cur = s.lookup(k)
	}
	for i := range m.src {
		s := &m.src[i]
		s.ent = s.ent[:0]
		s.tot, s.max = 0, 0
		switch s.kind {
		case KindOrder0:
			m.fillDense(s, s.d0)
		case KindOrder1:
			s.cd = &s.d1[m.at(p-1)]
			m.fillDense(s, s.cd)
		case KindHashed:
			c := s.cur
			var t, mx uint32
			for j := 0; j < int(c.n); j++ {
				v := uint32(c.cnt[j])
				t += v
				if v > mx {
					mx = v
				}
			}
			if c.n > 0 {
				rc := recip(t)
				for j := 0; j < int(c.n); j++ {
					s.ent = append(s.ent, Entry{Sym: c.sym[j], Bucket: bucket(uint32(c.cnt[j]), t, rc, 0)})
				}
			}
			s.tot, s.max = t, mx
			if c.n > 0 && s.order > 0 {
				hi = i + 1
				hiDet = c.n == 1
			}
		case KindMatch:
			if m.mlen > 0 {
				s.ent = append(s.ent, Entry{Sym: m.buf[m.mptr], Bucket: matchQ(m.mlen)})
				s.tot, s.max = uint32(m.mlen), uint32(m.mlen)
			}
		}
	}
	m.hi, m.hiDet = hi, hiDet
	if m.cfg.NoExcl {
		return
	}
	// Bucket bit 6: the symbol is also listed by a higher order (orders
	// are sorted ascending; the word context is outside the hierarchy).
	// For the match model: its symbol is listed by some order.
	var mask [4]uint64
	for i := len(m.src) - 1; i >= 0; i-- {
		s := &m.src[i]
		if s.kind == KindMatch || s.order < 0 {
			continue
		}
		for j := range s.ent {
			c := s.ent[j].Sym
			if mask[c>>6]>>(c&63)&1 != 0 {
				s.ent[j].Bucket |= 64
			}
		}
		for _, e := range s.ent {
			mask[e.Sym>>6] |= 1 << (e.Sym & 63)
		}
	}
	if m.msrc >= 0 {
		s := &m.src[m.msrc]
		for j := range s.ent {
			c := s.ent[j].Sym
			if mask[c>>6]>>(c&63)&1 != 0 {
				s.ent[j].Bucket |= 64
			}
		}
	}
}

func (m *Model) fillDense(s *source, c *dense) {
	if c.n == 0 {
		return
	}
	t := c.tot
	var mx uint32
	rc := recip(t)
	ent := s.ent[:c.n]
	for j := range ent {
		y := c.sym[j]
		v := uint32(c.cnt[y])
		mx = max(mx, v)
		ent[j] = Entry{Sym: y, Bucket: bucket(v, t, rc, 0)}
	}
	s.ent = ent
	s.tot, s.max = t, mx
}

// lookup finds or claims the slot of context hash k: two candidate
// buckets (an aligned pair); a miss replaces the one with the lower use
// count, the first on ties.
func (s *source) lookup(k uint64) *slot {
	chk := uint16(k)
	i := uint32(k>>32) & s.mask &^ 1
	a, b := &s.slots[i], &s.slots[i|1]
	if a.chk == chk {
		return a
	}
	if b.chk == chk {
		return b
	}
	r := a
	if b.use < a.use {
		r = b
	}
	*r = slot{chk: chk}
	return r
}

func (s *source) addDense(c *dense, y byte) {
	if c.cnt[y] == 0 {
		c.sym[c.n] = y
		c.n++
	}
	c.cnt[y]++
	c.tot++
	c.last = y
	if uint32(c.cnt[y]) >= s.limit {
		c.tot = 0
		for j := 0; j < c.n; j++ {
			x := c.sym[j]
			c.cnt[x] = (c.cnt[x] + 1) >> 1
			c.tot += uint32(c.cnt[x])
		}
	}
}

func (s *source) addSlot(c *slot, y byte) {
	if c.use < 255 {
		c.use++
	}
	n := int(c.n)
	for j := 0; j < n; j++ {
		if c.sym[j] == y {
			c.cnt[j]++
			if uint32(c.cnt[j]) >= s.limit {
				for k := 0; k < n; k++ {
					c.cnt[k] = uint8((uint32(c.cnt[k]) + 1) >> 1)
				}
			}
			// The last symbol seen is kept in front.
			c.sym[0], c.sym[j] = c.sym[j], c.sym[0]
			c.cnt[0], c.cnt[j] = c.cnt[j], c.cnt[0]
			return
		}
	}
	if n < slotSyms {
		c.sym[n], c.cnt[n] = c.sym[0], c.cnt[0]
		c.sym[0], c.cnt[0] = y, 1
		c.n++
		return
	}
	// Full: replace the symbol with the lowest count (first on ties).
	lo := 0
	for j := 1; j < n; j++ {
		if c.cnt[j] < c.cnt[lo] {
			lo = j
		}
	}
	c.sym[lo], c.cnt[lo] = c.sym[0], c.cnt[0]
	c.sym[0], c.cnt[0] = y, 1
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// Update records the byte y that followed the current context and
// prepares the contexts of the next byte.
func (m *Model) Update(y byte) {
	for i := range m.src {
		s := &m.src[i]
		switch s.kind {
		case KindOrder0:
			s.addDense(s.d0, y)
		case KindOrder1:
			s.addDense(s.cd, y)
		case KindHashed:
			s.addSlot(s.cur, y)
		}
	}
	m.buf = append(m.buf, y)
	m.pos++
	// Word context.
	if isWordByte(y) {
		c := y
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		m.word = (m.word + uint64(c) + 1) * hMul
	} else if m.word != 0 {
		m.prev = m.word
		m.word = 0
	}
	if m.mt != nil {
		m.updateMatch(y)
	}
	m.prepare()
}

func (m *Model) updateMatch(y byte) {
	if m.mlen > 0 {
		if m.buf[m.mptr] == y {
			m.mlen++
			m.mptr++
		} else {
			m.mlen = 0
		}
	}
	k := m.cfg.MatchMin
	p := m.pos
	if p < k {
		return
	}
	var h uint64
	for i := p - k; i < p; i++ {
		h = (h + uint64(m.buf[i]) + 1) * hMul
	}
	idx := uint32(finalize(h)>>32) & (1<<m.mtBits - 1)
	if m.mlen == 0 {
		cand := int(m.mt[idx])
		if cand > 0 {
			// Verify and measure the match backwards (bounded).
			l := 0
			for l < 400 && cand-l-1 >= 0 && m.buf[cand-l-1] == m.buf[p-l-1] {
				l++
			}
			if l >= k {
				m.mlen, m.mptr = l, cand
			}
		}
	}
	m.mt[idx] = int32(p)
}

var slotShrink uint = 1
