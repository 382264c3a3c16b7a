package model

import "math"

// Stepper runs the model recurrently, one token at a time, with O(1) state
// per layer (previous LN1 output for the token shift and the H×N×N WKV
// state). It is the plain float32 reference of what the coder's inference
// does; it uses the merged (HiRA-free) weights and matches Forward.
type Stepper struct {
	m     *Model
	mod   Modality
	set   int
	st    []tmStatic
	hPrev [][]float32 // [L][D]
	S     [][]float32 // [L][H·N·N]
	// scratch
	x, x0, xl, h, xrg, xk, xv, r, kr, v, v1, kk, k, y, y2, z, o, h2, f []float32
	hid                                                                []float32
	mean, rstd                                                         []float32
}

// NewStepper returns a stepper; call Reset before the first Step.
func (m *Model) NewStepper() *Stepper {
	c := m.Cfg
	D, L := c.D, c.Layers
	s := &Stepper{m: m, st: make([]tmStatic, L), hPrev: make([][]float32, L), S: make([][]float32, L)}
	for l := range L {
		s.hPrev[l] = make([]float32, D)
		s.S[l] = make([]float32, c.Heads()*c.HeadSize*c.HeadSize)
	}
	for _, p := range []*[]float32{&s.x, &s.x0, &s.xl, &s.h, &s.xrg, &s.xk, &s.xv, &s.r, &s.kr, &s.v, &s.v1, &s.kk, &s.k, &s.y, &s.y2, &s.z, &s.o, &s.h2, &s.f} {
		*p = make([]float32, D)
	}
	s.hid = make([]float32, c.FFN)
	s.mean, s.rstd = make([]float32, c.Heads()), make([]float32, c.Heads())
	return s
}

// Reset starts a new independent sequence of modality mod.
func (s *Stepper) Reset(mod Modality) {
	s.mod, s.set = mod, 0
	if s.m.Cfg.Switching {
		s.set = int(mod)
	}
	for l := range s.hPrev {
		clear(s.hPrev[l])
		clear(s.S[l])
		b := &s.m.P.Blocks[l]
		s.st[l].compute(b, &b.Sets[s.set], s.m.Cfg.D)
	}
}

// matvec: y[o] = Σ_i W[o·in+i]·x[i] (+ y[o] if acc).
func matvec(y, w, x []float32, out, in int, acc bool) {
	for o := 0; o < out; o++ {
		row := w[o*in : o*in+in]
		var sum float32
		for i, xv := range x[:in] {
			sum += row[i] * xv
		}
		if acc {
			y[o] += sum
		} else {
			y[o] = sum
		}
	}
}

// Step feeds input id and writes the next-symbol distribution of the
// current modality into probs (len ≥ Vocab.OutCount[mod]); it returns the
// number of entries written.
func (s *Stepper) Step(id int32, probs []float32) int {
	n := s.StepLogits(id, probs)
	logSoftmaxInPlace(probs[:n], 0)
	return n
}

// StepLogits is Step without the softmax: it writes the natural-log logits
// of the current modality's symbols (the coder's fixed-point log2 logits are
// round(z·256/ln 2) of these, once inference is made bit-exact).
func (s *Stepper) StepLogits(id int32, logits []float32) int {
	probs := logits
	m, c := s.m, s.m.Cfg
	D, N, H := c.D, c.HeadSize, c.Heads()
	var nc NormCache
	nc.Mean, nc.Rstd = s.mean, s.rstd
	rmsNormForward(s.x0, &nc, m.P.Emb[int(id)*D:int(id)*D+D], m.P.LN0W, 1, D, lnEps)
	copy(s.x, s.x0)
	for l := range m.P.Blocks {
		b, set, e, st := &m.P.Blocks[l], &m.P.Blocks[l].Sets[s.set], &m.E.Sets[l][s.set], &s.st[l]
		for i := range D {
			s.xl[i] = b.Lam0[i]*s.x[i] + b.Lam1[i]*s.x0[i]
		}
		groupNormForward(s.h, &nc, s.xl, b.LN1W, b.LN1B, 1, D, 1, lnEps)
		for i := range D {
			dl := s.hPrev[l][i] - s.h[i]
			s.xrg[i] = s.h[i] + dl*set.MuRG[i]
			s.xk[i] = s.h[i] + dl*set.MuK[i]
			s.xv[i] = s.h[i] + dl*set.MuV[i]
		}
		copy(s.hPrev[l], s.h)
		matvec(s.r, e.R, s.xrg, D, D, false)
		matvec(s.kr, e.K, s.xk, D, D, false)
		matvec(s.v, e.V, s.xv, D, D, false)
		if l == 0 {
			copy(s.v1, s.v)
		} else {
			for i := range D {
				s.v[i] += (s.v1[i] - s.v[i]) * st.sv[i]
			}
		}
		for hd := 0; hd < H; hd++ {
			o := hd * N
			var ss float64
			for j := 0; j < N; j++ {
				ss += float64(s.kr[o+j]) * float64(s.kr[o+j])
			}
			n := float32(math.Sqrt(ss + kkEps))
			for j := 0; j < N; j++ {
				s.kk[o+j] = s.kr[o+j] / n
				s.k[o+j] = s.kr[o+j] * st.ck[o+j]
			}
			S := s.S[l][hd*N*N : (hd+1)*N*N]
			var sa [64]float32
			wkvForward(N, S, S, s.kk[o:o+N], s.k[o:o+N], s.v[o:o+N], s.r[o:o+N],
				st.decay[o:o+N], st.alpha[o:o+N], sa[:N], s.y[o:o+N])
		}
		groupNormForward(s.y2, &nc, s.y, b.GNW, b.GNB, 1, D, H, gnEps)
		for hd := 0; hd < H; hd++ {
			o := hd * N
			var bonus float32
			for j := 0; j < N; j++ {
				bonus += s.r[o+j] * s.k[o+j] * b.U[o+j]
			}
			for j := 0; j < N; j++ {
				s.y2[o+j] += bonus * s.v[o+j]
			}
		}
		for i := range D {
			s.z[i] = s.y2[i] * sigmoid(s.xrg[i])
		}
		matvec(s.o, b.Wo, s.z, D, D, false)
		for i := range D {
			s.x[i] = s.xl[i] + s.o[i]
		}
		groupNormForward(s.h2, &nc, s.x, b.LN2W, b.LN2B, 1, D, 1, lnEps)
		copy(s.f, s.x)
		for _, f := range b.experts(s.mod) {
			hid := s.hid[:f.Hidden]
			matvec(hid, f.W1, s.h2, f.Hidden, D, false)
			for i, p := range hid {
				hid[i] = max(p, 0) * max(p, 0)
			}
			matvec(s.f, f.W2, hid, D, f.Hidden, true)
		}
		copy(s.x, s.f)
	}
	rmsNormForward(s.h, &nc, s.x, m.P.LNFW, 1, D, lnEps)
	base, cnt := m.Vocab.OutBase[s.mod], m.Vocab.OutCount[s.mod]
	matvec(probs, m.P.Head[base*D:(base+cnt)*D], s.h, cnt, D, false)
	return cnt
}
