// Package cm holds the primitives of dcar's context-mixing models for
// structured data (JPEG coefficients, 16-bit samples): adaptive counters
// kept in one arena, mixers with selectable weight sets, adaptive
// probability maps, and a Coder that runs one binary decision through
// them and the range coder. Everything is integer arithmetic, so an
// encoder and a decoder on any machine compute the same probabilities.
//
// A model allocates its context tables from a Coder (Alloc, then
// AllocDone), and codes each decision by naming its inputs (Ctx), an
// optional second weight set (Also) and an optional APM row (SSE), then
// calling Code. Encoder and decoder make the same calls in the same
// order; Code returns the coded bit on both sides.
package cm

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/logistic"
)

// A Counter is an adaptive probability of a 1 for one context: bits
// 31..16 P(1) in 1/65536, bits 7..0 the number of updates so far
// (saturating at counterLimit). Its step is 1/(n+1.5): a new context
// learns from its first bits almost fully, an old one averages over the
// last ~counterLimit.
type Counter = uint32

const (
	counterInit  Counter = 1 << 31
	counterLimit         = 255
)

// rate[n] = 65536/(n+1.5).
var rate [256]int32

func init() {
	for n := range rate {
		rate[n] = int32(131072 / (2*n + 3))
	}
}

// A Table is a context table: the offset of its first counter in the
// Coder's arena (one allocation for all tables, so that a decision's
// inputs are indexes, not pointers the garbage collector must track).
type Table = int32

// MaxInputs bounds the contexts of one decision.
const MaxInputs = 8

// Mixer combines the stretched probabilities of a decision's contexts
// with one weight vector per selector value (16.16 fixed point), trained
// online on coding cost. The bias input is a constant.
type Mixer struct {
	n  int // inputs including the bias
	w  []int32
	lr int32
	// Cost adds up the coded bits of the mixer's decisions when the
	// Coder has a Measure function (tests and measurements).
	Cost float64
}

// NewMixer returns a mixer of the given number of inputs (without the
// bias), sets weight vectors, and learning rate lr (12 is a good start).
func NewMixer(inputs, sets int, lr int32) *Mixer {
	n := inputs + 1
	m := &Mixer{n: n, w: make([]int32, n*sets), lr: lr}
	for i := range m.w {
		if i%n < inputs {
			m.w[i] = int32((1 << 16) * 3 / (inputs * 2))
		}
	}
	return m
}

// An APM (adaptive probability map) refines a mixed probability in a
// small context: per row, 33 points over the logit domain ±2048 hold
// P(1) in 1/65536, interpolated on the way in; the nearer point learns.
type APM struct {
	t []uint16
}

// NewAPM returns an APM of rows contexts, each starting as the identity.
func NewAPM(rows int) *APM {
	a := &APM{t: make([]uint16, rows*33)}
	for r := range rows {
		for j := range 33 {
			a.t[r*33+j] = uint16(min(max(logistic.Squash16(int32(j-16)*128), 1), 65535))
		}
	}
	return a
}

const apmRate = 6

// Coder codes the binary decisions of a model with the range coder: with
// Enc set it codes the given bit, with Dec set it returns the decoded
// one. Encoder and decoder run the same predictions and updates.
type Coder struct {
	Enc *coder.Encoder
	Dec *coder.Decoder
	// Measure, if set, is the cost in bits of coding y at P(1) =
	// p/65536; every mixer then adds up its decisions' costs.
	Measure func(p int32, y int) float64

	arena []Counter
	size  int
	c     [MaxInputs]int32 // the inputs' counters: indexes into arena
	x     [MaxInputs + 1]int32
	n     int
	a     *APM   // refines the next decision's probability if set
	ai    int    // in this row
	m2    *Mixer // a second weight set for the next decision, if set
	s2    int
}

// Alloc reserves a table of n counters; AllocDone makes the arena once
// every table is reserved.
func (b *Coder) Alloc(n int) Table {
	t := Table(b.size)
	b.size += n
	return t
}

// AllocDone allocates the arena with every counter at P(1) = 1/2.
func (b *Coder) AllocDone() {
	b.arena = make([]Counter, b.size)
	for i := range b.arena {
		b.arena[i] = counterInit
	}
}

// Ctx adds counter i of table t as an input of the next decision.
func (b *Coder) Ctx(t Table, i int) { b.c[b.n] = t + int32(i); b.n++ }

// Also sets a second mixer and weight set for the next decision: the
// decision's logit is the mean of both mixers' (each trained on its own).
func (b *Coder) Also(m *Mixer, sel int) { b.m2, b.s2 = m, sel }

// SSE sets the APM row refining the next decision.
func (b *Coder) SSE(a *APM, row int) { b.a, b.ai = a, row }

const biasInput = 256

// Code codes bit y (ignored when decoding) with the inputs added since
// the last call, mixed with m's weight set sel, and returns the bit.
func (b *Coder) Code(y int, m *Mixer, sel int) int {
	n := b.n
	w := m.w[sel*m.n : sel*m.n+m.n]
	var s int64
	for i := range n {
		x := logistic.Stretch(int32(b.arena[b.c[i]] >> 20))
		b.x[i] = x
		s += int64(x) * int64(w[i])
	}
	b.x[n] = biasInput
	s += biasInput * int64(w[m.n-1])
	dot := int32(min(max(s>>16, -logistic.WideMax), logistic.WideMax))
	pm := logistic.Squash16(dot) // P(1), 1..65535
	m2 := b.m2
	var w2 []int32
	var pm2 int32
	if m2 != nil {
		w2 = m2.w[b.s2*m2.n : b.s2*m2.n+m2.n]
		var s2 int64
		for i := range n + 1 {
			s2 += int64(b.x[i]) * int64(w2[i])
		}
		dot2 := int32(min(max(s2>>16, -logistic.WideMax), logistic.WideMax))
		pm2 = logistic.Squash16(dot2)
		dot = (dot + dot2) >> 1
		b.m2 = nil
	}
	p := logistic.Squash16(dot)
	var ai int
	a := b.a
	if a != nil {
		x := min(max(dot, -2047), 2047) + 2048 // 1..4095
		lo, f := int(x>>7), x&127
		ai = b.ai*33 + lo
		pa := (int32(a.t[ai])*(128-f) + int32(a.t[ai+1])*f) >> 7
		p = min(max((pm+3*pa)>>2, 1), 65535)
		ai += int(f >> 6)
		b.a = nil
	}
	if b.Dec != nil {
		y = b.Dec.DecodeBit(uint16(65536 - p))
	} else {
		b.Enc.EncodeBit(uint16(65536-p), y)
	}
	if a != nil {
		t := int32(a.t[ai])
		a.t[ai] = uint16(t + ((int32(y)<<16-int32(y))-t)>>apmRate)
	}
	if b.Measure != nil {
		m.Cost += b.Measure(p, y)
	}
	e := (int32(y)<<16 - int32(y) - pm) >> 4 * m.lr // 12-bit error × rate
	for i := range n {
		w[i] = min(max(w[i]+(b.x[i]*e+1<<13)>>14, -1<<22), 1<<22)
		c := &b.arena[b.c[i]]
		v := *c
		k := v & 255
		q := int64(v >> 16)
		q += (int64(y)<<16 - int64(y) - q) * int64(rate[k]) >> 16
		if k < counterLimit {
			k++
		}
		*c = uint32(q)<<16 | k
	}
	w[m.n-1] = min(max(w[m.n-1]+(biasInput*e+1<<13)>>14, -1<<22), 1<<22)
	if m2 != nil {
		e2 := (int32(y)<<16 - int32(y) - pm2) >> 4 * m2.lr
		for i := range n + 1 {
			w2[i] = min(max(w2[i]+(b.x[i]*e2+1<<13)>>14, -1<<22), 1<<22)
		}
	}
	b.n = 0
	return y
}
