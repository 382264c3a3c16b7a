package train

import (
	"math"
	"math/rand/v2"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/dcar-archiver/dcar/model/kernel"
)

const ln2 = math.Ln2

// biasToNat converts imgctx logits (log2, 8 fractional bits) to nats.
const biasToNat = ln2 / 256

// Config is the network shape.
type Config struct {
	H   int  // hidden size (multiple of HeadN when Rec)
	Rec bool // RWKV-7-style time-mix after the first layer
	// Text makes this the text modality's network: NFT inputs plus the
	// previous byte's row of the token table E, and the NOutT-wide text
	// head (renderText) instead of the image render.
	Text bool
	// Start adds a learned modality start vector St: the token shift's
	// "previous token" at a sequence start (zero without it).
	Start bool
}

// nf returns the input width of the modality.
func (c Config) nf() int {
	if c.Text {
		return model.NFT
	}
	return model.NF
}

// nout returns the head width of the modality.
func (c Config) nout() int {
	if c.Text {
		return model.NOutT
	}
	return model.NOut
}

// Net is the parameter vector with named views.
type Net struct {
	Cfg Config
	P   []float32
	// views into P
	W1, B1, W2, B2, W3, B3                []float32
	E, St                                 []float32 // text token rows (256×H), start vector (H)
	MuR, MuK, MuV, Wr, Wk, Wv, Wo, W0, A0 []float32
	decayMask                             []bool // true: apply weight decay
}

type span struct {
	p    *[]float32
	n    int
	wd   bool
	name string
}

func (n *Net) spans() []span {
	H := n.Cfg.H
	s := []span{{&n.W1, H * n.Cfg.nf(), true, "W1"}, {&n.B1, H, false, "B1"}}
	if n.Cfg.Text {
		s = append(s, span{&n.E, 256 * H, true, "E"})
	}
	if n.Cfg.Start {
		s = append(s, span{&n.St, H, false, "St"})
	}
	if n.Cfg.Rec {
		s = append(s, span{&n.MuR, H, false, "MuR"}, span{&n.MuK, H, false, "MuK"}, span{&n.MuV, H, false, "MuV"},
			span{&n.Wr, H * H, true, "Wr"}, span{&n.Wk, H * H, true, "Wk"}, span{&n.Wv, H * H, true, "Wv"}, span{&n.Wo, H * H, true, "Wo"},
			span{&n.W0, H, false, "W0"}, span{&n.A0, H, false, "A0"})
	}
	s = append(s, span{&n.W2, H * H, true, "W2"}, span{&n.B2, H, false, "B2"}, span{&n.W3, n.Cfg.nout() * H, true, "W3"}, span{&n.B3, n.Cfg.nout(), false, "B3"})
	return s
}

// NewNet allocates a network. The head starts at zero, so the network
// starts as "imgctx exactly".
func NewNet(cfg Config, seed uint64) *Net {
	n := &Net{Cfg: cfg}
	sp := n.spans()
	tot := 0
	for _, s := range sp {
		tot += s.n
	}
	n.P = make([]float32, tot)
	n.decayMask = make([]bool, tot)
	n.bind(n.P)
	o := 0
	for _, s := range sp {
		for i := 0; i < s.n; i++ {
			n.decayMask[o+i] = s.wd
		}
		o += s.n
	}
	rng := rand.New(rand.NewPCG(seed, 0x1d))
	H := cfg.H
	gauss := func(w []float32, std float64) {
		for i := range w {
			w[i] = float32(rng.NormFloat64() * std)
		}
	}
	gauss(n.W1, math.Sqrt(2.0/float64(cfg.nf())))
	gauss(n.E, 0.1)
	gauss(n.W2, math.Sqrt(2.0/float64(H)))
	if cfg.Rec {
		for i := 0; i < H; i++ {
			n.MuR[i], n.MuK[i], n.MuV[i] = 0.5, 0.5, 0.5
			// decays from fast to slow across channels
			n.W0[i] = float32(-3 + 6*float64(i%model.HeadN)/float64(model.HeadN-1))
		}
		gauss(n.Wr, math.Sqrt(1.0/float64(H)))
		gauss(n.Wk, math.Sqrt(1.0/float64(H)))
		gauss(n.Wv, math.Sqrt(1.0/float64(H)))
	}
	return n
}

// bind points the views at p (same layout as n.P).
func (n *Net) bind(p []float32) {
	o := 0
	for _, s := range n.spans() {
		*s.p = p[o : o+s.n : o+s.n]
		o += s.n
	}
}

// view returns a Net whose views alias p (for gradients).
func (n *Net) view(p []float32) *Net {
	g := &Net{Cfg: n.Cfg, P: p}
	g.bind(p)
	return g
}

func sigm(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// Batch is a set of sequences gathered from a Set: rows in order, a new
// sequence begins where First is true.
type Batch struct {
	R     int
	X     []float32 // R*NF (text: R*NFT)
	Aux   []float32 // R*NAux (images)
	Prev  []uint8   // R (text)
	Bias  []int16   // R*256
	Tgt   []uint8
	First []bool
}

// Gather appends rows [from, from+n) of s as one sequence.
func (b *Batch) Gather(s *Set, from, n int) {
	nf := s.nf()
	b.X = append(b.X, s.Feat[from*nf:(from+n)*nf]...)
	if s.Prev != nil {
		b.Prev = append(b.Prev, s.Prev[from:from+n]...)
	} else {
		b.Aux = append(b.Aux, s.Aux[from*NAux:(from+n)*NAux]...)
	}
	b.Bias = append(b.Bias, s.Bias[from*256:(from+n)*256]...)
	b.Tgt = append(b.Tgt, s.Tgt[from:from+n]...)
	for i := 0; i < n; i++ {
		b.First = append(b.First, i == 0)
	}
	b.R += n
}

// Reset empties the batch, keeping its storage.
func (b *Batch) Reset() {
	b.R = 0
	b.X, b.Aux, b.Bias, b.Tgt, b.First, b.Prev = b.X[:0], b.Aux[:0], b.Bias[:0], b.Tgt[:0], b.First[:0], b.Prev[:0]
}

// Work holds activations for one forward/backward pass.
type Work struct {
	a1, h1, hr, a2, h2, o []float32
	// time-mix
	tm tmWork
	// per-row loss-side
	dz                    []float32 // R*256 scratch for one row is enough, but keep per row for delta output
	do, dh2, dhr, dh1, dx []float32
	Delta                 []float32 // R*256 (nats), filled when wantDelta
}

func grow(p []float32, n int) []float32 {
	if cap(p) < n {
		return make([]float32, n)
	}
	p = p[:n]
	return p
}

// Forward computes the head outputs for the batch and returns the total
// cross-entropy in bits; if grad != nil it also accumulates gradients
// of the MEAN bits per row into grad (same layout as n.P). If wantDelta,
// w.Delta receives the rendered delta logits (nats).
func (n *Net) Forward(b *Batch, w *Work, grad []float32, wantDelta bool) float64 {
	R, H := b.R, n.Cfg.H
	nf, nout := n.Cfg.nf(), n.Cfg.nout()
	w.a1 = grow(w.a1, R*H)
	w.h1 = grow(w.h1, R*H)
	w.a2 = grow(w.a2, R*H)
	w.h2 = grow(w.h2, R*H)
	w.o = grow(w.o, R*nout)
	linear(w.a1, b.X, n.W1, n.B1, R, H, nf)
	if n.Cfg.Text {
		for r := 0; r < R; r++ {
			e := n.E[int(b.Prev[r])*H:][:H]
			a := w.a1[r*H:][:H]
			for j, v := range e {
				a[j] += v
			}
		}
	}
	relu(w.h1, w.a1)
	hr := w.h1
	if n.Cfg.Rec {
		w.hr = grow(w.hr, R*H)
		n.tmForward(&w.tm, w.hr, w.h1, b.First, R)
		hr = w.hr
	}
	linear(w.a2, hr, n.W2, n.B2, R, H, H)
	relu(w.h2, w.a2)
	linear(w.o, w.h2, n.W3, n.B3, R, nout, H)
	if wantDelta {
		w.Delta = grow(w.Delta, R*256)
	}
	if grad != nil {
		w.do = grow(w.do, R*nout)
		clear(w.do)
	}
	var tot float64
	var delta, dz [256]float32
	scale := float32(1 / (ln2 * float64(R)))
	for r := 0; r < R; r++ {
		o := w.o[r*nout : (r+1)*nout]
		var aux []float32
		if n.Cfg.Text {
			renderText(delta[:], o, b.Bias[r*256:(r+1)*256])
		} else {
			aux = b.Aux[r*NAux : (r+1)*NAux]
			render(delta[:], o, aux)
		}
		if wantDelta {
			copy(w.Delta[r*256:], delta[:])
		}
		nll := lossRow(dz[:], delta[:], b.Bias[r*256:(r+1)*256], int(b.Tgt[r]), grad != nil)
		tot += nll / ln2
		if grad != nil {
			for i := range dz {
				dz[i] *= scale
			}
			if n.Cfg.Text {
				renderTextBack(w.do[r*nout:(r+1)*nout], dz[:], b.Bias[r*256:(r+1)*256])
			} else {
				renderBack(w.do[r*nout:(r+1)*nout], dz[:], aux)
			}
		}
	}
	if grad == nil {
		return tot
	}
	g := n.view(grad)
	// head
	kernel.SgemmTN(nout, H, R, w.do, nout, w.h2, H, g.W3, H, true)
	colSum(g.B3, w.do, R, nout)
	w.dh2 = grow(w.dh2, R*H)
	kernel.SgemmNN(R, H, nout, w.do, nout, n.W3, H, w.dh2, H, false)
	reluBack(w.dh2, w.a2)
	kernel.SgemmTN(H, H, R, w.dh2, H, hr, H, g.W2, H, true)
	colSum(g.B2, w.dh2, R, H)
	w.dhr = grow(w.dhr, R*H)
	kernel.SgemmNN(R, H, H, w.dh2, H, n.W2, H, w.dhr, H, false)
	dh1 := w.dhr
	if n.Cfg.Rec {
		w.dh1 = grow(w.dh1, R*H)
		n.tmBackward(&w.tm, g, w.dh1, w.dhr, w.h1, b.First, R)
		dh1 = w.dh1
	}
	reluBack(dh1, w.a1)
	kernel.SgemmTN(H, nf, R, dh1, H, b.X, nf, g.W1, nf, true)
	colSum(g.B1, dh1, R, H)
	if n.Cfg.Text {
		for r := 0; r < R; r++ {
			ge := g.E[int(b.Prev[r])*H:][:H]
			for j, v := range dh1[r*H : (r+1)*H] {
				ge[j] += v
			}
		}
	}
	return tot
}

func linear(y, x, w, bias []float32, R, out, in int) {
	kernel.SgemmNT(R, out, in, x, in, w, in, y, out, false)
	for r := 0; r < R; r++ {
		row := y[r*out : (r+1)*out]
		for j := range row {
			row[j] += bias[j]
		}
	}
}

func relu(y, x []float32) {
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

func reluBack(d, a []float32) {
	for i, v := range a {
		if v <= 0 {
			d[i] = 0
		}
	}
}

func colSum(g, d []float32, R, n int) {
	for r := 0; r < R; r++ {
		row := d[r*n : (r+1)*n]
		for j, v := range row {
			g[j] += v
		}
	}
}

// render writes delta logits (nats) from head outputs o and the
// sample's Blend, Scale, Pred (aux).
func render(delta []float32, o, aux []float32) {
	bl, sc := aux[0], aux[1]
	inv := 1 / sc
	rel := o[:model.NRel]
	for v := 0; v < 256; v++ {
		q := (float32(16*v)-bl)*inv*(1/model.RelStep) + model.RelJ
		if q <= 0 {
			delta[v] = rel[0]
			continue
		}
		if q >= 2*model.RelJ {
			delta[v] = rel[2*model.RelJ]
			continue
		}
		i0 := int(q)
		f := q - float32(i0)
		delta[v] = (1-f)*rel[i0] + f*rel[i0+1]
	}
	for k := 0; k < imgctx.NumPred; k++ {
		bk := o[model.NRel+k]
		p := aux[2+k]
		lo := max(0, int(math.Ceil(float64((p-sc)/16))))
		hi := min(255, int((p+sc)/16))
		for v := lo; v <= hi; v++ {
			e := 1 - abs(float32(16*v)-p)*inv
			if e > 0 {
				delta[v] += bk * e
			}
		}
	}
}

func abs(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// renderBack accumulates dL/do from dL/ddelta.
func renderBack(do, dz, aux []float32) {
	bl, sc := aux[0], aux[1]
	inv := 1 / sc
	for v := 0; v < 256; v++ {
		q := (float32(16*v)-bl)*inv*(1/model.RelStep) + model.RelJ
		d := dz[v]
		if q <= 0 {
			do[0] += d
			continue
		}
		if q >= 2*model.RelJ {
			do[2*model.RelJ] += d
			continue
		}
		i0 := int(q)
		f := q - float32(i0)
		do[i0] += (1 - f) * d
		do[i0+1] += f * d
	}
	for k := 0; k < imgctx.NumPred; k++ {
		p := aux[2+k]
		lo := max(0, int(math.Ceil(float64((p-sc)/16))))
		hi := min(255, int((p+sc)/16))
		var s float32
		for v := lo; v <= hi; v++ {
			e := 1 - abs(float32(16*v)-p)*inv
			if e > 0 {
				s += dz[v] * e
			}
		}
		do[model.NRel+k] += s
	}
}

// lossRow returns -ln p(tgt) of softmax(bias*ln2/256 + delta); if grad,
// dz = softmax - onehot.
func lossRow(dz, delta []float32, bias []int16, tgt int, grad bool) float64 {
	var z [256]float64
	m := math.Inf(-1)
	for v := 0; v < 256; v++ {
		z[v] = float64(bias[v])*biasToNat + float64(delta[v])
		m = max(m, z[v])
	}
	zt := z[tgt] - m
	var s float64
	for v := 0; v < 256; v++ {
		e := math.Exp(z[v] - m)
		z[v] = e
		s += e
	}
	nll := math.Log(s) - zt
	if grad {
		inv := 1 / s
		for v := 0; v < 256; v++ {
			dz[v] = float32(z[v] * inv)
		}
		dz[tgt] -= 1
	}
	return nll
}
