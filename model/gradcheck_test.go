package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Finite-difference gradient checks (float32 model, central differences with
// the actually-representable perturbation, loss accumulated in float64).

type fdStats struct {
	n      int
	maxRel float64
	maxAbs float64
	failed int
	worst  string
}

// fdCheck compares grad[i] with the central difference of loss at the given
// indices of param. loss must recompute everything that depends on param.
func fdCheck(t *testing.T, st *fdStats, name string, param, grad []float32, idxs []int, loss func() float64, eps, rtol, atol float64) {
	t.Helper()
	for _, i := range idxs {
		orig := param[i]
		hi := float32(float64(orig) + eps)
		lo := float32(float64(orig) - eps)
		param[i] = hi
		lp := loss()
		param[i] = lo
		lm := loss()
		param[i] = orig
		num := (lp - lm) / (float64(hi) - float64(lo))
		ana := float64(grad[i])
		diff := math.Abs(num - ana)
		scale := math.Max(math.Abs(num), math.Abs(ana))
		st.n++
		if diff > st.maxAbs {
			st.maxAbs = diff
		}
		if scale > 10*atol {
			if r := diff / scale; r > st.maxRel {
				st.maxRel = r
				st.worst = fmt.Sprintf("%s[%d] ana=%.6g num=%.6g", name, i, ana, num)
			}
		}
		if diff > atol+rtol*scale {
			st.failed++
			if st.failed <= 10 {
				t.Errorf("%s[%d]: analytic %.6g numeric %.6g (diff %.3g)", name, i, ana, num, diff)
			}
		}
	}
}

// pickIdx returns up to k distinct indices in [0,n) (all if n <= k).
func pickIdx(rng *rand.Rand, n, k int) []int {
	if n <= k {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return rng.Perm(n)[:k]
}

// project returns Σ out[i]·w[i] in float64 (a random linear loss).
func project(out, w []float32) float64 {
	var s float64
	for i := range w {
		s += float64(out[i]) * float64(w[i])
	}
	return s
}

func TestGradNorms(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	T, D := 5, 32
	for _, G := range []int{1, 2} {
		x, w, b := randSlice(rng, T*D, 1), randSlice(rng, D, 1), randSlice(rng, D, 1)
		R := randSlice(rng, T*D, 1)
		out := make([]float32, T*D)
		var c NormCache
		loss := func() float64 { groupNormForward(out, &c, x, w, b, T, D, G, lnEps); return project(out, R) }
		loss()
		dx, dw, db := make([]float32, T*D), make([]float32, D), make([]float32, D)
		groupNormBackward(dx, dw, db, R, x, w, &c, T, D, G)
		var st fdStats
		fdCheck(t, &st, "gn.x", x, dx, pickIdx(rng, T*D, 40), loss, 1e-2, 2e-2, 2e-3)
		fdCheck(t, &st, "gn.w", w, dw, pickIdx(rng, D, 20), loss, 1e-2, 2e-2, 2e-3)
		fdCheck(t, &st, "gn.b", b, db, pickIdx(rng, D, 20), loss, 1e-2, 2e-2, 2e-3)
		t.Logf("groupnorm G=%d: %d checks, max rel err %.2e (%s)", G, st.n, st.maxRel, st.worst)
	}
	x, w := randSlice(rng, T*D, 1), randSlice(rng, D, 1)
	R := randSlice(rng, T*D, 1)
	out := make([]float32, T*D)
	var c NormCache
	loss := func() float64 { rmsNormForward(out, &c, x, w, T, D, lnEps); return project(out, R) }
	loss()
	dx, dw := make([]float32, T*D), make([]float32, D)
	rmsNormBackward(dx, dw, R, x, w, &c, T, D)
	var st fdStats
	fdCheck(t, &st, "rms.x", x, dx, pickIdx(rng, T*D, 40), loss, 1e-2, 2e-2, 2e-3)
	fdCheck(t, &st, "rms.w", w, dw, pickIdx(rng, D, 20), loss, 1e-2, 2e-2, 2e-3)
	t.Logf("rmsnorm: %d checks, max rel err %.2e (%s)", st.n, st.maxRel, st.worst)
}

func newTestHiRA(rng *rand.Rand, in, out, r int) (h, g HiRAParams) {
	h = HiRAParams{In: in, Out: out, R: r * in, W: randSlice(rng, out*in, 0.5), A: randSlice(rng, r*in*in, 0.5), B: randSlice(rng, out*r*in, 0.5)}
	g = HiRAParams{In: in, Out: out, R: r * in, W: make([]float32, out*in), A: make([]float32, r*in*in), B: make([]float32, out*r*in)}
	return
}

// TestHiRA checks the naive per-token HiRA against finite differences and the
// merged training path (forward and gradients) against the naive one.
func TestHiRA(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	T, in, out, r := 6, 8, 12, 4
	h, g := newTestHiRA(rng, in, out, r)
	x := randSlice(rng, T*in, 1)
	R := randSlice(rng, T*out, 1)
	y := make([]float32, T*out)
	ax := make([]float32, T*h.R)
	loss := func() float64 { HiRANaiveForward(&h, y, ax, x, T); return project(y, R) }
	loss()
	dx := make([]float32, T*in)
	HiRANaiveBackward(&h, &g, dx, R, ax, x, T)
	var st fdStats
	fdCheck(t, &st, "hira.x", x, dx, pickIdx(rng, len(x), 30), loss, 1e-2, 1e-2, 1e-3)
	fdCheck(t, &st, "hira.W", h.W, g.W, pickIdx(rng, len(h.W), 30), loss, 1e-2, 1e-2, 1e-3)
	fdCheck(t, &st, "hira.A", h.A, g.A, pickIdx(rng, len(h.A), 30), loss, 1e-2, 1e-2, 1e-3)
	fdCheck(t, &st, "hira.B", h.B, g.B, pickIdx(rng, len(h.B), 30), loss, 1e-2, 1e-2, 1e-3)
	t.Logf("hira naive: %d checks, max rel err %.2e (%s)", st.n, st.maxRel, st.worst)

	// merged path: y = x·Mᵀ with M = W + B·A, gradient expanded per step
	mm := &GoMatMul{}
	M := make([]float32, out*in)
	h.Merge(mm, M)
	y2 := make([]float32, T*out)
	linearForward(mm, y2, x, M, T, in, out)
	HiRANaiveForward(&h, y, ax, x, T)
	if d := maxAbsDiff(y, y2); d > 1e-4 {
		t.Errorf("merged forward differs from naive by %g", d)
	}
	_, g2 := newTestHiRA(rng, in, out, r)
	dM := make([]float32, out*in)
	dx2 := make([]float32, T*in)
	linearBackward(mm, dx2, dM, R, x, M, T, in, out)
	h.ExpandGrad(mm, &g2, dM)
	for _, c := range []struct {
		n    string
		a, b []float32
	}{{"dx", dx, dx2}, {"dW", g.W, g2.W}, {"dA", g.A, g2.A}, {"dB", g.B, g2.B}} {
		if d := maxAbsDiff(c.a, c.b); d > 1e-3 {
			t.Errorf("merged %s differs from naive by %g", c.n, d)
		}
	}
}

// randomize fills every parameter with small random values (so that no
// gradient is trivially zero, unlike the training initialisation).
func randomize(m *Model, rng *rand.Rand) {
	initParams(m.Cfg, &m.P, rng)
	for i := range m.Data {
		m.Data[i] += (rng.Float32()*2 - 1) * 0.3
	}
	m.Prepare(NaiveMatMul{})
}

func testSeqs(rng *rand.Rand, v Vocab, T int) []Sequence {
	img := Sequence{Mod: Image, Syms: make([]int32, T)}
	txt := Sequence{Mod: Text, Syms: make([]int32, T)}
	for i := range T {
		img.Syms[i] = int32(rng.IntN(256))
		txt.Syms[i] = int32(rng.IntN(v.TextSize))
	}
	return []Sequence{img, txt}
}

func TestGradTimeMix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	cfg := DefaultConfig(32, 2)
	m, _ := New(cfg)
	randomize(m, rng)
	T, D, N := 7, cfg.D, cfg.HeadSize
	mm := &GoMatMul{}
	x, x0 := randSlice(rng, T*D, 1), randSlice(rng, T*D, 1)
	v1 := randSlice(rng, T*D, 1)
	R := randSlice(rng, T*D, 1)
	out := make([]float32, T*D)
	var a tmActs
	for _, layer := range []int{0, 1} {
		b := &m.P.Blocks[layer]
		set := &b.Sets[1]
		eff := &m.E.Sets[layer][1]
		R1 := randSlice(rng, T*D, 1) // layer 0 also "outputs" v1
		loss := func() float64 {
			m.Prepare(mm)
			timeMixForward(mm, layer, b, set, eff, &a, out, x, x0, v1, T, D, N)
			l := project(out, R)
			if layer == 0 {
				l += project(v1, R1)
			}
			return l
		}
		loss()
		g := m.NewGrads()
		dx, dx0 := make([]float32, T*D), make([]float32, T*D)
		dv1 := make([]float32, T*D)
		if layer == 0 {
			copy(dv1, R1)
		}
		var s tmScratch
		gb := &g.G.Blocks[layer]
		timeMixBackward(mm, layer, b, set, eff, &a, gb, &gb.Sets[1], &g.E.Sets[layer][1], &s,
			R, dx, dx0, dv1, x, x0, v1, T, D, N)
		m.FoldGrads(mm, g)
		var st fdStats
		check := func(name string, p, gp []float32, k int) {
			fdCheck(t, &st, name, p, gp, pickIdx(rng, len(p), k), loss, 1e-2, 3e-2, 3e-3)
		}
		check("x", x, dx, 30)
		check("x0", x0, dx0, 30)
		if layer > 0 {
			check("v1", v1, dv1, 30)
		}
		check("lam0", b.Lam0, gb.Lam0, 8)
		check("lam1", b.Lam1, gb.Lam1, 8)
		check("ln1.w", b.LN1W, gb.LN1W, 8)
		check("ln1.b", b.LN1B, gb.LN1B, 8)
		check("mu_rg", set.MuRG, gb.Sets[1].MuRG, 8)
		check("mu_k", set.MuK, gb.Sets[1].MuK, 8)
		check("mu_v", set.MuV, gb.Sets[1].MuV, 8)
		check("w0", set.W0, gb.Sets[1].W0, 12)
		check("r.W", set.R.W, gb.Sets[1].R.W, 8)
		check("k.A", set.K.A, gb.Sets[1].K.A, 8)
		check("v.B", set.V.B, gb.Sets[1].V.B, 8)
		check("a0", b.A0, gb.A0, 12)
		check("ma", b.MA, gb.MA, 12)
		check("mk", b.MK, gb.MK, 12)
		if layer > 0 {
			check("vmix", b.VMix, gb.VMix, 12)
		}
		check("u", b.U, gb.U, 12)
		check("gn.w", b.GNW, gb.GNW, 8)
		check("gn.b", b.GNB, gb.GNB, 8)
		check("o", b.Wo, gb.Wo, 8)
		t.Logf("time-mix layer %d: %d checks, max rel err %.2e, max abs %.2e (%s)", layer, st.n, st.maxRel, st.maxAbs, st.worst)
	}
}

func TestGradChanMix(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, moe := range []bool{false, true} {
		cfg := DefaultConfig(16, 1)
		cfg.MoE = moe
		m, _ := New(cfg)
		randomize(m, rng)
		T, D := 5, cfg.D
		mm := &GoMatMul{}
		b := &m.P.Blocks[0]
		x := randSlice(rng, T*D, 1)
		R := randSlice(rng, T*D, 1)
		out := make([]float32, T*D)
		var a cmActs
		loss := func() float64 { chanMixForward(mm, b, Text, &a, out, x, T, D); return project(out, R) }
		loss()
		g := m.NewGrads()
		gb := &g.G.Blocks[0]
		dx, dh2 := make([]float32, T*D), make([]float32, T*D)
		var scratch []float32
		chanMixBackward(mm, b, gb, Text, &a, &scratch, dh2, dx, R, x, T, D)
		var st fdStats
		check := func(name string, p, gp []float32, k int) {
			fdCheck(t, &st, name, p, gp, pickIdx(rng, len(p), k), loss, 1e-2, 3e-2, 3e-3)
		}
		check("x", x, dx, 30)
		check("ln2.w", b.LN2W, gb.LN2W, 8)
		check("ln2.b", b.LN2B, gb.LN2B, 8)
		check("shared.w1", b.Shared.W1, gb.Shared.W1, 20)
		check("shared.w2", b.Shared.W2, gb.Shared.W2, 20)
		if moe {
			check("expert1.w1", b.Experts[1].W1, gb.Experts[1].W1, 20)
			check("expert1.w2", b.Experts[1].W2, gb.Experts[1].W2, 20)
			for _, v := range gb.Experts[0].W1 {
				if v != 0 {
					t.Fatal("image expert got a gradient from a text sequence")
				}
			}
		}
		t.Logf("channel-mix moe=%v: %d checks, max rel err %.2e (%s)", moe, st.n, st.maxRel, st.worst)
	}
}

// TestGradModel checks the whole model's loss gradient on tiny configs with
// both modalities, for the full DualComp model and each ablation.
func TestGradModel(t *testing.T) {
	base := DefaultConfig(32, 2)
	cfgs := map[string]Config{"full": base}
	base.HiRA = 1 // ablation variants: narrower HiRA branch keeps the test fast
	c := base
	c.HiRA = 0
	cfgs["no-hira"] = c
	c = base
	c.Switching = false
	cfgs["no-switch"] = c
	c = base
	c.MoE = false
	cfgs["no-moe"] = c
	c = base
	c.Vocab = VocabShared
	cfgs["vocab-shared"] = c
	c = base
	c.Vocab = VocabUnmasked
	c.D = 16
	cfgs["vocab-unmasked-d16"] = c
	for _, name := range []string{"full", "no-hira", "no-switch", "no-moe", "vocab-shared", "vocab-unmasked-d16"} {
		cfg := cfgs[name]
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			randomize(m, rng)
			seqs := testSeqs(rng, m.Vocab, 6)
			mm := &GoMatMul{}
			ws := m.NewWorkspace(mm)
			needMerge := false // only HiRA tensors change the merged weights
			loss := func() float64 {
				if needMerge {
					m.Prepare(mm)
				}
				var l float64
				for _, s := range seqs {
					l += m.Forward(ws, s)
				}
				return l
			}
			g := m.NewGrads()
			m.Prepare(mm)
			for _, s := range seqs {
				m.Forward(ws, s)
				m.Backward(ws, g, 1)
			}
			m.FoldGrads(mm, g)
			var st fdStats
			for _, tn := range m.Layout.Tensors {
				p := m.Data[tn.Off : tn.Off+tn.Size]
				gp := g.Data[tn.Off : tn.Off+tn.Size]
				k := 4
				if tn.Size > 4*cfg.D {
					k = 6
				}
				var idx []int
				if tn.Name == "emb" || tn.Name == "head" {
					// rows that are actually used
					for _, s := range seqs {
						in := m.Vocab.Inputs(nil, s)
						if tn.Name == "head" {
							in = m.Vocab.Targets(nil, s)
							for i := range in {
								in[i] += int32(m.Vocab.OutBase[s.Mod])
							}
						}
						for _, id := range in[:2] {
							idx = append(idx, int(id)*cfg.D+rng.IntN(cfg.D))
						}
					}
					idx = append(idx, pickIdx(rng, tn.Size, 2)...)
				} else {
					idx = pickIdx(rng, tn.Size, k)
				}
				needMerge = strings.Contains(tn.Name, ".set")
				fdCheck(t, &st, tn.Name, p, gp, idx, loss, 3e-3, 3e-2, 3e-3)
				if needMerge {
					m.Prepare(mm)
				}
			}
			t.Logf("%s (%v): %d checks over %d tensors, max rel err %.2e, max abs %.2e (%s)",
				name, cfg, st.n, len(m.Layout.Tensors), st.maxRel, st.maxAbs, st.worst)
		})
	}
}

// TestWKV16MatchesGeneric: the N=16 specialisation computes exactly what
// the generic reference computes.
func TestWKV16MatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const N = 16
	vec := func() []float32 { return randSlice(rng, N, 1) }
	Sp, S1, S2 := randSlice(rng, N*N, 1), make([]float32, N*N), make([]float32, N*N)
	kk, k, v, r, dec, al := vec(), vec(), vec(), vec(), vec(), vec()
	sa1, sa2, y1, y2 := make([]float32, N), make([]float32, N), make([]float32, N), make([]float32, N)
	wkvForward(N, Sp, S1, kk, k, v, r, dec, al, sa1, y1)
	wkvForward16((*[256]float32)(Sp), (*[256]float32)(S2), (*[16]float32)(kk), (*[16]float32)(k), (*[16]float32)(v),
		(*[16]float32)(r), (*[16]float32)(dec), (*[16]float32)(al), (*[16]float32)(sa2), (*[16]float32)(y2))
	if maxAbsDiff(S1, S2) != 0 || maxAbsDiff(y1, y2) != 0 || maxAbsDiff(sa1, sa2) != 0 {
		t.Fatal("forward differs")
	}
	dS1 := randSlice(rng, N*N, 1)
	dS2 := append([]float32(nil), dS1...)
	dy := vec()
	g1 := make([][]float32, 6)
	g2 := make([][]float32, 6)
	for i := range g1 {
		g1[i], g2[i] = make([]float32, N), make([]float32, N)
	}
	wkvBackward(N, Sp, S1, dS1, make([]float32, N), kk, k, v, r, sa1, dec, al, dy, g1[0], g1[1], g1[2], g1[3], g1[4], g1[5])
	a := func(s []float32) *[16]float32 { return (*[16]float32)(s) }
	wkvBackward16((*[256]float32)(Sp), (*[256]float32)(S2), (*[256]float32)(dS2), a(kk), a(k), a(v), a(r), a(sa2), a(dec), a(al), a(dy),
		a(g2[0]), a(g2[1]), a(g2[2]), a(g2[3]), a(g2[4]), a(g2[5]))
	if maxAbsDiff(dS1, dS2) != 0 {
		t.Fatal("dS differs")
	}
	for i := range g1 {
		if maxAbsDiff(g1[i], g2[i]) != 0 {
			t.Fatalf("gradient %d differs", i)
		}
	}
}
