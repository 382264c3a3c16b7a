package model

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TMSet is the part of a time-mix that modality switching duplicates: the
// token-shift mix vectors, the decay vector and the r/k/v projections.
type TMSet struct {
	MuRG, MuK, MuV, W0 []float32 // [D]
	R, K, V            HiRAParams
}

// FFNParams is one ReLU² MLP: y = W2·relu(W1·x)².
type FFNParams struct {
	Hidden int
	W1, W2 []float32 // [Hidden×D], [D×Hidden]
}

// BlockParams are the parameters of one RWKV-7 block.
type BlockParams struct {
	Lam0, Lam1 []float32 // x = λ0⊙x + λ1⊙x0
	LN1W, LN1B []float32
	Sets       []TMSet   // 1 (shared) or NumModalities (switching)
	A0, MA, MK []float32 // α = σ(a0), k scaling
	VMix       []float32 // v-residual mix (layers > 0 only)
	U          []float32 // bonus
	GNW, GNB   []float32 // per-head GroupNorm affine
	Wo         []float32 // [D×D]
	LN2W, LN2B []float32
	Shared     FFNParams
	Experts    []FFNParams // per modality when MoE is on
}

// Params are all trained tensors of the model, as views into one flat buffer.
type Params struct {
	Emb    []float32 // [NIn×D]
	LN0W   []float32 // RMSNorm of the embedding (x0)
	Blocks []BlockParams
	LNFW   []float32 // final RMSNorm
	Head   []float32 // [NOut×D]
}

// newParams returns an unbound Params with all dimensions set.
func newParams(c Config, v Vocab) Params {
	p := Params{Blocks: make([]BlockParams, c.Layers)}
	sh, ex := c.FFNWidths()
	r := c.HiRA * c.D
	for l := range p.Blocks {
		b := &p.Blocks[l]
		b.Sets = make([]TMSet, c.TimeMixSets())
		for s := range b.Sets {
			for _, h := range []*HiRAParams{&b.Sets[s].R, &b.Sets[s].K, &b.Sets[s].V} {
				*h = HiRAParams{In: c.D, Out: c.D, R: r}
			}
		}
		b.Shared.Hidden = sh
		if c.MoE {
			b.Experts = make([]FFNParams, NumModalities)
			for m := range b.Experts {
				b.Experts[m].Hidden = ex
			}
		}
	}
	return p
}

func (p *Params) visit(c Config, v Vocab, f visitFn) {
	D := c.D
	d := []int{D}
	f("emb", []int{v.NIn, D}, &p.Emb)
	f("ln0.w", d, &p.LN0W)
	for l := range p.Blocks {
		b := &p.Blocks[l]
		pre := fmt.Sprintf("blocks.%d.", l)
		f(pre+"lam0", d, &b.Lam0)
		f(pre+"lam1", d, &b.Lam1)
		f(pre+"ln1.w", d, &b.LN1W)
		f(pre+"ln1.b", d, &b.LN1B)
		for s := range b.Sets {
			st := &b.Sets[s]
			sp := fmt.Sprintf("%stm.set%d.", pre, s)
			f(sp+"mu_rg", d, &st.MuRG)
			f(sp+"mu_k", d, &st.MuK)
			f(sp+"mu_v", d, &st.MuV)
			f(sp+"w0", d, &st.W0)
			st.R.visit(f, sp+"r")
			st.K.visit(f, sp+"k")
			st.V.visit(f, sp+"v")
		}
		f(pre+"tm.a0", d, &b.A0)
		f(pre+"tm.ma", d, &b.MA)
		f(pre+"tm.mk", d, &b.MK)
		if l > 0 {
			f(pre+"tm.vmix", d, &b.VMix)
		}
		f(pre+"tm.u", d, &b.U)
		f(pre+"tm.gn.w", d, &b.GNW)
		f(pre+"tm.gn.b", d, &b.GNB)
		f(pre+"tm.o", []int{D, D}, &b.Wo)
		f(pre+"ln2.w", d, &b.LN2W)
		f(pre+"ln2.b", d, &b.LN2B)
		f(pre+"cm.shared.w1", []int{b.Shared.Hidden, D}, &b.Shared.W1)
		f(pre+"cm.shared.w2", []int{D, b.Shared.Hidden}, &b.Shared.W2)
		for m := range b.Experts {
			e := &b.Experts[m]
			ep := fmt.Sprintf("%scm.expert%d.", pre, m)
			f(ep+"w1", []int{e.Hidden, D}, &e.W1)
			f(ep+"w2", []int{D, e.Hidden}, &e.W2)
		}
	}
	f("lnf.w", d, &p.LNFW)
	f("head", []int{v.NOut, D}, &p.Head)
}

// EffSet holds the merged (W + B·A) time-mix projections of one TMSet.
type EffSet struct{ R, K, V []float32 }

// effParams are the merged time-mix projections used by forward/backward.
type effParams struct{ Sets [][]EffSet }

func newEff(c Config) effParams {
	e := effParams{Sets: make([][]EffSet, c.Layers)}
	for l := range e.Sets {
		e.Sets[l] = make([]EffSet, c.TimeMixSets())
	}
	return e
}

func (e *effParams) visit(c Config, f visitFn) {
	dd := []int{c.D, c.D}
	for l := range e.Sets {
		for s := range e.Sets[l] {
			pre := fmt.Sprintf("blocks.%d.tm.set%d.", l, s)
			f(pre+"r", dd, &e.Sets[l][s].R)
			f(pre+"k", dd, &e.Sets[l][s].K)
			f(pre+"v", dd, &e.Sets[l][s].V)
		}
	}
}

// initParams fills p with the training initialisation (RWKV-7 / OmniZip
// style: zero output projections and head, ramps for decay and mix vectors).
func initParams(c Config, p *Params, rng *rand.Rand) {
	D := c.D
	uni := func(dst []float32, bound float64) {
		for i := range dst {
			dst[i] = float32((rng.Float64()*2 - 1) * bound)
		}
	}
	fill := func(dst []float32, v float32) {
		for i := range dst {
			dst[i] = v
		}
	}
	uni(p.Emb, 1e-4*math.Sqrt(3)) // tiny embedding, RMSNorm rescales
	fill(p.LN0W, 1)
	fill(p.LNFW, 1)
	clear(p.Head) // zero head: uniform start
	L := float64(c.Layers)
	for l := range p.Blocks {
		b := &p.Blocks[l]
		r01 := float64(l) / math.Max(L-1, 1) // 0 → 1 over depth
		r1a0 := 1 - float64(l)/L             // 1 → ~0
		fill(b.Lam0, 1)
		clear(b.Lam1)
		fill(b.LN1W, 1)
		clear(b.LN1B)
		fill(b.LN2W, 1)
		clear(b.LN2B)
		for s := range b.Sets {
			st := &b.Sets[s]
			for i := 0; i < D; i++ {
				ddd := float64(i) / float64(D)
				st.MuRG[i] = float32(1 - math.Pow(ddd, 0.2*r1a0))
				st.MuK[i] = float32(1 - math.Pow(ddd, 0.7*r1a0))
				st.MuV[i] = float32(1 - math.Pow(ddd, 0.7*r1a0))
				// log-log decay from fast to slow across channels
				speed := -6 + 5*math.Pow(float64(i)/float64(max(D-1, 1)), 0.85+r01*0.5)
				st.W0[i] = float32(speed + 0.5)
			}
			for _, h := range []*HiRAParams{&st.R, &st.K, &st.V} {
				uni(h.W, 1/math.Sqrt(float64(D)))
				if h.R > 0 {
					uni(h.A, 0.5/math.Sqrt(float64(h.In)))
					uni(h.B, 0.05/math.Sqrt(float64(h.R)))
				}
			}
		}
		clear(b.A0)
		clear(b.MA)
		clear(b.MK)
		if b.VMix != nil {
			fill(b.VMix, 0.5)
		}
		for i := 0; i < D; i++ {
			b.U[i] = float32(0.5 * (1 - float64(i%c.HeadSize)/float64(c.HeadSize)))
		}
		fill(b.GNW, 1)
		clear(b.GNB)
		clear(b.Wo)
		uni(b.Shared.W1, 1/math.Sqrt(float64(D)))
		clear(b.Shared.W2)
		for m := range b.Experts {
			uni(b.Experts[m].W1, 1/math.Sqrt(float64(D)))
			clear(b.Experts[m].W2)
		}
	}
}
