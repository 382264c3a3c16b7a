package deflatere

// zlib's own match finder and parse (deflate.c of zlib 1.2.x/1.3.x:
// deflate_fast for levels 1-3, deflate_slow for levels 4-9, longest_match
// without UNALIGNED_OK), reproduced so that a stream zlib wrote is
// predicted token for token. The emulator is driven: at each token start
// it predicts zlib's token, and it then follows the stream's actual token,
// whatever it is, so that one difference does not derail the tokens after
// it.
//
// Positions are absolute; zlib's are relative to a window that slides by
// w_size. The two agree (a chain entry is followed only while it is more
// than limit = pos - MAX_DIST, and a slide only drops entries below that),
// except that zlib's NIL is relative position 0: here absolute position 0
// is NIL, which is zlib's case until its first slide; a match to the first
// byte after a slide at exactly MAX_DIST is the one case not reproduced.
// Bytes past the end of the data read as zero (zlib's window past its
// high water mark, before any slide).

// zlibConfig is one way zlib can have been called: a level (1-9) and its
// configuration_table row, the strategy, and the window and hash sizes.
type zlibConfig struct {
	level                   int
	good, lazy, nice, chain int
	filtered                bool // Z_FILTERED (deflate_slow drops matches of length <= 5)
	wbits, hbits            int  // windowBits (9..15), memLevel + 7
}

// slow: deflate_slow (levels 4-9), else deflate_fast.
func (c zlibConfig) slow() bool { return c.level >= 4 }

// zlibLevels are zlib's configuration_table, levels 1-9: good, lazy,
// nice, chain.
var zlibLevels = [10][4]int{
	1: {4, 4, 8, 4},
	2: {4, 5, 16, 8},
	3: {4, 6, 32, 32},
	4: {4, 4, 16, 16},
	5: {8, 16, 32, 32},
	6: {8, 16, 128, 128},
	7: {8, 32, 128, 256},
	8: {32, 128, 258, 1024},
	9: {32, 258, 258, 4096},
}

func levelConfig(level int, filtered bool, wbits, hbits int) zlibConfig {
	r := zlibLevels[level]
	return zlibConfig{level: level, good: r[0], lazy: r[1], nice: r[2], chain: r[3],
		filtered: filtered && level >= 4, wbits: wbits, hbits: hbits}
}

const (
	minLookahead = maxMatch + minMatch + 1 // zlib's MIN_LOOKAHEAD
	tooFar       = 4096                    // zlib's TOO_FAR
)

// zlibEmu is the driven emulator over data.
type zlibEmu struct {
	cfg     zlibConfig
	d       []byte // the data and maxMatch+1 zero bytes
	n       int    // data length
	head    []int32
	prev    []int32
	wmask   int
	maxDist int
	next    int // positions < next are inserted (or skipped, deflate_fast)
	// at the current token start t: carried is whether zlib has already
	// searched t (deflate_slow, after a literal), with result cl, cs.
	t       int
	carried bool
	cl, cs  int
	// the search at t+1 made while predicting at t (deflate_slow)
	nl, ns int
	// work counts the searches and the chain entries they visited
	work int64
}

func newZlibEmu(data []byte, cfg zlibConfig) *zlibEmu {
	d := make([]byte, len(data)+maxMatch+1)
	copy(d, data)
	w := 1 << cfg.wbits
	return &zlibEmu{cfg: cfg, d: d, n: len(data), head: make([]int32, 1<<cfg.hbits),
		prev: make([]int32, w), wmask: w - 1, maxDist: w - minLookahead}
}

// hash is zlib's rolling hash of the 3 bytes at p (hash_shift*3 >=
// hash_bits, so it depends on those bytes only).
func (z *zlibEmu) hash(p int) int {
	s := uint((z.cfg.hbits + minMatch - 1) / minMatch)
	return (int(z.d[p])<<(2*s) ^ int(z.d[p+1])<<s ^ int(z.d[p+2])) & (1<<z.cfg.hbits - 1)
}

// insert is INSERT_STRING at p: it returns the previous head of p's hash.
// zlib inserts only while 3 bytes are left.
func (z *zlibEmu) insert(p int) int {
	if p+minMatch > z.n {
		return 0
	}
	h := z.hash(p)
	old := z.head[h]
	z.prev[p&z.wmask] = old
	z.head[h] = int32(p)
	return int(old)
}

func (z *zlibEmu) insertUpTo(p int) {
	for ; z.next < p; z.next++ {
		z.insert(z.next)
	}
}

// longest is longest_match at p from chain entry cur, with the previous
// match length prevLen: the best length (at most what is left) and its
// start, or start -1 when nothing beat prevLen.
func (z *zlibEmu) longest(p, cur, prevLen int) (int, int) {
	chain := z.cfg.chain
	if prevLen >= z.cfg.good {
		chain >>= 2
	}
	left := z.n - p
	nice := min(z.cfg.nice, left)
	limit := 0
	if p > z.maxDist {
		limit = p - z.maxDist
	}
	d := z.d
	best, start := prevLen, -1
	for {
		z.work++
		if d[cur+best] == d[p+best] && d[cur+best-1] == d[p+best-1] && d[cur] == d[p] && d[cur+1] == d[p+1] {
			l := 2 + matchLen(d, p+2, cur+2, maxMatch-2)
			if l > best {
				best, start = l, cur
				if l >= nice {
					break
				}
			}
		}
		cur = int(z.prev[cur&z.wmask])
		if cur <= limit {
			break
		}
		chain--
		if chain == 0 {
			break
		}
	}
	return min(best, left), start
}

// step is one iteration of deflate_slow's loop at p with prev_length
// prevLen: insert p, search (when zlib would), and apply the Z_FILTERED
// and TOO_FAR rules. It returns match_length and match_start (-1: not
// set by this search).
func (z *zlibEmu) step(p, prevLen int) (int, int) {
	z.insertUpTo(p)
	head := z.insert(p)
	z.next = p + 1
	l, s := minMatch-1, -1
	if head != 0 && prevLen < z.cfg.lazy && p-head <= z.maxDist {
		l, s = z.longest(p, head, prevLen)
		if s < 0 {
			// no better match: zlib's match_start is stale, and only
			// its length (prevLen) matters from here on
			l = prevLen
		}
		if l <= 5 && (z.cfg.filtered || (l == minMatch && s >= 0 && p-s > tooFar)) {
			l = minMatch - 1
		}
	}
	return l, s
}

// predict returns zlib's token at the current token start.
func (z *zlibEmu) predict() uint32 {
	t := z.t
	if !z.cfg.slow() {
		z.insertUpTo(t)
		head := z.insert(t)
		z.next = t + 1
		if head != 0 && t-head <= z.maxDist {
			if l, s := z.longest(t, head, minMatch-1); l >= minMatch && s >= 0 {
				return matchTok(l, t-s)
			}
		}
		return uint32(z.d[t])
	}
	if !z.carried {
		z.cl, z.cs = z.step(t, minMatch-1)
		z.carried = true
	}
	z.nl, z.ns = minMatch-1, -1
	if t+1 < z.n {
		z.nl, z.ns = z.step(t+1, z.cl)
	}
	// (cs is the start from the last search that found one; after the
	// stream departed from zlib it may be far: never predict past the
	// window)
	if z.cl >= minMatch && z.nl <= z.cl && z.cs >= 0 && t-z.cs <= z.maxDist {
		return matchTok(z.cl, t-z.cs)
	}
	return uint32(z.d[t])
}

// follow moves past the actual token tok at the current token start
// (predict must have been called there).
func (z *zlibEmu) follow(tok uint32) {
	t := z.t
	if tok&matchFlag == 0 {
		z.t = t + 1
		if z.cfg.slow() {
			// t+1 was searched with prev_length = the length at t; when
			// that search found nothing longer, zlib's match_start is
			// still the one from t
			z.carried, z.cl = true, z.nl
			if z.ns >= 0 {
				z.cs = z.ns
			}
		}
		return
	}
	l := tokLen(tok)
	z.t = t + l
	z.carried = false
	if !z.cfg.slow() && (l > z.cfg.lazy || z.n-z.t < minMatch) {
		// deflate_fast does not insert the positions inside a long match
		z.next = max(z.next, z.t)
	}
}
