package deflatere

import (
	"encoding/binary"
	"math/bits"
)

// The reference tokenizer: a deterministic match finder over the filtered
// bytes and an optimal parse under a block's own Huffman code lengths. It
// predicts the real encoder's decisions; the side data codes only where
// the real token stream differs (tokenstream.go).

const (
	hashBits = 16
	window   = 32768
	wmask    = window - 1
	minMatch = 3
	maxMatch = 258
	// maxSteps bounds the chain entries visited per position: the encoder
	// and the decoder must use the same value (it is part of the format).
	maxSteps = 2048
	inf      = 1 << 30
)

// keys are the prefix lengths of the matcher's hash chains. Chain k holds
// the positions whose first keys[k] bytes hash alike, so every position
// sharing keys[k] bytes with p is on p's chain k.
var keys = [...]int{3, 4, 5, 6, 8, 12, 16, 32}

const nKeys = len(keys)

// keyFor[n] is the index of the longest key <= n (n >= 3).
var keyFor [maxMatch + 2]uint8

func init() {
	for n := range keyFor {
		for k := range keys {
			if keys[k] <= n {
				keyFor[n] = uint8(k)
			}
		}
	}
}

// matcher keeps hash chains over all positions of the data, inserted in
// order. The chains live in rings of one window: an entry is only ever
// followed while it lies within the window, before it is overwritten.
type matcher struct {
	data   []byte
	head   [nKeys][]int32
	prev   [nKeys][]int32
	next   int      // positions < next are inserted
	starts []uint64 // runStarts(data)
	// steps counts the chain entries find has visited (as in the format);
	// work counts what it did to find them (an entry visited, or a run
	// stepped over: one, and a unit per 64 positions of starts scanned).
	// With rate > 0, findAll stops once work passes allow + rate*(p+1) at
	// position p.
	steps, work, rate, allow int64
}

func newMatcher(data []byte) *matcher {
	m := &matcher{data: data, starts: runStarts(data)}
	for k := range keys {
		m.head[k] = make([]int32, 1<<hashBits)
		for i := range m.head[k] {
			m.head[k][i] = -1
		}
		m.prev[k] = make([]int32, window)
	}
	return m
}

func load(d []byte, p, n int) uint64 {
	if p+8 <= len(d) {
		return binary.LittleEndian.Uint64(d[p:]) & (1<<(8*uint(n)) - 1 | -uint64(n>>3))
	}
	v := uint64(0)
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(d[p+i])
	}
	return v
}

// hashKey hashes the first keys[k] bytes at p (p+keys[k] <= len(d)).
func hashKey(d []byte, p, k int) uint32 {
	n := keys[k]
	var v uint64
	if n <= 8 {
		v = load(d, p, n) * 0x9E3779B97F4A7C15
	} else {
		v = load(d, p, 8)*0x9E3779B97F4A7C15 ^ load(d, p+n-8, 8)*0xC2B2AE3D27D4EB4F
	}
	return uint32(v >> (64 - hashBits))
}

// keyMask[k] keeps the first keys[k] bytes of a little-endian load (all
// 8 for longer keys).
var keyMask [nKeys]uint64

func init() {
	for k, n := range keys {
		keyMask[k] = ^uint64(0)
		if n < 8 {
			keyMask[k] = 1<<(8*uint(n)) - 1
		}
	}
}

// insertUpTo inserts every position below p.
func (m *matcher) insertUpTo(p int) {
	d := m.data
	for ; m.next < p; m.next++ {
		q := m.next
		if q+40 > len(d) { // near the end: the general path
			for k := range keys {
				if q+keys[k] > len(d) {
					break
				}
				m.link(k, q, hashKey(d, q, k))
			}
			continue
		}
		v := binary.LittleEndian.Uint64(d[q:])
		for k := 0; k < nKeys; k++ {
			var h uint32
			if n := keys[k]; n <= 8 {
				h = uint32((v & keyMask[k]) * 0x9E3779B97F4A7C15 >> (64 - hashBits))
			} else {
				h = uint32((v*0x9E3779B97F4A7C15 ^ binary.LittleEndian.Uint64(d[q+n-8:])*0xC2B2AE3D27D4EB4F) >> (64 - hashBits))
			}
			m.link(k, q, h)
		}
	}
}

func (m *matcher) link(k, q int, h uint32) {
	m.prev[k][q&wmask] = m.head[k][h]
	m.head[k][h] = int32(q)
}

// matchLen is the common prefix length of data[a:] and data[b:], at most n.
func matchLen(d []byte, a, b, n int) int {
	l := 0
	for l+8 <= n {
		x := binary.LittleEndian.Uint64(d[a+l:]) ^ binary.LittleEndian.Uint64(d[b+l:])
		if x != 0 {
			return l + bits.TrailingZeros64(x)>>3
		}
		l += 8
	}
	for l < n && d[a+l] == d[b+l] {
		l++
	}
	return l
}

// find appends to out the records length<<16 | distance at position p
// (all positions below p inserted): walking candidates nearest first, a
// record for each candidate longer than every nearer one, so record k is
// the nearest match of every length in (len(k-1), len(k)]. Lengths are
// capped at limit (<= 258). Once the best length is b, the walk goes on
// along the chain of the longest key <= b+1, skipping the positions
// already examined (all those nearer than the last one examined). The
// walk visits at most maxSteps chain entries; these steps, not the time
// taken, are part of the format.
//
// Runs of one byte value make the walk long: inside a run, every
// position of every run of the same byte within the window is on p's
// chain, and all but a few of them give no record. find steps over such
// a run in one go (runNext), with the records and the step count of the
// entry by entry walk (findRef in the tests is that walk, entry by entry;
// TestFindRuns compares them).
func (m *matcher) find(p, limit int, out []uint32) []uint32 {
	if limit < minMatch {
		return out
	}
	d := m.data
	best := minMatch - 1
	k := 0
	last := p // positions in [last, p) on the current chain are examined
	c := m.head[0][hashKey(d, p, 0)]
	steps, work := 0, 0
	v := d[p]
	// rp is p's run of v, at most limit bytes, or 1 (shorter than any
	// key) if d[p+1] differs (p+1 < p+limit <= len(d)).
	rp := 1
	if d[p+1] == v {
		rp = m.runLen(p, limit)
	}
	for ; c >= 0 && p-int(c) <= window && steps < maxSteps; steps++ {
		work++
		ci := int(c)
		// A candidate inside a run of v, on a chain whose key at p is all
		// v: the chain holds every position of that run down to its start.
		if keys[k] <= rp && d[ci] == v && d[ci+1] == v {
			if rc := m.runLen(ci, limit+1); rc >= keys[k] {
				lo := max(p-window, ci-(maxSteps-steps)+1, 0) // the walk ends below lo
				s := m.runStart(ci, lo)
				work += (ci-s)>>6 + rc>>6
				nx := runNext(ci, rc, s, min(ci, last-1), best, rp, limit)
				if nx < 0 { // no record in [s, ci]: all of it visited
					steps += ci - s
					last = min(last, s)
					c = m.prev[k][s&wmask]
					continue
				}
				steps += ci - nx // the entries above nx give no record
				last = min(last, nx+1)
				ci = nx
			}
		}
		if ci < last {
			last = ci
			if d[ci+best] == d[p+best] {
				if l := matchLen(d, ci, p, limit); l > best {
					best = l
					out = append(out, uint32(l)<<16|uint32(p-ci))
					if l == limit {
						break
					}
					if nk := int(keyFor[l+1]); nk != k {
						k = nk
						c = m.head[k][hashKey(d, p, k)]
						continue
					}
				}
			}
		}
		c = m.prev[k][ci&wmask]
	}
	m.steps += int64(steps)
	m.work += int64(work)
	return out
}

// runNext is the nearest entry, walking down from ci, of a run of the
// byte v at p that may give a record, or -1 if none in [s, ci] may. The
// run of candidate c ends where ci's does: it is r(c) = rc + ci - c long
// (rc > limit: longer than any match). p's run is rp long (rp = limit:
// at least limit). Only entries below last are examined (cs = last-1 if
// that is below ci). A candidate's match is:
//
//	rp = limit: min(r(c), limit)
//	r(c) < rp:  r(c)
//	r(c) > rp:  rp
//	r(c) = rp:  rp and what follows both runs alike (at least rp)
//
// so, r(c) growing as c falls, the first c whose match may pass best is
// found in O(1). Every entry above it gives no record.
func runNext(ci, rc, s, cs, best, rp, limit int) int {
	if cs < s {
		return -1
	}
	far := rc > limit
	e := ci + rc // the runs' end
	nx := -1
	switch r0 := e - cs; {
	case far && rp == limit:
		nx = cs // every match is limit long
	case far || r0 > rp && rp < limit:
		if rp > best {
			nx = cs
		}
	case rp == limit:
		nx = min(cs, e-best-1)
	default: // r0 <= rp < limit
		if t := max(r0, best+1); t <= rp {
			nx = e - t
		} else {
			nx = e - rp
		}
	}
	if nx < s {
		return -1
	}
	return nx
}

// runLen is the length of the run of one byte value from p, at most n
// (p+n <= len(data)).
func (m *matcher) runLen(p, n int) int {
	w := (p + 1) >> 6
	if w >= len(m.starts) {
		return n
	}
	b := m.starts[w] & (^uint64(0) << ((p + 1) & 63)) // positions > p
	for b == 0 {
		if w++; w >= len(m.starts) || w<<6-p > n {
			return n
		}
		b = m.starts[w]
	}
	return min(n, w<<6+bits.TrailingZeros64(b)-p)
}

// runStarts marks the first position of every run of one byte value
// in d: bit x of word x/64 is set when x is 0 or d[x] != d[x-1].
func runStarts(d []byte) []uint64 {
	b := make([]uint64, (len(d)+63)/64)
	for x := range d {
		if x == 0 || d[x] != d[x-1] {
			b[x>>6] |= 1 << (x & 63)
		}
	}
	return b
}

// runStart is the first position of the run of one byte value that holds
// c, or lo if the run starts below lo (lo <= c).
func (m *matcher) runStart(c, lo int) int {
	w := c >> 6
	b := m.starts[w] & (^uint64(0) >> (63 - c&63)) // positions <= c
	for b == 0 {
		if w--; w < lo>>6 {
			return lo
		}
		b = m.starts[w]
	}
	return max(lo, w<<6+63-bits.LeadingZeros64(b))
}

// Costs are in 1/65536 bit (Q16).
const costOne = 1 << 16

// costs are a block's bit costs per literal, per length and per distance
// symbol (inf when the block has no code for it).
type costs struct {
	lit  [256]int32
	len  [maxMatch + 1]int32
	dsym [30]int32
}

// allCodes has a code for every symbol (no inf costs).
var allCodes = func() block {
	var b block
	for i := range b.lit {
		b.lit[i] = 1
	}
	for i := range b.dist {
		b.dist[i] = 1
	}
	return b
}()

// codeCosts are the block's code lengths as costs.
func codeCosts(b *block) *costs {
	var ll [288]int32
	var dl [32]int32
	for i := range ll {
		ll[i] = int32(b.lit[i]) * costOne
	}
	for i := range dl {
		dl[i] = int32(b.dist[i]) * costOne
	}
	return symCosts(b, &ll, &dl)
}

// symCosts turns per-symbol costs into a costs table, with the block's
// missing codes as inf.
func symCosts(b *block, ll *[288]int32, dl *[32]int32) *costs {
	if b == nil {
		b = &allCodes
	}
	c := &costs{}
	for i := range c.lit {
		c.lit[i] = orInf(b.lit[i], ll[i], 0)
	}
	for l := minMatch; l <= maxMatch; l++ {
		s := 257 + int(lenSym[l])
		c.len[l] = orInf(b.lit[s], ll[s], lenExtra[s-257])
	}
	for s := range c.dsym {
		c.dsym[s] = orInf(b.dist[s], dl[s], distExtra[s])
	}
	return c
}

func orInf(codeLen uint8, cost int32, extra uint) int32 {
	if codeLen == 0 {
		return inf
	}
	return cost + int32(extra)*costOne
}

// log2Q16 is log2(n) in Q16 for n >= 1, by integer squaring (exact on
// every machine).
func log2Q16(n uint64) int64 {
	e := bits.Len64(n) - 1
	var x uint64
	if e <= 30 {
		x = n << uint(30-e)
	} else {
		x = n >> uint(e-30)
	}
	r := int64(e) << 16
	for b := int64(1 << 15); b > 0; b >>= 1 {
		x = x * x >> 30
		if x >= 2<<30 {
			r |= b
			x >>= 1
		}
	}
	return r
}

// entropyCosts are the costs -log2(count/sum) of the symbol counts of a
// parse (a symbol never used costs log2(sum)), as an optimal parser that
// iterates on its own statistics uses them.
func entropyCosts(b *block, ll *[288]uint32, dl *[32]uint32) *costs {
	var lc [288]int32
	var dc [32]int32
	ent := func(cnt []uint32, out []int32) {
		sum := uint64(0)
		for _, v := range cnt {
			sum += uint64(v)
		}
		if sum == 0 {
			sum = uint64(len(cnt))
		}
		ls := log2Q16(sum)
		for i, v := range cnt {
			out[i] = int32(ls)
			if v > 0 {
				out[i] = int32(ls - log2Q16(uint64(v)))
			}
		}
	}
	ent(ll[:], lc[:])
	ent(dl[:], dc[:])
	return symCosts(b, &lc, &dc)
}

// plan is the reference tokenizer's view of one block: for every
// position its match records, and the optimal parse's choice from there
// to the block end (0: literal, else length<<16 | distance) with the
// margin cost(best literal path) - cost(best match path) in 1/16 bit,
// clamped to int8.
type plan struct {
	s, e   int
	off    []int32 // records of position s+i are recs[off[i]:off[i+1]]
	recs   []uint32
	choice []uint32
	margin []int8
	cost   []int64
	// choice0 is the first parse's choice (under the code lengths).
	choice0 []uint32
	// lengths is the number of lengths the records offer, what
	// parseLengths tries per parse.
	lengths int64
	win     costWindow // parseRuns' range minima
}

// refineRounds is how often the parse is re-run on its own statistics.
var refineRounds = 1

// newPlan runs the match finder over [s, e) and the optimal parse: first
// under the block's code lengths, then refineRounds times under the
// entropy of the previous parse's symbol counts.
func newPlan(m *matcher, s, e int, b *block, pl *plan) error {
	if err := pl.findAll(m, s, e); err != nil {
		return err
	}
	pl.parseBlock(m.data, b)
	return nil
}

// findAll fills the match records of every position of [s, e). Past the
// matcher's budget it stops with ErrBudget.
func (pl *plan) findAll(m *matcher, s, e int) error {
	pl.s, pl.e = s, e
	pl.off = append(pl.off[:0], 0)
	pl.recs = pl.recs[:0]
	pl.lengths = 0
	for p := s; p < e; p++ {
		m.insertUpTo(p)
		k := len(pl.recs)
		pl.recs = m.find(p, min(maxMatch, e-p), pl.recs)
		if len(pl.recs) > k { // lengths 3 to the longest record's
			pl.lengths += int64(pl.recs[len(pl.recs)-1]>>16) - (minMatch - 1)
		}
		pl.off = append(pl.off, int32(len(pl.recs)))
		if m.rate > 0 && m.work > m.allow+m.rate*int64(p+1) {
			return errf(ErrBudget, p, "%d steps of work", m.work)
		}
	}
	m.insertUpTo(e)
	return nil
}

// parseBlock is the parse of newPlan over the records already found.
func (pl *plan) parseBlock(data []byte, b *block) {
	pl.parse(data, codeCosts(b))
	pl.choice0 = append(pl.choice0[:0], pl.choice...)
	pl.refine(data, b, refineRounds)
}

// counts are the symbol counts of the current parse (end of block
// included).
func (pl *plan) counts(data []byte, ll *[288]uint32, dl *[32]uint32) {
	*ll, *dl = [288]uint32{}, [32]uint32{}
	ll[256] = 1
	for i := 0; i < pl.e-pl.s; {
		ch := pl.choice[i]
		if ch == 0 {
			ll[data[pl.s+i]]++
			i++
			continue
		}
		l, d := int(ch>>16), int(ch&0xffff)
		ll[257+int(lenSym[l])]++
		dl[distSym(d)]++
		i += l
	}
}

// refine re-parses rounds times under the entropy of the previous
// parse's counts (b nil: every symbol allowed).
func (pl *plan) refine(data []byte, b *block, rounds int) {
	for r := 0; r < rounds; r++ {
		var ll [288]uint32
		var dl [32]uint32
		pl.counts(data, &ll, &dl)
		pl.parse(data, entropyCosts(b, &ll, &dl))
	}
}

// parse is the backward optimal parse: cost[i] is the cheapest coding of
// the block from position s+i on. Ties go to the literal, then to the
// shortest length. Two parsers give the same choices, margins and costs
// (TestParseRuns): parseLengths tries every length of every record,
// parseRuns every run of lengths of one symbol in O(1); parse picks the
// one that is cheaper for the block's records.
func (pl *plan) parse(data []byte, c *costs) {
	n := pl.e - pl.s
	pl.choice = grow(pl.choice, n)
	pl.margin = growI8(pl.margin, n)
	if cap(pl.cost) >= n+1 {
		pl.cost = pl.cost[:n+1]
	} else {
		pl.cost = make([]int64, n+1)
	}
	pl.cost[n] = 0
	if pl.lengths > runsAbove*int64(n) {
		pl.parseRuns(data, c)
	} else {
		pl.parseLengths(data, c)
	}
}

// runsAbove: parseRuns pays ~4 steps a position to keep its table and
// one per run; parseLengths one per length (plan.lengths in all). Photos
// have ~1 length a position to try, screenshots ~100.
const runsAbove = 8

// parseLengths is parse trying every length of every record in turn.
func (pl *plan) parseLengths(data []byte, c *costs) {
	n := pl.e - pl.s
	cost := pl.cost
	for i := n - 1; i >= 0; i-- {
		litc := int64(c.lit[data[pl.s+i]]) + cost[i+1]
		matc, mch := int64(1)<<62, uint32(0)
		prevLen := minMatch - 1
		for _, r := range pl.recs[pl.off[i]:pl.off[i+1]] {
			l, d := int(r>>16), int(r&0xffff)
			dc := c.dsym[distSym(d)]
			if dc < inf {
				for k := prevLen + 1; k <= l; k++ {
					if v := int64(c.len[k]) + int64(dc) + cost[i+k]; v < matc {
						matc, mch = v, uint32(k)<<16|uint32(d)
					}
				}
			}
			prevLen = l
		}
		pl.choose(i, litc, matc, mch)
	}
}

// parseRuns is parse by runs of lengths: a length's cost depends only on
// its length symbol, so the lengths of one record that share a symbol
// (runs of at most 32) cost the symbol's cost plus the least cost[i+k]
// over the run, which a range-minimum table over the positions after i
// (costWindow) gives at its shortest length.
func (pl *plan) parseRuns(data []byte, c *costs) {
	n := pl.e - pl.s
	cost := pl.cost
	w := &pl.win
	w.set(cost, n, n)
	for i := n - 1; i >= 0; i-- {
		litc := int64(c.lit[data[pl.s+i]]) + cost[i+1]
		matc, mch := int64(1)<<62, uint32(0)
		prevLen := minMatch - 1
		for _, r := range pl.recs[pl.off[i]:pl.off[i+1]] {
			l, d := int(r>>16), int(r&0xffff)
			dc := c.dsym[distSym(d)]
			if dc < inf {
				for k := prevLen + 1; k <= l; {
					hi := min(l, lenLast[lenSym[k]])
					at := i + k
					if hi > k {
						at = w.argmin(cost, i+k, i+hi)
					}
					if v := int64(c.len[k]) + int64(dc) + cost[at]; v < matc {
						matc, mch = v, uint32(at-i)<<16|uint32(d)
					}
					k = hi + 1
				}
			}
			prevLen = l
		}
		pl.choose(i, litc, matc, mch)
		w.set(cost, i, n)
	}
}

// choose records the parse's decision at block position i: the literal
// (cost litc) unless the match mch is cheaper (matc).
func (pl *plan) choose(i int, litc, matc int64, mch uint32) {
	if litc <= matc {
		pl.cost[i], pl.choice[i] = litc, 0
	} else {
		pl.cost[i], pl.choice[i] = matc, mch
	}
	pl.margin[i] = int8(max(-127, min(127, (litc-matc)>>12)))
}

// lenLast[s] is the longest length of length symbol 257+s (set with
// lenSym, in inflate.go's init).
var lenLast [29]int

// winLevels: level j of a costWindow covers 2^j positions; a run of
// lengths of one symbol is at most 32 long (5 extra bits), two level-4
// entries cover it.
const (
	winLevels = 5
	winSize   = 512 // > maxMatch + 16: the entries a parse step may read
)

// costWindow is a sparse range-minimum table over the last winSize
// positions of a backward parse: at[j][x&(winSize-1)] is the smallest
// position of least cost in [x, x+2^j) (clipped to the block end). Level
// 0 is the cost array itself.
type costWindow struct {
	at [winLevels][winSize]int32
}

// set enters position x (its cost known, every later one entered).
func (w *costWindow) set(cost []int64, x, n int) {
	w.at[0][x&(winSize-1)] = int32(x)
	for j := 1; j < winLevels; j++ {
		a := w.at[j-1][x&(winSize-1)]
		if y := x + 1<<(j-1); y <= n {
			if b := w.at[j-1][y&(winSize-1)]; cost[b] < cost[a] {
				a = b
			}
		}
		w.at[j][x&(winSize-1)] = a
	}
}

// argmin is the smallest position of least cost in [a, b] (b-a < 32, both
// entered, within winSize of the last entered). On a tie the left
// window's position is the smaller one.
func (w *costWindow) argmin(cost []int64, a, b int) int {
	j := min(bits.Len(uint(b-a+1))-1, winLevels-1)
	x := w.at[j][a&(winSize-1)]
	if y := w.at[j][(b-1<<j+1)&(winSize-1)]; cost[y] < cost[x] {
		x = y
	}
	return int(x)
}

func grow(s []uint32, n int) []uint32 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]uint32, n)
}

func growI8(s []int8, n int) []int8 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int8, n)
}

// maxLenAt is the longest record at block position i (0 if none).
func (pl *plan) maxLenAt(i int) int {
	if i >= pl.e-pl.s || pl.off[i] == pl.off[i+1] {
		return 0
	}
	return int(pl.recs[pl.off[i+1]-1] >> 16)
}

// nearest is the nearest distance of a match of at least length l at
// block position i, or 0.
func (pl *plan) nearest(i, l int) int {
	for _, r := range pl.recs[pl.off[i]:pl.off[i+1]] {
		if int(r>>16) >= l {
			return int(r & 0xffff)
		}
	}
	return 0
}
