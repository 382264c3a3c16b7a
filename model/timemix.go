package model

import "math"

// Simplified RWKV-7 time-mix (dualcomp-facts.md §7), over a whole sequence,
// with backpropagation through time. Per token t (h_{-1} = 0):
//
//	xl   = λ0⊙x + λ1⊙x0
//	h    = LN1(xl);  xrg = h + (h_{t-1}-h)⊙μrg  (same for xk, xv)
//	r = Wr·xrg; kr = Wk·xk; vr = Wv·xv           (merged HiRA weights)
//	v    = layer 0 ? vr : vr + (v1-vr)⊙σ(vmix)
//	g    = σ(xrg);  kk = kr/‖kr‖ per head;  k = kr⊙ck
//	per head: sa = S·(-kk); S = S·diag(decay) + sa⊗(kk⊙α) + v⊗k; y = S·r
//	y2   = GroupNorm(y) + (Σ_head r⊙k⊙u)·v
//	out  = xl + Wo·(y2⊙g)
//
// Static per-channel quantities: wl = -softplus(-w0)-0.5, decay = exp(-exp(wl)),
// α = σ(a0), ck = (σ(ma) + α(1-σ(ma)))·exp(min(wl·σ(mk), 0)).

const (
	gnEps   = 64e-5
	lnEps   = 1e-5
	kkEps   = 1e-12
	wlClamp = 60
)

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// tmStatic are the per-channel static quantities of a time-mix.
type tmStatic struct {
	wl, ew, decay, alpha, sa, sk, P, E, ck, sv []float32
}

func (s *tmStatic) compute(b *BlockParams, set *TMSet, D int) {
	for _, p := range []*[]float32{&s.wl, &s.ew, &s.decay, &s.alpha, &s.sa, &s.sk, &s.P, &s.E, &s.ck, &s.sv} {
		*p = grow(*p, D)
	}
	for c := 0; c < D; c++ {
		w0 := float64(set.W0[c])
		sp := math.Log1p(math.Exp(-math.Abs(w0))) + math.Max(-w0, 0) // softplus(-w0)
		wl := -sp - 0.5
		ew := math.Exp(math.Max(-wlClamp, math.Min(wlClamp, wl)))
		s.wl[c] = float32(wl)
		s.ew[c] = float32(ew)
		s.decay[c] = float32(math.Exp(-ew))
		al := sigmoid(b.A0[c])
		sa := sigmoid(b.MA[c])
		sk := sigmoid(b.MK[c])
		s.alpha[c], s.sa[c], s.sk[c] = al, sa, sk
		s.P[c] = sa + al*(1-sa)
		s.E[c] = float32(math.Exp(math.Min(float64(s.wl[c])*float64(sk), 0)))
		s.ck[c] = s.P[c] * s.E[c]
		if b.VMix != nil {
			s.sv[c] = sigmoid(b.VMix[c])
		}
	}
}

// tmActs stores the activations of one time-mix over a sequence.
type tmActs struct {
	xl, h                  []float32 // [T×D]
	ln1                    NormCache
	xrg, xk, xv            []float32
	r, kr, vr, v, g, kk, k []float32
	knorm                  []float32 // [T×H]
	states                 []float32 // [(T+1)×H×N×N], states[0] = 0
	sa                     []float32 // [T×D]
	y, y2                  []float32
	gn                     NormCache
	bonus                  []float32 // [T×H]
	z                      []float32
	st                     tmStatic
}

func (a *tmActs) ensure(T, D, H, N int) {
	for _, p := range []*[]float32{&a.xl, &a.h, &a.xrg, &a.xk, &a.xv, &a.r, &a.kr, &a.vr, &a.v, &a.g, &a.kk, &a.k, &a.sa, &a.y, &a.y2, &a.z} {
		*p = grow(*p, T*D)
	}
	a.knorm = grow(a.knorm, T*H)
	a.bonus = grow(a.bonus, T*H)
	a.states = grow(a.states, (T+1)*H*N*N)
}

// tmScratch holds backward temporaries (shared across layers).
type tmScratch struct {
	dxl, dh, dxrg, dxk, dxv, dr, dkr, dvr, dv, dg, dkk, dk, dy, dy2, dz, da, db []float32
	dS, dsa                                                                     []float32
	ddecay, dck, dalpha, dsv, dwl                                               []float32
}

func (s *tmScratch) ensure(T, D, N int) {
	for _, p := range []*[]float32{&s.dxl, &s.dh, &s.dxrg, &s.dxk, &s.dxv, &s.dr, &s.dkr, &s.dvr, &s.dv, &s.dg, &s.dkk, &s.dk, &s.dy, &s.dy2, &s.dz, &s.da, &s.db} {
		*p = grow(*p, T*D)
		clear(*p)
	}
	s.dS = grow(s.dS, N*N)
	s.dsa = grow(s.dsa, N)
	for _, p := range []*[]float32{&s.ddecay, &s.dck, &s.dalpha, &s.dsv, &s.dwl} {
		*p = grow(*p, D)
		clear(*p)
	}
}

// timeMixForward computes out = x + time-mix(x) for one block. v1 is layer 0's
// v (written when layer == 0, read otherwise).
func timeMixForward(mm MatMul, layer int, b *BlockParams, set *TMSet, eff *EffSet, a *tmActs,
	out, x, x0, v1 []float32, T, D, N int) {
	H := D / N
	a.ensure(T, D, H, N)
	st := &a.st
	st.compute(b, set, D)
	// λ mix and LN1
	for t := 0; t < T; t++ {
		for c := 0; c < D; c++ {
			i := t*D + c
			a.xl[i] = b.Lam0[c]*x[i] + b.Lam1[c]*x0[i]
		}
	}
	groupNormForward(a.h, &a.ln1, a.xl, b.LN1W, b.LN1B, T, D, 1, lnEps)
	// token shift
	for t := 0; t < T; t++ {
		for c := 0; c < D; c++ {
			i := t*D + c
			hc := a.h[i]
			var hp float32
			if t > 0 {
				hp = a.h[i-D]
			}
			dl := hp - hc
			a.xrg[i] = hc + dl*set.MuRG[c]
			a.xk[i] = hc + dl*set.MuK[c]
			a.xv[i] = hc + dl*set.MuV[c]
		}
	}
	linearForward(mm, a.r, a.xrg, eff.R, T, D, D)
	linearForward(mm, a.kr, a.xk, eff.K, T, D, D)
	linearForward(mm, a.vr, a.xv, eff.V, T, D, D)
	if layer == 0 {
		copy(a.v[:T*D], a.vr[:T*D])
		copy(v1[:T*D], a.vr[:T*D])
	} else {
		for t := 0; t < T; t++ {
			for c := 0; c < D; c++ {
				i := t*D + c
				a.v[i] = a.vr[i] + (v1[i]-a.vr[i])*st.sv[c]
			}
		}
	}
	for i := 0; i < T*D; i++ {
		a.g[i] = sigmoid(a.xrg[i])
	}
	// kk = normalize(kr) per head, k = kr⊙ck
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			o := t*D + h*N
			var ss float64
			for j := 0; j < N; j++ {
				ss += float64(a.kr[o+j]) * float64(a.kr[o+j])
			}
			n := float32(math.Sqrt(ss + kkEps))
			a.knorm[t*H+h] = n
			for j := 0; j < N; j++ {
				a.kk[o+j] = a.kr[o+j] / n
				a.k[o+j] = a.kr[o+j] * st.ck[h*N+j]
			}
		}
	}
	// WKV recurrence with delta-rule update
	NN := N * N
	clear(a.states[:H*NN])
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			o := t*D + h*N
			Sp := a.states[(t*H+h)*NN : (t*H+h+1)*NN]
			S := a.states[((t+1)*H+h)*NN : ((t+1)*H+h+1)*NN]
			kk, k, v, r := a.kk[o:o+N], a.k[o:o+N], a.v[o:o+N], a.r[o:o+N]
			dec, al := st.decay[h*N:h*N+N], st.alpha[h*N:h*N+N]
			sa, y := a.sa[o:o+N], a.y[o:o+N]
			if N == 16 {
				wkvForward16((*[256]float32)(Sp), (*[256]float32)(S), (*[16]float32)(kk), (*[16]float32)(k),
					(*[16]float32)(v), (*[16]float32)(r), (*[16]float32)(dec), (*[16]float32)(al),
					(*[16]float32)(sa), (*[16]float32)(y))
			} else {
				wkvForward(N, Sp, S, kk, k, v, r, dec, al, sa, y)
			}
		}
	}
	groupNormForward(a.y2, &a.gn, a.y, b.GNW, b.GNB, T, D, H, gnEps)
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			o := t*D + h*N
			var s float32
			for j := 0; j < N; j++ {
				s += a.r[o+j] * a.k[o+j] * b.U[h*N+j]
			}
			a.bonus[t*H+h] = s
			for j := 0; j < N; j++ {
				a.y2[o+j] += s * a.v[o+j]
			}
		}
	}
	for i := 0; i < T*D; i++ {
		a.z[i] = a.y2[i] * a.g[i]
	}
	linearForward(mm, out, a.z, b.Wo, T, D, D)
	for i := 0; i < T*D; i++ {
		out[i] += a.xl[i]
	}
}

// timeMixBackward: given dout (gradient of the block's time-mix output),
// accumulates dx (block input), dx0, dv1 and the parameter gradients.
// For layer 0, dv1 must already hold all later layers' contributions.
func timeMixBackward(mm MatMul, layer int, b *BlockParams, set *TMSet, eff *EffSet, a *tmActs,
	gb *BlockParams, gset *TMSet, geff *EffSet, s *tmScratch,
	dout, dx, dx0, dv1, x, x0, v1 []float32, T, D, N int) {
	H := D / N
	NN := N * N
	s.ensure(T, D, N)
	st := &a.st
	copy(s.dxl[:T*D], dout[:T*D]) // residual
	// out = xl + Wo·z
	linearBackward(mm, s.dz, gb.Wo, dout, a.z, b.Wo, T, D, D)
	for i := 0; i < T*D; i++ {
		s.dy2[i] = s.dz[i] * a.g[i]
		s.dg[i] = s.dz[i] * a.y2[i]
	}
	// bonus: y2 += bonus_h·v, bonus_h = Σ r k u
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			o := t*D + h*N
			var db float32
			for j := 0; j < N; j++ {
				db += s.dy2[o+j] * a.v[o+j]
				s.dv[o+j] += s.dy2[o+j] * a.bonus[t*H+h]
			}
			for j := 0; j < N; j++ {
				c := h*N + j
				s.dr[o+j] += db * a.k[o+j] * b.U[c]
				s.dk[o+j] += db * a.r[o+j] * b.U[c]
				gb.U[c] += db * a.r[o+j] * a.k[o+j]
			}
		}
	}
	groupNormBackward(s.dy, gb.GNW, gb.GNB, s.dy2, a.y, b.GNW, &a.gn, T, D, H)
	// WKV backward through time
	for h := 0; h < H; h++ {
		dS := s.dS
		clear(dS)
		dec, al := st.decay[h*N:h*N+N], st.alpha[h*N:h*N+N]
		ddec := s.ddecay[h*N : h*N+N]
		for t := T - 1; t >= 0; t-- {
			o := t*D + h*N
			Sp := a.states[(t*H+h)*NN : (t*H+h+1)*NN]
			S := a.states[((t+1)*H+h)*NN : ((t+1)*H+h+1)*NN]
			kk, k, v, r, sa := a.kk[o:o+N], a.k[o:o+N], a.v[o:o+N], a.r[o:o+N], a.sa[o:o+N]
			dy, dr, dk, dv := s.dy[o:o+N], s.dr[o:o+N], s.dk[o:o+N], s.dv[o:o+N]
			da, db := s.da[o:o+N], s.db[o:o+N]
			if N == 16 {
				wkvBackward16((*[256]float32)(Sp), (*[256]float32)(S), (*[256]float32)(dS),
					(*[16]float32)(kk), (*[16]float32)(k), (*[16]float32)(v), (*[16]float32)(r), (*[16]float32)(sa),
					(*[16]float32)(dec), (*[16]float32)(al), (*[16]float32)(dy), (*[16]float32)(dr), (*[16]float32)(dk),
					(*[16]float32)(dv), (*[16]float32)(da), (*[16]float32)(db), (*[16]float32)(ddec))
			} else {
				wkvBackward(N, Sp, S, dS, s.dsa, kk, k, v, r, sa, dec, al, dy, dr, dk, dv, da, db, ddec)
			}
		}
	}
	// a = -kk, b = kk⊙α, k = kr⊙ck, kk = kr/‖kr‖
	for t := 0; t < T; t++ {
		for h := 0; h < H; h++ {
			o := t*D + h*N
			var dot float32
			for j := 0; j < N; j++ {
				c := h*N + j
				dkk := -s.da[o+j] + s.db[o+j]*st.alpha[c]
				s.dalpha[c] += s.db[o+j] * a.kk[o+j]
				s.dkk[o+j] = dkk
				dot += dkk * a.kk[o+j]
			}
			n := a.knorm[t*H+h]
			for j := 0; j < N; j++ {
				c := h*N + j
				s.dck[c] += s.dk[o+j] * a.kr[o+j]
				s.dkr[o+j] = s.dk[o+j]*st.ck[c] + (s.dkk[o+j]-a.kk[o+j]*dot)/n
			}
		}
	}
	// v mixing
	if layer == 0 {
		for i := 0; i < T*D; i++ {
			s.dvr[i] = s.dv[i] + dv1[i]
		}
	} else {
		for t := 0; t < T; t++ {
			for c := 0; c < D; c++ {
				i := t*D + c
				s.dvr[i] = s.dv[i] * (1 - st.sv[c])
				dv1[i] += s.dv[i] * st.sv[c]
				s.dsv[c] += s.dv[i] * (v1[i] - a.vr[i])
			}
		}
		for c := 0; c < D; c++ {
			gb.VMix[c] += s.dsv[c] * st.sv[c] * (1 - st.sv[c])
		}
	}
	// g = σ(xrg)
	for i := 0; i < T*D; i++ {
		s.dxrg[i] = s.dg[i] * a.g[i] * (1 - a.g[i])
	}
	linearBackward(mm, s.dxrg, geff.R, s.dr, a.xrg, eff.R, T, D, D)
	linearBackward(mm, s.dxk, geff.K, s.dkr, a.xk, eff.K, T, D, D)
	linearBackward(mm, s.dxv, geff.V, s.dvr, a.xv, eff.V, T, D, D)
	// token shift: x* = h(1-μ) + h_{t-1}μ
	for t := 0; t < T; t++ {
		for c := 0; c < D; c++ {
			i := t*D + c
			var hp float32
			if t > 0 {
				hp = a.h[i-D]
			}
			dl := hp - a.h[i]
			grg, gk, gv := s.dxrg[i], s.dxk[i], s.dxv[i]
			gset.MuRG[c] += grg * dl
			gset.MuK[c] += gk * dl
			gset.MuV[c] += gv * dl
			s.dh[i] += grg*(1-set.MuRG[c]) + gk*(1-set.MuK[c]) + gv*(1-set.MuV[c])
			if t > 0 {
				s.dh[i-D] += grg*set.MuRG[c] + gk*set.MuK[c] + gv*set.MuV[c]
			}
		}
	}
	groupNormBackward(s.dxl, gb.LN1W, gb.LN1B, s.dh, a.xl, b.LN1W, &a.ln1, T, D, 1)
	for t := 0; t < T; t++ {
		for c := 0; c < D; c++ {
			i := t*D + c
			d := s.dxl[i]
			dx[i] += d * b.Lam0[c]
			dx0[i] += d * b.Lam1[c]
			gb.Lam0[c] += d * x[i]
			gb.Lam1[c] += d * x0[i]
		}
	}
	// static per-channel chain
	for c := 0; c < D; c++ {
		// ck = P·E, P = σa + α(1-σa), E = exp(min(wl·σk, 0))
		dP := s.dck[c] * st.E[c]
		dE := s.dck[c] * st.P[c]
		dwl := float32(0)
		if st.wl[c]*st.sk[c] < 0 {
			dwl += dE * st.E[c] * st.sk[c]
			dsk := dE * st.E[c] * st.wl[c]
			gb.MK[c] += dsk * st.sk[c] * (1 - st.sk[c])
		}
		dsa := dP * (1 - st.alpha[c])
		dal := s.dalpha[c] + dP*(1-st.sa[c])
		gb.MA[c] += dsa * st.sa[c] * (1 - st.sa[c])
		gb.A0[c] += dal * st.alpha[c] * (1 - st.alpha[c])
		// decay = exp(-exp(wl)) (clamped)
		if st.wl[c] > -wlClamp && st.wl[c] < wlClamp {
			dwl += s.ddecay[c] * (-st.decay[c] * st.ew[c])
		}
		// wl = -softplus(-w0) - 0.5
		gset.W0[c] += dwl * sigmoid(-set.W0[c])
	}
}

// wkvForward is one token of one head: sa = S·(-kk); S' = S·diag(dec) +
// sa⊗(kk⊙α) + v⊗k; y = S'·r. Generic head size (reference for wkvForward16).
func wkvForward(N int, Sp, S, kk, k, v, r, dec, al, sa, y []float32) {
	for i := 0; i < N; i++ {
		row := Sp[i*N : i*N+N]
		var s float32
		for j := 0; j < N; j++ {
			s -= row[j] * kk[j]
		}
		sa[i] = s
	}
	for i := 0; i < N; i++ {
		row, nrow := Sp[i*N:i*N+N], S[i*N:i*N+N]
		sai, vi := sa[i], v[i]
		var yi float32
		for j := 0; j < N; j++ {
			s := row[j]*dec[j] + sai*(kk[j]*al[j]) + vi*k[j]
			nrow[j] = s
			yi += s * r[j]
		}
		y[i] = yi
	}
}

// wkvForward16 is wkvForward for N = 16 (same operation order).
func wkvForward16(Sp, S *[256]float32, kk, k, v, r, dec, al, sa, y *[16]float32) {
	var b [16]float32
	for j := range b {
		b[j] = kk[j] * al[j]
	}
	for i := 0; i < 16; i++ {
		row := (*[16]float32)(Sp[i*16 : i*16+16])
		var s float32
		for j := range 16 {
			s -= row[j] * kk[j]
		}
		sa[i] = s
	}
	for i := 0; i < 16; i++ {
		row, nrow := (*[16]float32)(Sp[i*16:i*16+16]), (*[16]float32)(S[i*16:i*16+16])
		sai, vi := sa[i], v[i]
		var yi float32
		for j := range 16 {
			s := row[j]*dec[j] + sai*b[j] + vi*k[j]
			nrow[j] = s
			yi += s * r[j]
		}
		y[i] = yi
	}
}

// wkvBackward is the reverse of wkvForward for one token of one head; dS
// holds the gradient of S' on entry and of S on exit. Generic head size.
func wkvBackward(N int, Sp, S, dS, dsa, kk, k, v, r, sa, dec, al, dy, dr, dk, dv, da, db, ddec []float32) {
	for i := 0; i < N; i++ {
		row, drow := S[i*N:i*N+N], dS[i*N:i*N+N]
		dyi := dy[i]
		var dvi, dsai float32
		for j := 0; j < N; j++ {
			dr[j] += row[j] * dyi
			d := drow[j] + dyi*r[j]
			drow[j] = d
			dvi += d * k[j]
			dsai += d * (kk[j] * al[j])
		}
		dv[i] += dvi
		dsa[i] = dsai
	}
	for i := 0; i < N; i++ {
		prow, drow := Sp[i*N:i*N+N], dS[i*N:i*N+N]
		vi, sai, dsai := v[i], sa[i], dsa[i]
		for j := 0; j < N; j++ {
			d := drow[j]
			dk[j] += d * vi
			db[j] += d * sai
			ddec[j] += d * prow[j]
			da[j] += dsai * prow[j]
			drow[j] = d*dec[j] - dsai*kk[j] // a = -kk
		}
	}
}

// wkvBackward16 is wkvBackward for N = 16 (same operation order).
func wkvBackward16(Sp, S, dS *[256]float32, kk, k, v, r, sa, dec, al, dy, dr, dk, dv, da, db, ddec *[16]float32) {
	var b, dsa [16]float32
	for j := range b {
		b[j] = kk[j] * al[j]
	}
	for i := 0; i < 16; i++ {
		row, drow := (*[16]float32)(S[i*16:i*16+16]), (*[16]float32)(dS[i*16:i*16+16])
		dyi := dy[i]
		var dvi, dsai float32
		for j := range 16 {
			dr[j] += row[j] * dyi
			d := drow[j] + dyi*r[j]
			drow[j] = d
			dvi += d * k[j]
			dsai += d * b[j]
		}
		dv[i] += dvi
		dsa[i] = dsai
	}
	for i := 0; i < 16; i++ {
		prow, drow := (*[16]float32)(Sp[i*16:i*16+16]), (*[16]float32)(dS[i*16:i*16+16])
		vi, sai, dsai := v[i], sa[i], dsa[i]
		for j := range 16 {
			d := drow[j]
			dk[j] += d * vi
			db[j] += d * sai
			ddec[j] += d * prow[j]
			da[j] += dsai * prow[j]
			drow[j] = d*dec[j] - dsai*kk[j]
		}
	}
}
