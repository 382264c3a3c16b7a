package bitcm

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/internal/cacheline"
)

// SymbolModel codes 8-bit symbols (the sub-pixels of an image) bit by
// bit, most significant first, each bit predicted by mixing:
//
//   - a prior: a distribution over the 256 values that the caller
//     supplies for each symbol (package model's learned pixel model),
//     turned into the probability of each binary decision given the bits
//     already coded (the mass of the values that agree with them);
//   - hashed contexts the caller computes for each symbol (exact values
//     of neighbours, of the pixel's other channels, quantised
//     predictions), each with the nibble lines, nodes and history maps of
//     the byte model;
//   - an order-0 table per selector.
//
// The mixer bank's weight sets are selected by the partial symbol, the
// prior's confidence, the caller's selector and the node state of the
// first context; a final mixer weighs the four, its logit spanning ±16
// and its probability 16-bit, so that a certain decision costs 0.00002
// bits rather than the 12-bit floor's 0.00035 (3-5 % on flat-colour
// graphics). There are no probability maps after it: the byte model's two cost 25 % on
// flat-colour graphics (their output cannot get closer to 0 than
// 127/65536) for 0.08 % on photos (docs/ABLATIONS.md). Encoder and
// decoder drive identical models; all arithmetic is integer.
type SymbolModel struct {
	nctx  int
	tabs  [][]node
	buf   *[]node      // the tables' allocation, for Release
	base  *SymbolModel // lines not in tabs are taken from base's (NewSymbolModelOver), or nil
	line  []int
	heads []lineHeads
	hash  []uint32
	tbits uint
	hms   []historyMap
	o0    []node // selector × 256

	c0    uint32 // the current symbol's bits so far with a leading 1
	bit   uint
	sel   int // the caller's selector for the current symbol (< SymbolSelectors)
	prior *coder.FreqTable

	mixers *bank
	msel   [4]int
	final  *mixer
	pr     int32 // P(1) of the current decision, 16 bits (1..65535)
	nodes  []*node
	cfg    SymbolConfig
	n      int // symbols begun
}

// SymbolSelectors is the number of selector values a caller may pass.
const SymbolSelectors = 64

// SymbolConfig tunes a SymbolModel; its values are part of the coded
// format (a decoder must use the encoder's).
type SymbolConfig struct {
	TableBits uint   // at most 2^TableBits lines per context
	Limit     uint32 // counter visit limit (1..255)
	MixLR     int32  // mixer bank learning rate at the start
	MixLREnd  int32  // ... towards which it decays
	MixDecay  int32  // symbols after which it is half way
	FinalLR   int32  // final mixer learning rate at the start
	// FinalLREnd, if > 0: the final mixer's rate decays from FinalLR
	// towards it as the mixer bank's does (half way after MixDecay).
	FinalLREnd int32
}

// DefaultSymbolConfig is the configuration of the pixel codecs.
var DefaultSymbolConfig = SymbolConfig{TableBits: 20, Limit: 255, MixLR: 7, MixLREnd: 2, MixDecay: 1 << 17, FinalLR: 6, FinalLREnd: 3}

// The mixers' starting weights: the bank's, and the final mixer's (an
// even share of its four mixers and the prior).
const (
	bankW0  = 1 << 13
	finalW0 = 65536 / 5
)

// NewSymbolModel returns a model for about n symbols with nctx hashed
// contexts per symbol.
func NewSymbolModel(n, nctx int, cfg SymbolConfig) *SymbolModel {
	cfg.Limit = min(max(cfg.Limit, 1), 255)
	m := cacheline.New[SymbolModel]() // written at every bit (cacheline)
	m.nctx, m.c0, m.cfg = nctx, 1, cfg
	m.tbits = uint(min(max(bitsFor(n)-2, 10), int(cfg.TableBits)))
	m.tabs, m.buf = allocTables(nctx, lineLen<<m.tbits)
	m.line = cacheline.Make[int](nctx)
	m.heads = cacheline.Make[lineHeads](nctx)
	m.hash = cacheline.Make[uint32](nctx)
	m.hms = cacheline.Make[historyMap](nctx + 1)
	for i := range m.hms {
		m.hms[i].init()
	}
	m.o0 = cacheline.Make[node](SymbolSelectors * 256)
	for i := range m.o0 {
		m.o0[i] = nodeInit
	}
	nIn := 2*(nctx+1) + 2 + 1 // contexts and order 0 (two each), the prior (two), bias
	m.mixers = newBank(nIn, [4]int{256, 16 * 8, SymbolSelectors * 8, 4 * 8 * 16}, cfg.MixLR, bankW0)
	m.final = newMixer(len(m.msel)+2, 256, cfg.FinalLR, finalW0)
	m.final.wide, m.final.lr16 = true, cfg.FinalLR*16
	m.nodes = cacheline.Make[*node](nctx + 1)[:0]
	return m
}

// Begin starts a symbol: its context hashes (len = nctx), its prior
// (a table over 256 values) and the caller's selector (0..63).
func (m *SymbolModel) Begin(ctx []uint32, prior *coder.FreqTable, sel int) {
	copy(m.hash, ctx)
	m.prior, m.sel = prior, sel
	m.c0, m.bit = 1, 0
	m.n++
	if m.n&255 == 0 {
		m.schedule()
	}
	m.nibble()
	m.predict()
}

// schedule sets the mixers' learning rates for the m.n-th symbol:
// young weights need large steps, settled ones small.
func (m *SymbolModel) schedule() {
	c := m.cfg
	if c.MixLREnd <= 0 {
		return
	}
	a, e, k := int64(c.MixLR)*16, int64(c.MixLREnd)*16, int64(c.MixDecay)
	m.mixers.lr16 = int32(e + (a-e)*k/(k+int64(m.n)))
	if c.FinalLREnd > 0 {
		a, e := int64(c.FinalLR)*16, int64(c.FinalLREnd)*16
		m.final.lr16 = int32(e + (a-e)*k/(k+int64(m.n)))
	}
}

// P0 is the probability that the next bit is 0, in the coder's 16 bits.
func (m *SymbolModel) P0() uint16 { return uint16(65536 - m.pr) }

// Update records bit y of the current symbol.
func (m *SymbolModel) Update(y int) {
	for i, c := range m.nodes {
		update(c, y, m.cfg.Limit)
		m.hms[i].learn(y)
	}
	m.mixers.update(y)
	m.final.update(y)
	m.c0 = m.c0<<1 | uint32(y)
	m.bit++
	if m.bit == 8 {
		return // the next Begin goes on
	}
	if m.bit == 4 {
		m.nibble()
	}
	m.predict()
}

// nibble finds every context's line for the nibble that starts now (the
// byte model's scheme: a pair of lines per hash, the matching or the less
// visited one).
func (m *SymbolModel) nibble() {
	mask := uint32(1)<<m.tbits - 1
	for i, h := range m.hash {
		k := hash32(h, m.c0)
		a := int((k & mask &^ 1) * lineLen)
		t := m.tabs[i][a : a+2*lineLen]
		m.heads[i] = lineHeads{a, k>>16 | 1, t[0], t[lineLen]}
	}
	for i, hd := range m.heads {
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
			if m.base != nil && m.base.fetch(i, hash32(m.hash[i], m.c0), chk, t[a:a+lineLen]) {
				break
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

// priorP1 is the prior's 12-bit probability that the next bit is 1: the
// mass of the values whose leading bits are c0's and whose next bit is 1,
// over the mass of the values whose leading bits are c0's.
func (m *SymbolModel) priorP1() int32 { return priorP1(m.prior, m.c0, m.bit) }

// priorP1 is the 12-bit probability under t that the next bit is 1,
// given c0, the symbol's bit so far (bit of them) with a leading 1.
func priorP1(t *coder.FreqTable, c0 uint32, bit uint) int32 {
	k := 8 - bit // bits left, including this one
	lo := int(c0&(1<<bit-1)) << k
	mid, hi := lo+1<<(k-1), lo+1<<k
	all := int64(t.Cum(hi-1) + t.Freq(hi-1) - t.Cum(lo))
	one := int64(t.Cum(hi-1) + t.Freq(hi-1) - t.Cum(mid))
	return int32(min(max((one<<12+all/2)/all, 1), 4095))
}

func (m *SymbolModel) predict() {
	j := m.bit & 3
	nd := int(1<<j | m.c0&(1<<j-1))
	m.nodes = m.nodes[:0]
	for i, a := range m.line {
		m.nodes = append(m.nodes, &m.tabs[i][a+nd])
	}
	m.nodes = append(m.nodes, &m.o0[m.sel<<8|int(m.c0)])
	x := m.mixers
	for i, c := range m.nodes {
		x.add(stretch(p12(*c)))
		x.add(m.hms[i].predict(hist(*c)))
	}
	sp := stretch(m.priorP1())
	x.add(sp)
	x.add(sp / 4)
	x.add(256)
	conf := int(min(abs32(sp)>>7, 15)) // the prior's confidence, 0..15
	h0 := hist(*m.nodes[0])
	seen := 0
	if h0 != 0 {
		seen = 1 + min(h0>>4, 1) + min(h0&15, 1)
	}
	b := int(m.bit)
	m.msel = [4]int{int(m.c0), conf<<3 | b, m.sel<<3 | b, (seen<<3|b)<<4 | conf}
	x.mix(m.msel)
	f := m.final
	for _, d := range x.dot {
		f.add(d)
	}
	f.add(sp)
	f.add(256)
	f.mix(int(m.c0))
	m.pr = f.pr16 // 1..65535
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

// EncodeSymbol codes v with enc: Begin, then its 8 bits.
func (m *SymbolModel) EncodeSymbol(enc *coder.Encoder, v byte, ctx []uint32, prior *coder.FreqTable, sel int) {
	m.Begin(ctx, prior, sel)
	for i := 7; i >= 0; i-- {
		y := int(v>>i) & 1
		enc.EncodeBit(m.P0(), y)
		m.Update(y)
	}
}

// DecodeSymbol decodes a symbol coded by EncodeSymbol with the same
// contexts, prior and selector.
func (m *SymbolModel) DecodeSymbol(dec *coder.Decoder, ctx []uint32, prior *coder.FreqTable, sel int) byte {
	m.Begin(ctx, prior, sel)
	for range 8 {
		m.Update(dec.DecodeBit(m.P0()))
	}
	return byte(m.c0)
}

// HashContext mixes words into a context hash (for callers building
// SymbolModel contexts).
func HashContext(tag uint32, v ...uint32) uint32 {
	h := tag * 0x9E3779B1
	for _, x := range v {
		h = hash32(h, x)
	}
	return h
}
