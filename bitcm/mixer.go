package bitcm

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
}

func newMixer(n, sets int, lr, w0 int32) *mixer {
	m := &mixer{n: n, w: make([]int32, n*sets), lr: lr, x: make([]int32, n)}
	for i := range m.w {
		m.w[i] = w0
	}
	return m
}

func (m *mixer) add(x int32) { m.x[m.nx] = x; m.nx++ }

// mix computes the output for weight set sel from the inputs added since
// the last update.
func (m *mixer) mix(sel int) int32 {
	m.sel = sel
	w := m.w[sel*m.n : sel*m.n+m.n]
	var s int64
	for i, x := range m.x[:m.nx] {
		s += int64(x) * int64(w[i])
	}
	d := int32(min(max(s>>16, -2047), 2047))
	m.dot = d
	m.pr = squash(d)
	return d
}

// update trains the selected weights on bit y and clears the inputs.
func (m *mixer) update(y int) {
	err := (int32(y)<<12 - m.pr) * m.lr
	w := m.w[m.sel*m.n : m.sel*m.n+m.n]
	for i, x := range m.x[:m.nx] {
		w[i] += (x*err + 1<<13) >> 14
	}
	m.nx = 0
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
	a := &apm{t: make([]uint16, contexts*33), rate: rate}
	for c := 0; c < contexts; c++ {
		for j := 0; j < 33; j++ {
			a.t[c*33+j] = uint16(squash(int32(j-16)*128) * 16)
		}
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
