package pngre

import (
	"encoding/binary"
	"math/bits"
)

// The reference tokenizer: a deterministic match finder over the filtered
// bytes and an optimal parse under a block's own Huffman code lengths. It
// predicts the real encoder's decisions; the side data codes only where
// the real token stream differs (recon.go).

const (
	hashBits = 16
	window   = 32768
	minMatch = 3
	maxMatch = 258
	// maxChain bounds the candidates looked at per position: the encoder
	// and the decoder must use the same value (it is part of the format).
	maxChain = 48
	inf      = 1 << 28
)

// matcher keeps hash chains over all positions of the data, inserted in
// order: prev links each position to the previous one with the same hash
// of its next 3 bytes.
type matcher struct {
	data []byte
	head []int32
	prev []int32
	next int // positions < next are inserted
}

func newMatcher(data []byte) *matcher {
	m := &matcher{data: data, head: make([]int32, 1<<hashBits), prev: make([]int32, len(data))}
	for i := range m.head {
		m.head[i] = -1
	}
	return m
}

func hash3(b []byte) uint32 {
	v := uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2])
	return (v * 2654435761) >> (32 - hashBits)
}

// insertUpTo inserts every position below p.
func (m *matcher) insertUpTo(p int) {
	for ; m.next < p; m.next++ {
		q := m.next
		if q+minMatch > len(m.data) {
			continue
		}
		h := hash3(m.data[q:])
		m.prev[q] = m.head[h]
		m.head[h] = int32(q)
	}
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
// capped at limit (<= 258).
func (m *matcher) find(p, limit int, out []uint32) []uint32 {
	if limit < minMatch {
		return out
	}
	d := m.data
	best := minMatch - 1
	c := m.head[hash3(d[p:])]
	for steps := 0; c >= 0 && p-int(c) <= window && steps < maxChain; steps++ {
		ci := int(c)
		if d[ci+best] == d[p+best] {
			if l := matchLen(d, ci, p, limit); l > best {
				best = l
				out = append(out, uint32(l)<<16|uint32(p-ci))
				if l == limit {
					break
				}
			}
		}
		c = m.prev[ci]
	}
	return out
}

// costs are a block's code lengths turned into bit costs per length and
// per distance symbol (inf when the block has no code for it).
type costs struct {
	lit  [256]int32
	len  [maxMatch + 1]int32
	dsym [30]int32
}

func newCosts(b *block) *costs {
	c := &costs{}
	for i := range c.lit {
		c.lit[i] = bitsOrInf(b.lit[i], 0)
	}
	for l := minMatch; l <= maxMatch; l++ {
		s := lenSym[l]
		c.len[l] = bitsOrInf(b.lit[257+int(s)], lenExtra[s])
	}
	for s := range c.dsym {
		c.dsym[s] = bitsOrInf(b.dist[s], distExtra[s])
	}
	return c
}

func bitsOrInf(l uint8, extra uint) int32 {
	if l == 0 {
		return inf
	}
	return int32(l) + int32(extra)
}

// plan is the reference tokenizer's view of one block: for every
// position its match records, and the optimal parse's choice from there
// to the block end (0: literal, else length<<16 | distance) with the
// margin cost(best literal path) - cost(best match path), clamped.
type plan struct {
	s, e   int
	off    []int32 // records of position s+i are recs[off[i]:off[i+1]]
	recs   []uint32
	choice []uint32
	margin []int8
}

// newPlan runs the match finder over [s, e) and the backward optimal
// parse under the block's costs.
func newPlan(m *matcher, s, e int, c *costs, pl *plan) {
	n := e - s
	pl.s, pl.e = s, e
	pl.off = append(pl.off[:0], 0)
	pl.recs = pl.recs[:0]
	for p := s; p < e; p++ {
		m.insertUpTo(p)
		pl.recs = m.find(p, min(maxMatch, e-p), pl.recs)
		pl.off = append(pl.off, int32(len(pl.recs)))
	}
	m.insertUpTo(e)
	pl.choice = grow(pl.choice, n)
	pl.margin = growI8(pl.margin, n)
	cost := make([]int64, n+1)
	for i := n - 1; i >= 0; i-- {
		p := s + i
		litc := int64(c.lit[m.data[p]]) + cost[i+1]
		matc, mch := int64(inf), uint32(0)
		prevLen := minMatch - 1
		for _, r := range pl.recs[pl.off[i]:pl.off[i+1]] {
			l, d := int(r>>16), int(r&0xffff)
			dc := c.dsym[distSym(d)]
			if dc < inf {
				for k := prevLen + 1; k <= l; k++ {
					if v := int64(c.len[k]+dc) + cost[i+k]; v < matc {
						matc, mch = v, uint32(k)<<16|uint32(d)
					}
				}
			}
			prevLen = l
		}
		if litc <= matc {
			cost[i], pl.choice[i] = litc, 0
		} else {
			cost[i], pl.choice[i] = matc, mch
		}
		cost[i] = min(cost[i], inf)
		pl.margin[i] = int8(max(-100, min(100, litc-matc)))
	}
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
