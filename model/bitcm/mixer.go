package bitcm

import "github.com/dcar-archiver/dcar/internal/cacheline"

// A mixer combines n predictions in the logistic domain: p = squash(Σ
// w_i·x_i) with x_i = stretch(p_i), one weight vector per selector value,
// trained online by gradient descent on coding cost (the gradient of
// -log2 p(y) with respect to w_i is proportional to (y - p)·x_i).
//
// Weights are 16.16 fixed point; the dot product is exact in int64 and
// every shift is an arithmetic (flooring) shift, so the result is the
// same on every machine.
type mixer struct {
	n   int
	w   []int32 // sets × n
	lr  int32   // learning rate (error scale)
	x   []int32 // inputs of the current bit
	nx  int
	sel int   // weight set of the current bit
	pr  int32 // its output probability (12 bits)
	dot int32 // its output logit
	// wide: the output logit spans ±wideMax and pr16 is its 16-bit
	// probability, which the mixer trains on instead of pr (a final
	// mixer whose output goes to the coder).
	wide bool
	pr16 int32
	lr16 int32 // a wide mixer's learning rate in 1/16
	// pad: n is a multiple of bankLanes, the inputs past the ones
	// added are zero, and mix and update run over all n with mixDot
	// and mixTrain (a zero input adds nothing and moves no weight).
	pad bool
}

const maxWeight = 1 << 26

// output turns a mixer's dot product (inputs × 16.16 weights) into its
// logit, clamped to the stretch domain.
func output(s int64) int32 { return int32(min(max(s>>16, -2047), 2047)) }

// step is one weight's gradient step for input x and scaled error e,
// bounded so that no input can drive a weight to overflow.
func step(w, x, e int32) int32 { return min(max(w+(x*e+1<<13)>>14, -maxWeight), maxWeight) }

func newMixer(n, sets int, lr, w0 int32) *mixer {
	m := cacheline.New[mixer]()
	m.n, m.w, m.lr, m.x = n, make([]int32, n*sets), lr, cacheline.Make[int32](n)
	for i := range m.w {
		m.w[i] = w0
	}
	return m
}

// newPaddedMixer is newMixer with n rounded up to a multiple of
// bankLanes, for the vector kernels; its outputs are newMixer's.
func newPaddedMixer(n, sets int, lr, w0 int32) *mixer {
	m := newMixer((n+bankLanes-1)/bankLanes*bankLanes, sets, lr, w0)
	m.pad = true
	return m
}

func (m *mixer) add(x int32) { m.x[m.nx] = x; m.nx++ }

// mix computes the output for weight set sel from the inputs added since
// the last update.
func (m *mixer) mix(sel int) int32 {
	m.sel = sel
	w := m.w[sel*m.n : sel*m.n+m.n]
	var s int64
	if m.pad {
		s = mixDot(m.x, w)
	} else {
		for i, x := range m.x[:m.nx] {
			s += int64(x) * int64(w[i])
		}
	}
	if m.wide {
		m.dot = int32(min(max(s>>16, -wideMax), wideMax))
		m.pr16 = squash16(m.dot)
		return m.dot
	}
	m.dot = output(s)
	m.pr = squash(m.dot)
	return m.dot
}

// update trains the selected weights on bit y and clears the inputs.
func (m *mixer) update(y int) {
	err := (int32(y)<<12 - m.pr) * m.lr
	if m.wide {
		err = ((int32(y)<<16 - m.pr16) * m.lr16) >> 8
	}
	w := m.w[m.sel*m.n : m.sel*m.n+m.n]
	if m.pad {
		mixTrain(m.x, w, err)
	} else {
		for i, x := range m.x[:m.nx] {
			w[i] = step(w[i], x, err)
		}
	}
	m.nx = 0
}

// A bank is 4 mixers over the same inputs, each with its own weight
// sets and selector: one pass over the inputs computes all four outputs,
// one more trains them (bankDot and bankTrain, the model's hottest code,
// with an AVX2 twin on amd64). Each mixer's arithmetic is that of mixer,
// through the same output and step. Inputs and weight sets are padded
// with zeros to a multiple of 8 (bankLanes): a zero input adds nothing
// to a dot product and moves no weight.
type bank struct {
	n    int        // inputs per bit, padded
	w    [4][]int32 // per mixer: sets × n
	lr16 int32      // learning rate in 1/16 (set by the model as the segment goes on)
	x    []int32    // the bit's inputs, then zeros
	nx   int
	sw   [4][]int32 // per mixer: the selected weight set
	pr   [4]int32   // per mixer: output probability
	dot  [4]int32   // per mixer: output logit
}

const bankLanes = 8

func newBank(n int, sets [4]int, lr, w0 int32) *bank {
	n = (n + bankLanes - 1) / bankLanes * bankLanes
	b := cacheline.New[bank]()
	b.n, b.lr16, b.x = n, lr*16, cacheline.Make[int32](n)
	for j, s := range sets {
		b.w[j] = make([]int32, n*s)
		for i := range b.w[j] {
			b.w[j][i] = w0
		}
	}
	return b
}

func (b *bank) add(x int32) { b.x[b.nx] = x; b.nx++ }

// mix computes every mixer's output; sel[j] is mixer j's weight set.
// The model adds the same number of inputs for every bit, so the
// padding stays zero.
func (b *bank) mix(sel [4]int) {
	for j, s := range sel {
		b.sw[j] = b.w[j][s*b.n : s*b.n+b.n]
	}
	s := bankDot(b.x, b.sw[0], b.sw[1], b.sw[2], b.sw[3])
	for j := range s {
		b.dot[j] = output(s[j])
		b.pr[j] = squash(b.dot[j])
	}
}

// update trains every mixer's selected weights on bit y and clears the
// inputs.
func (b *bank) update(y int) {
	var e [4]int32
	for j := range e {
		e[j] = ((int32(y)<<12 - b.pr[j]) * b.lr16) >> 4
	}
	bankTrain(b.x, b.sw[0], b.sw[1], b.sw[2], b.sw[3], e)
	b.nx = 0
}

// An apm (adaptive probability map, secondary estimation) refines a
// probability given a small context: for each context it holds a
// piecewise-linear map over 33 points of the stretch domain, interpolated
// on the way in and trained at the nearer point on the way out.
type apm struct {
	t    []uint16 // contexts × 33, 16-bit probabilities
	idx  int
	rate uint
}

func newAPM(contexts int, rate uint) *apm {
	a := cacheline.New[apm]()
	a.t, a.rate = make([]uint16, contexts*33), rate
	// Every context starts as the identity map: one row, copied (a map
	// over 65536 contexts is built for every segment).
	row := a.t[:33]
	for j := range row {
		row[j] = uint16(squash(int32(j-16)*128) * 16)
	}
	for c := 33; c < len(a.t); c += 33 {
		copy(a.t[c:c+33], row)
	}
	return a
}

// refine returns the mapped 12-bit probability of pr in context cx.
func (a *apm) refine(pr int32, cx int) int32 {
	s := stretch(pr) + 2048 // 1..4095
	lo, w := int(s>>7), s&127
	i := cx*33 + lo
	a.idx = i + int(w>>6)
	return (int32(a.t[i])*(128-w) + int32(a.t[i+1])*w) >> 11
}

func (a *apm) update(y int) {
	g := int32(y<<16) + int32(y<<a.rate) - int32(y) - int32(y)
	t := int32(a.t[a.idx])
	a.t[a.idx] = uint16(t + (g-t)>>a.rate)
}
