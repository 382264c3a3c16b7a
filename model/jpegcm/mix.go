package jpegcm

import (
	"github.com/dcar-archiver/dcar/coder"
	"github.com/dcar-archiver/dcar/model/logistic"
)

// A counter is an adaptive probability of a 1 for one context: bits
// 31..16 P(1) in 1/65536, bits 7..0 the number of updates so far
// (saturating at counterLimit). Its step is 1/(n+1.5): a new context
// learns from its first bits almost fully, an old one averages over the
// last ~counterLimit.
type counter = uint32

const (
	counterInit  counter = 1 << 31
	counterLimit         = 255
)

// rate[n] = 65536/(n+1.5).
var rate [256]int32

func init() {
	for n := range rate {
		rate[n] = int32(131072 / (2*n + 3))
	}
}

// A table is a context table: the offset of its first counter in the
// model's arena (one allocation for all tables, so that a decision's
// inputs are indexes, not pointers the garbage collector must track).
type table = int32

// alloc reserves a table of n counters; allocDone makes the arena.
func (m *Model) alloc(n int) table {
	t := table(m.arenaSize)
	m.arenaSize += n
	return t
}

func (m *Model) allocDone() {
	m.b.arena = make([]counter, m.arenaSize)
	for i := range m.b.arena {
		m.b.arena[i] = counterInit
	}
}

// maxInputs bounds the contexts of one decision.
const maxInputs = 8

// mixer combines the stretched probabilities of a decision's contexts
// with one weight vector per selector value (16.16 fixed point), trained
// online on coding cost. The bias input is a constant.
type mixer struct {
	n  int // inputs including the bias
	w  []int32
	lr int32
	// cost accumulates the coded bits when measuring is set (tests).
	cost float64
}

// measuring makes every mixer add up the cost of its decisions.
var measuring bool

// bitCost is set by the tests: the cost in bits of coding y at P(1) = p/65536.
var bitCost = func(p int32, y int) float64 { return 0 }

func newMixer(inputs, sets int, lr int32) *mixer {
	n := inputs + 1
	m := &mixer{n: n, w: make([]int32, n*sets), lr: lr}
	for i := range m.w {
		if i%n < inputs {
			m.w[i] = int32((1 << 16) * 3 / (inputs * 2))
		} else {
			m.w[i] = 0
		}
	}
	return m
}

// bitCoder codes the binary decisions of the model with the range coder:
// with an encoder it codes the given bit, with a decoder it returns the
// decoded one. Encoder and decoder run the same predictions and updates.
type bitCoder struct {
	enc   *coder.Encoder
	dec   *coder.Decoder
	arena []counter
	c     [maxInputs]int32 // the inputs' counters: indexes into arena
	x     [maxInputs + 1]int32
	n     int
	a     *apm   // refines the next decision's probability if set
	ai    int    // in this row
	m2    *mixer // a second weight set for the next decision, if set
	s2    int
}

// also sets a second mixer and weight set for the next decision: the
// decision's logit is the mean of both mixers' (each trained on its own).
func (b *bitCoder) also(m *mixer, sel int) { b.m2, b.s2 = m, sel }

// An apm (adaptive probability map) refines a mixed probability in a
// small context: per row, 33 points over the logit domain ±2048 hold
// P(1) in 1/65536, interpolated on the way in; the nearer point learns.
type apm struct {
	t []uint16
}

func newAPM(rows int) *apm {
	a := &apm{t: make([]uint16, rows*33)}
	for r := range rows {
		for j := range 33 {
			a.t[r*33+j] = uint16(min(max(logistic.Squash16(int32(j-16)*128), 1), 65535))
		}
	}
	return a
}

// sse sets the apm row refining the next decision.
func (b *bitCoder) sse(a *apm, row int) { b.a, b.ai = a, row }

const apmRate = 6

// ctx adds counter i of table t as an input of the next decision.
func (b *bitCoder) ctx(t table, i int) { b.c[b.n] = t + int32(i); b.n++ }

const biasInput = 256

// code codes bit y (ignored when decoding) with the inputs added since
// the last call, mixed with m's weight set sel, and returns the bit.
func (b *bitCoder) code(y int, m *mixer, sel int) int {
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
	if b.dec != nil {
		y = b.dec.DecodeBit(uint16(65536 - p))
	} else {
		b.enc.EncodeBit(uint16(65536-p), y)
	}
	if a != nil {
		t := int32(a.t[ai])
		a.t[ai] = uint16(t + ((int32(y)<<16-int32(y))-t)>>apmRate)
	}
	if measuring {
		m.cost += bitCost(p, y)
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

// report is set by the tests to collect the mixers' costs.
var report = func(*Model) {}
