package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Model is the unified image+text model: embedding → RMSNorm (x0) → blocks
// (RWKV-7 time-mix, ReLU² channel-mix) → RMSNorm → head rows of the
// sequence's modality → softmax.
type Model struct {
	Cfg    Config
	Vocab  Vocab
	Layout *Layout
	Data   []float32 // all parameters, laid out by Layout
	P      Params    // views into Data

	effLayout *Layout
	eff       []float32 // merged time-mix r/k/v weights; refresh with Prepare
	E         effParams
}

// New allocates a model with zeroed parameters.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	v, _ := NewVocab(cfg.Vocab, cfg.TextVocab)
	m := &Model{Cfg: cfg, Vocab: v}
	m.P = newParams(cfg, v)
	m.Layout = layoutOf(func(f visitFn) { m.P.visit(cfg, v, f) })
	m.Data = make([]float32, m.Layout.Total)
	m.bindP(&m.P, m.Data)
	m.E = newEff(cfg)
	m.effLayout = layoutOf(func(f visitFn) { m.E.visit(cfg, f) })
	m.eff = make([]float32, m.effLayout.Total)
	bind(func(f visitFn) { m.E.visit(cfg, f) }, m.eff)
	return m, nil
}

func (m *Model) bindP(p *Params, buf []float32) {
	bind(func(f visitFn) { p.visit(m.Cfg, m.Vocab, f) }, buf)
}

// Init fills the parameters with the training initialisation and prepares
// the merged weights.
func (m *Model) Init(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	initParams(m.Cfg, &m.P, rng)
	m.Prepare(&GoMatMul{})
}

// Prepare recomputes the merged HiRA weights W + B·A from the parameters.
// Call it after every change of Data, before Forward.
func (m *Model) Prepare(mm MatMul) {
	for l := range m.P.Blocks {
		for s := range m.P.Blocks[l].Sets {
			st, e := &m.P.Blocks[l].Sets[s], &m.E.Sets[l][s]
			st.R.Merge(mm, e.R)
			st.K.Merge(mm, e.K)
			st.V.Merge(mm, e.V)
		}
	}
}

// NumParams returns the number of trained parameters.
func (m *Model) NumParams() int { return m.Layout.Total }

// Grads holds gradients: G has the parameter layout, E the merged-weight
// layout (folded into G by FoldGrads).
type Grads struct {
	Data []float32
	G    Params
	Eff  []float32
	E    effParams
}

// NewGrads allocates a zeroed gradient buffer for m.
func (m *Model) NewGrads() *Grads {
	g := &Grads{Data: make([]float32, m.Layout.Total), Eff: make([]float32, m.effLayout.Total)}
	g.G = newParams(m.Cfg, m.Vocab)
	m.bindP(&g.G, g.Data)
	g.E = newEff(m.Cfg)
	bind(func(f visitFn) { g.E.visit(m.Cfg, f) }, g.Eff)
	return g
}

// Zero clears the gradients.
func (g *Grads) Zero() {
	clear(g.Data)
	clear(g.Eff)
}

// Add adds o into g (fixed element order: deterministic).
func (g *Grads) Add(o *Grads) {
	for i, v := range o.Data {
		g.Data[i] += v
	}
	for i, v := range o.Eff {
		g.Eff[i] += v
	}
}

// FoldGrads moves the merged-weight gradients into the HiRA W, A, B
// gradients (dW += dM, dA += Bᵀ·dM, dB += dM·Aᵀ) and clears g.Eff.
func (m *Model) FoldGrads(mm MatMul, g *Grads) {
	for l := range m.P.Blocks {
		for s := range m.P.Blocks[l].Sets {
			st, gs, e := &m.P.Blocks[l].Sets[s], &g.G.Blocks[l].Sets[s], &g.E.Sets[l][s]
			st.R.ExpandGrad(mm, &gs.R, e.R)
			st.K.ExpandGrad(mm, &gs.K, e.K)
			st.V.ExpandGrad(mm, &gs.V, e.V)
		}
	}
	clear(g.Eff)
}

// Workspace holds the activations of one sequence (one per goroutine).
type Workspace struct {
	MM MatMul

	T       int
	mod     Modality
	set     int
	inputs  []int32
	targets []int32
	emb     []float32 // [T×D]
	x0      []float32
	ln0     NormCache
	xs      [][]float32 // xs[l] = input of block l; xs[L] = final
	xmid    [][]float32
	v1      []float32
	tm      []tmActs
	cm      []cmActs
	hf      []float32
	lnf     NormCache
	probs   []float32 // [T×cnt]
	cnt     int

	// backward scratch
	tms                      tmScratch
	dx, dxmid, dx0, dv1, dh2 []float32
	dhf, dlogits, ffnScratch []float32
}

// NewWorkspace returns a workspace using the given GEMM implementation.
func (m *Model) NewWorkspace(mm MatMul) *Workspace {
	L := m.Cfg.Layers
	return &Workspace{MM: mm, xs: make([][]float32, L+1), xmid: make([][]float32, L),
		tm: make([]tmActs, L), cm: make([]cmActs, L)}
}

// Forward runs the model over one sequence and returns the summed negative
// log-likelihood in nats. Activations are kept for Backward.
func (m *Model) Forward(ws *Workspace, seq Sequence) float64 {
	c, v := m.Cfg, &m.Vocab
	T, D, N := len(seq.Syms), c.D, c.HeadSize
	ws.T, ws.mod = T, seq.Mod
	ws.set = 0
	if c.Switching {
		ws.set = int(seq.Mod)
	}
	ws.inputs = v.Inputs(ws.inputs, seq)
	ws.targets = v.Targets(ws.targets, seq)
	ws.emb = grow(ws.emb, T*D)
	ws.x0 = grow(ws.x0, T*D)
	for t, id := range ws.inputs {
		copy(ws.emb[t*D:t*D+D], m.P.Emb[int(id)*D:int(id)*D+D])
	}
	rmsNormForward(ws.x0, &ws.ln0, ws.emb, m.P.LN0W, T, D, lnEps)
	ws.xs[0] = grow(ws.xs[0], T*D)
	copy(ws.xs[0], ws.x0)
	ws.v1 = grow(ws.v1, T*D)
	for l := range m.P.Blocks {
		b := &m.P.Blocks[l]
		ws.xmid[l] = grow(ws.xmid[l], T*D)
		ws.xs[l+1] = grow(ws.xs[l+1], T*D)
		timeMixForward(ws.MM, l, b, &b.Sets[ws.set], &m.E.Sets[l][ws.set], &ws.tm[l],
			ws.xmid[l], ws.xs[l], ws.x0, ws.v1, T, D, N)
		chanMixForward(ws.MM, b, seq.Mod, &ws.cm[l], ws.xs[l+1], ws.xmid[l], T, D)
	}
	ws.hf = grow(ws.hf, T*D)
	rmsNormForward(ws.hf, &ws.lnf, ws.xs[c.Layers], m.P.LNFW, T, D, lnEps)
	base, cnt := v.OutBase[seq.Mod], v.OutCount[seq.Mod]
	ws.cnt = cnt
	ws.probs = grow(ws.probs, T*cnt)
	ws.MM.NT(ws.probs, ws.hf, m.P.Head[base*D:(base+cnt)*D], T, cnt, D, false)
	var loss float64
	for t := 0; t < T; t++ {
		loss -= logSoftmaxInPlace(ws.probs[t*cnt:(t+1)*cnt], int(ws.targets[t]))
	}
	return loss
}

// logSoftmaxInPlace turns logits into probabilities and returns log p[target].
func logSoftmaxInPlace(z []float32, target int) float64 {
	mx := z[0]
	for _, x := range z {
		mx = max(mx, x)
	}
	var s float64
	for i, x := range z {
		e := math.Exp(float64(x - mx))
		z[i] = float32(e)
		s += e
	}
	lp := math.Log(float64(z[target])) - math.Log(s)
	inv := float32(1 / s)
	for i := range z {
		z[i] *= inv
	}
	return lp
}

// Backward accumulates into g the gradient of scale × (the loss of the last
// Forward on ws).
func (m *Model) Backward(ws *Workspace, g *Grads, scale float32) {
	c, v := m.Cfg, &m.Vocab
	T, D, N := ws.T, c.D, c.HeadSize
	mm := ws.MM
	cnt := ws.cnt
	base := v.OutBase[ws.mod]
	// softmax cross-entropy
	ws.dlogits = grow(ws.dlogits, T*cnt)
	for t := 0; t < T; t++ {
		p, d := ws.probs[t*cnt:(t+1)*cnt], ws.dlogits[t*cnt:(t+1)*cnt]
		for i, pi := range p {
			d[i] = scale * pi
		}
		d[ws.targets[t]] -= scale
	}
	ws.dhf = grow(ws.dhf, T*D)
	linearBackward(mm, nil, g.G.Head[base*D:(base+cnt)*D], ws.dlogits, ws.hf, m.P.Head[base*D:(base+cnt)*D], T, D, cnt)
	mm.NN(ws.dhf, ws.dlogits, m.P.Head[base*D:(base+cnt)*D], T, D, cnt, false)
	for _, p := range []*[]float32{&ws.dx, &ws.dxmid, &ws.dx0, &ws.dv1, &ws.dh2} {
		*p = grow(*p, T*D)
		clear(*p)
	}
	rmsNormBackward(ws.dx, g.G.LNFW, ws.dhf, ws.xs[c.Layers], m.P.LNFW, &ws.lnf, T, D)
	for l := c.Layers - 1; l >= 0; l-- {
		b, gb := &m.P.Blocks[l], &g.G.Blocks[l]
		clear(ws.dxmid)
		chanMixBackward(mm, b, gb, ws.mod, &ws.cm[l], &ws.ffnScratch, ws.dh2, ws.dxmid, ws.dx, ws.xmid[l], T, D)
		clear(ws.dx)
		timeMixBackward(mm, l, b, &b.Sets[ws.set], &m.E.Sets[l][ws.set], &ws.tm[l],
			gb, &gb.Sets[ws.set], &g.E.Sets[l][ws.set], &ws.tms,
			ws.dxmid, ws.dx, ws.dx0, ws.dv1, ws.xs[l], ws.x0, ws.v1, T, D, N)
	}
	// x_0 of block 0 is x0 itself
	for i := 0; i < T*D; i++ {
		ws.dx0[i] += ws.dx[i]
	}
	demb := ws.dx // reuse
	clear(demb)
	rmsNormBackward(demb, g.G.LN0W, ws.dx0, ws.emb, m.P.LN0W, &ws.ln0, T, D)
	for t, id := range ws.inputs {
		row := g.G.Emb[int(id)*D : int(id)*D+D]
		for i, d := range demb[t*D : t*D+D] {
			row[i] += d
		}
	}
}

// String summarises the model.
func (m *Model) String() string {
	return fmt.Sprintf("%v params=%d", m.Cfg, m.NumParams())
}
