package model

import "math"

// Normalisation layers over [T×D] activations, row-major per token.
//
// groupNorm normalises each of the G groups of D/G channels of every token to
// zero mean and unit variance, then applies a per-channel affine (w, b).
// LayerNorm is G = 1; RWKV-7's per-head GroupNorm is G = heads.

// NormCache holds what the backward pass needs (mean and 1/std per group).
type NormCache struct {
	Mean, Rstd []float32 // [T×G]
}

func (c *NormCache) ensure(n int) {
	c.Mean = grow(c.Mean, n)
	c.Rstd = grow(c.Rstd, n)
}

// groupNormForward: out = (x-mean)*rstd*w + b per group.
func groupNormForward(out []float32, cache *NormCache, x, w, b []float32, T, D, G int, eps float32) {
	cache.ensure(T * G)
	gs := D / G
	for t := 0; t < T; t++ {
		for g := 0; g < G; g++ {
			xs := x[t*D+g*gs : t*D+g*gs+gs]
			var m float64
			for _, v := range xs {
				m += float64(v)
			}
			m /= float64(gs)
			var v2 float64
			for _, v := range xs {
				d := float64(v) - m
				v2 += d * d
			}
			v2 /= float64(gs)
			rs := 1 / math.Sqrt(v2+float64(eps))
			cache.Mean[t*G+g] = float32(m)
			cache.Rstd[t*G+g] = float32(rs)
			os := out[t*D+g*gs : t*D+g*gs+gs]
			ws, bs := w[g*gs:g*gs+gs], b[g*gs:g*gs+gs]
			for i, v := range xs {
				os[i] = (v-float32(m))*float32(rs)*ws[i] + bs[i]
			}
		}
	}
}

// groupNormBackward accumulates dx, dw, db from dout.
func groupNormBackward(dx, dw, db, dout, x, w []float32, cache *NormCache, T, D, G int) {
	gs := D / G
	for t := 0; t < T; t++ {
		for g := 0; g < G; g++ {
			o := t*D + g*gs
			xs, dos, dxs := x[o:o+gs], dout[o:o+gs], dx[o:o+gs]
			ws, dws, dbs := w[g*gs:g*gs+gs], dw[g*gs:g*gs+gs], db[g*gs:g*gs+gs]
			m, rs := cache.Mean[t*G+g], cache.Rstd[t*G+g]
			// dxhat = dout*w; dx = rs*(dxhat - mean(dxhat) - xhat*mean(dxhat*xhat))
			var s1, s2 float32
			for i := range xs {
				xh := (xs[i] - m) * rs
				dxh := dos[i] * ws[i]
				s1 += dxh
				s2 += dxh * xh
				dws[i] += dos[i] * xh
				dbs[i] += dos[i]
			}
			s1 /= float32(gs)
			s2 /= float32(gs)
			for i := range xs {
				xh := (xs[i] - m) * rs
				dxh := dos[i] * ws[i]
				dxs[i] += rs * (dxh - s1 - xh*s2)
			}
		}
	}
}

// rmsNormForward: out = x / sqrt(mean(x²)+eps) * w. cache.Rstd[t] is stored.
func rmsNormForward(out []float32, cache *NormCache, x, w []float32, T, D int, eps float32) {
	cache.ensure(T)
	for t := 0; t < T; t++ {
		xs := x[t*D : t*D+D]
		var ss float64
		for _, v := range xs {
			ss += float64(v) * float64(v)
		}
		rs := float32(1 / math.Sqrt(ss/float64(D)+float64(eps)))
		cache.Rstd[t] = rs
		os := out[t*D : t*D+D]
		for i, v := range xs {
			os[i] = v * rs * w[i]
		}
	}
}

// rmsNormBackward accumulates dx and dw.
func rmsNormBackward(dx, dw, dout, x, w []float32, cache *NormCache, T, D int) {
	for t := 0; t < T; t++ {
		xs, dos, dxs := x[t*D:t*D+D], dout[t*D:t*D+D], dx[t*D:t*D+D]
		rs := cache.Rstd[t]
		// y_i = x_i*rs*w_i, rs = (mean(x²)+eps)^-1/2; drs/dx_i = -rs³ x_i / D
		var s float32
		for i := range xs {
			s += dos[i] * w[i] * xs[i]
			dw[i] += dos[i] * xs[i] * rs
		}
		c := s * rs * rs * rs / float32(D)
		for i := range xs {
			dxs[i] += dos[i]*w[i]*rs - c*xs[i]
		}
	}
}
