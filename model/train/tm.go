package train

import (
	"math"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// The time-mix: a simplified RWKV-7 layer over the sequence (the raster
// order of sub-pixels, or the bytes of a text segment), hidden size H in
// heads of HeadN, one modality's parameter set (Unified gathers the
// image or the text set into each Net):
//
//	xr = h + (h_{t-1}-h)⊙μr   (same for xk, xv; h_{t-1} = St, or 0 without it, at a sequence start)
//	r = Wr·xr; kr = Wk·xk; v = Wv·xv; g = σ(xr); kk = kr/‖kr‖ per head; k = kr
//	per head: sa = S·(-kk); S = S·diag(decay) + sa⊗(kk⊙α) + v⊗k; y = S·r
//	out = h + Wo·(y⊙g)
//
// decay = exp(-exp(-softplus(-w0)-0.5)) and α = σ(a0) are static per
// channel (not computed from the input, unlike RWKV-7), and the layer
// has no GroupNorm, bonus term or value residual. The state S starts at
// zero in every sequence. tmForward runs a batch of sequences,
// tmBackward its gradient; Stepper runs the same math one step at a
// time, and model.QNet in integers.

type tmWork struct {
	xr, xk, xv, r, kr, kk, knorm, v, g, y, z []float32
	sa, states                               []float32
	dec, ew, al                              []float32
	zero                                     []float32
	// backward
	dz, dxr, dxk, dxv, dr, dk, dv, dkk, da, db, dsa, dS []float32
}

// tmStatic sets the per-channel decay (and exp(wl), for the backward
// pass) and α of the time-mix from W0 and A0.
func (n *Net) tmStatic(w *tmWork) {
	H := n.Cfg.H
	w.dec, w.ew, w.al = grow(w.dec, H), grow(w.ew, H), grow(w.al, H)
	for c := 0; c < H; c++ {
		w0 := float64(n.W0[c])
		sp := math.Log1p(math.Exp(-math.Abs(w0))) + math.Max(-w0, 0)
		ew := math.Exp(-sp - 0.5)
		w.ew[c] = float32(ew)
		w.dec[c] = float32(math.Exp(-ew))
		w.al[c] = sigm(n.A0[c])
	}
}

// shiftPrev is the token shift's h_{t-1} of channel c at row r of a
// batch: the previous row's h, or at a sequence start the start vector
// (zero without one).
func (n *Net) shiftPrev(h []float32, first []bool, r, c int) float32 {
	if !first[r] {
		return h[(r-1)*n.Cfg.H+c]
	}
	if n.St != nil {
		return n.St[c]
	}
	return 0
}

// tmForward writes the time-mix output for h (R rows; a sequence starts
// where first is true) into out and keeps in w what tmBackward needs.
func (n *Net) tmForward(w *tmWork, out, h []float32, first []bool, R int) {
	H := n.Cfg.H
	Hh := H / model.HeadN
	NN := model.HeadN * model.HeadN
	n.tmStatic(w)
	for _, p := range []*[]float32{&w.xr, &w.xk, &w.xv, &w.r, &w.kr, &w.kk, &w.v, &w.g, &w.y, &w.z, &w.sa} {
		*p = grow(*p, R*H)
	}
	w.knorm = grow(w.knorm, R*Hh)
	w.states = grow(w.states, R*Hh*NN)
	w.zero = grow(w.zero, NN)
	clear(w.zero)
	for r := 0; r < R; r++ {
		for c := 0; c < H; c++ {
			i := r*H + c
			hc := h[i]
			dl := n.shiftPrev(h, first, r, c) - hc
			w.xr[i] = hc + dl*n.MuR[c]
			w.xk[i] = hc + dl*n.MuK[c]
			w.xv[i] = hc + dl*n.MuV[c]
		}
	}
	kernel.SgemmNT(R, H, H, w.xr, H, n.Wr, H, w.r, H, false)
	kernel.SgemmNT(R, H, H, w.xk, H, n.Wk, H, w.kr, H, false)
	kernel.SgemmNT(R, H, H, w.xv, H, n.Wv, H, w.v, H, false)
	for i := 0; i < R*H; i++ {
		w.g[i] = sigm(w.xr[i])
	}
	for r := 0; r < R; r++ {
		for hh := 0; hh < Hh; hh++ {
			o := r*H + hh*model.HeadN
			var ss float64
			for j := 0; j < model.HeadN; j++ {
				ss += float64(w.kr[o+j]) * float64(w.kr[o+j])
			}
			nm := float32(math.Sqrt(ss + 1e-12))
			w.knorm[r*Hh+hh] = nm
			for j := 0; j < model.HeadN; j++ {
				w.kk[o+j] = w.kr[o+j] / nm
			}
		}
	}
	for r := 0; r < R; r++ {
		for hh := 0; hh < Hh; hh++ {
			o := r*H + hh*model.HeadN
			Sp := w.zero
			if !first[r] {
				Sp = w.states[((r-1)*Hh+hh)*NN : ((r-1)*Hh+hh+1)*NN]
			}
			S := w.states[(r*Hh+hh)*NN : (r*Hh+hh+1)*NN]
			wkvForward(model.HeadN, Sp, S, w.kk[o:o+model.HeadN], w.kr[o:o+model.HeadN], w.v[o:o+model.HeadN], w.r[o:o+model.HeadN],
				w.dec[hh*model.HeadN:hh*model.HeadN+model.HeadN], w.al[hh*model.HeadN:hh*model.HeadN+model.HeadN], w.sa[o:o+model.HeadN], w.y[o:o+model.HeadN])
		}
	}
	for i := 0; i < R*H; i++ {
		w.z[i] = w.y[i] * w.g[i]
	}
	kernel.SgemmNT(R, H, H, w.z, H, n.Wo, H, out, H, false)
	for i := 0; i < R*H; i++ {
		out[i] += h[i]
	}
}

// tmBackward: dout is the gradient of tmForward's output; writes dh
// (gradient of h) and accumulates parameter gradients into g.
func (n *Net) tmBackward(w *tmWork, g *Net, dh, dout, h []float32, first []bool, R int) {
	H := n.Cfg.H
	Hh := H / model.HeadN
	NN := model.HeadN * model.HeadN
	for _, p := range []*[]float32{&w.dz, &w.dxr, &w.dxk, &w.dxv, &w.dr, &w.dk, &w.dv, &w.dkk, &w.da, &w.db} {
		*p = grow(*p, R*H)
		clear(*p)
	}
	w.dsa = grow(w.dsa, model.HeadN)
	w.dS = grow(w.dS, Hh*NN)
	copy(dh, dout[:R*H])
	kernel.SgemmTN(H, H, R, dout, H, w.z, H, g.Wo, H, true)
	kernel.SgemmNN(R, H, H, dout, H, n.Wo, H, w.dz, H, false)
	dy := w.dz // reuse after computing dg
	for i := 0; i < R*H; i++ {
		gi := w.g[i]
		w.dxr[i] = w.dz[i] * w.y[i] * gi * (1 - gi)
		dy[i] = w.dz[i] * gi
	}
	ddec := make([]float32, H)
	dal := make([]float32, H)
	for r := R - 1; r >= 0; r-- {
		if r == R-1 || first[r+1] {
			clear(w.dS)
		}
		for hh := 0; hh < Hh; hh++ {
			o := r*H + hh*model.HeadN
			e := o + model.HeadN
			Sp := w.zero
			if !first[r] {
				Sp = w.states[((r-1)*Hh+hh)*NN : ((r-1)*Hh+hh+1)*NN]
			}
			S := w.states[(r*Hh+hh)*NN : (r*Hh+hh+1)*NN]
			c0 := hh * model.HeadN
			wkvBackward(model.HeadN, Sp, S, w.dS[hh*NN:(hh+1)*NN], w.dsa, w.kk[o:e], w.kr[o:e], w.v[o:e], w.r[o:e], w.sa[o:e],
				w.dec[c0:c0+model.HeadN], w.al[c0:c0+model.HeadN], dy[o:e], w.dr[o:e], w.dk[o:e], w.dv[o:e], w.da[o:e], w.db[o:e], ddec[c0:c0+model.HeadN])
		}
	}
	// kk = kr/‖kr‖ (a = -kk, b = kk⊙α), k = kr
	for r := 0; r < R; r++ {
		for hh := 0; hh < Hh; hh++ {
			o := r*H + hh*model.HeadN
			nm := w.knorm[r*Hh+hh]
			var dot float32
			for j := 0; j < model.HeadN; j++ {
				c := hh*model.HeadN + j
				dkk := -w.da[o+j] + w.db[o+j]*w.al[c]
				dal[c] += w.db[o+j] * w.kk[o+j]
				w.dkk[o+j] = dkk
				dot += dkk * w.kk[o+j]
			}
			for j := 0; j < model.HeadN; j++ {
				w.dk[o+j] += (w.dkk[o+j] - w.kk[o+j]*dot) / nm
			}
		}
	}
	for c := 0; c < H; c++ {
		// dec = exp(-ew), ew = exp(wl), wl = -softplus(-w0) - 0.5
		g.W0[c] += ddec[c] * (-w.dec[c] * w.ew[c]) * sigm(-n.W0[c])
		g.A0[c] += dal[c] * w.al[c] * (1 - w.al[c])
	}
	kernel.SgemmTN(H, H, R, w.dr, H, w.xr, H, g.Wr, H, true)
	kernel.SgemmTN(H, H, R, w.dk, H, w.xk, H, g.Wk, H, true)
	kernel.SgemmTN(H, H, R, w.dv, H, w.xv, H, g.Wv, H, true)
	kernel.SgemmNN(R, H, H, w.dr, H, n.Wr, H, w.dxr, H, true)
	kernel.SgemmNN(R, H, H, w.dk, H, n.Wk, H, w.dxk, H, false)
	kernel.SgemmNN(R, H, H, w.dv, H, n.Wv, H, w.dxv, H, false)
	for r := 0; r < R; r++ {
		for c := 0; c < H; c++ {
			i := r*H + c
			hc := h[i]
			dl := n.shiftPrev(h, first, r, c) - hc
			ar, ak, av := w.dxr[i], w.dxk[i], w.dxv[i]
			g.MuR[c] += ar * dl
			g.MuK[c] += ak * dl
			g.MuV[c] += av * dl
			dh[i] += ar*(1-n.MuR[c]) + ak*(1-n.MuK[c]) + av*(1-n.MuV[c])
			if !first[r] {
				dh[i-H] += ar*n.MuR[c] + ak*n.MuK[c] + av*n.MuV[c]
			} else if n.St != nil {
				g.St[c] += ar*n.MuR[c] + ak*n.MuK[c] + av*n.MuV[c]
			}
		}
	}
}

// wkvForward is one token of one head:
// sa = S·(-kk); S' = S·diag(dec) + sa⊗(kk⊙α) + v⊗k; y = S'·r.
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

// wkvBackward is the reverse of wkvForward: dS holds the gradient of S'
// on entry and of S on exit; da is the gradient of a = -kk, db of
// b = kk⊙α.
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
			drow[j] = d*dec[j] - dsai*kk[j]
		}
	}
}
