package train

import (
	"math"

	"github.com/dcar-archiver/dcar/model"
)

// Stepper runs the network one sample at a time (the decoder's order),
// in plain float32 loops, carrying the time-mix state.
type Stepper struct {
	n                       *Net
	w                       tmWork
	h1, hp, hr, h2, o       []float32
	xr, xk, xv, r, kr, v, y []float32
	sa                      []float32
	S                       []float32
}

// NewStepper returns a stepper at a sequence start.
func (n *Net) NewStepper() *Stepper {
	H := n.Cfg.H
	s := &Stepper{n: n}
	for _, p := range []*[]float32{&s.h1, &s.hp, &s.hr, &s.h2, &s.xr, &s.xk, &s.xv, &s.r, &s.kr, &s.v, &s.y, &s.sa} {
		*p = make([]float32, H)
	}
	s.o = make([]float32, model.NOut)
	s.S = make([]float32, H*model.HeadN)
	copy(s.hp, n.St)
	if n.Cfg.Rec {
		n.tmStatic(&s.w)
	}
	return s
}

// Reset starts a new sequence.
func (s *Stepper) Reset() {
	clear(s.hp)
	copy(s.hp, s.n.St)
	clear(s.S)
}

func matvec(y, w, x, b []float32, in int) {
	for i := range y {
		row := w[i*in : (i+1)*in]
		var acc float32
		for j, xv := range x[:in] {
			acc += row[j] * xv
		}
		if b != nil {
			acc += b[i]
		}
		y[i] = acc
	}
}

// Delta computes the delta logits (nats) of one sample.
func (s *Stepper) Delta(delta, feat, aux []float32) {
	s.DeltaHead(delta, feat, aux, s.n.W3, s.n.B3)
}

// DeltaHead is Delta with the head's matrix and bias given.
func (s *Stepper) DeltaHead(delta, feat, aux, W3, B3 []float32) {
	n := s.n
	H := n.Cfg.H
	matvec(s.h1, n.W1, feat, n.B1, model.NF)
	for i, v := range s.h1 {
		s.h1[i] = max(v, 0)
	}
	hr := s.h1
	if n.Cfg.Rec {
		for c := 0; c < H; c++ {
			dl := s.hp[c] - s.h1[c]
			s.xr[c] = s.h1[c] + dl*n.MuR[c]
			s.xk[c] = s.h1[c] + dl*n.MuK[c]
			s.xv[c] = s.h1[c] + dl*n.MuV[c]
		}
		matvec(s.r, n.Wr, s.xr, nil, H)
		matvec(s.kr, n.Wk, s.xk, nil, H)
		matvec(s.v, n.Wv, s.xv, nil, H)
		var kk [model.HeadN]float32
		var Sn [model.HeadN * model.HeadN]float32
		for hh := 0; hh < H/model.HeadN; hh++ {
			o := hh * model.HeadN
			var ss float64
			for j := 0; j < model.HeadN; j++ {
				ss += float64(s.kr[o+j]) * float64(s.kr[o+j])
			}
			nm := float32(math.Sqrt(ss + 1e-12))
			for j := range kk {
				kk[j] = s.kr[o+j] / nm
			}
			S := s.S[hh*model.HeadN*model.HeadN : (hh+1)*model.HeadN*model.HeadN]
			wkvForward(model.HeadN, S, Sn[:], kk[:], s.kr[o:o+model.HeadN], s.v[o:o+model.HeadN], s.r[o:o+model.HeadN],
				s.w.dec[o:o+model.HeadN], s.w.al[o:o+model.HeadN], s.sa[o:o+model.HeadN], s.y[o:o+model.HeadN])
			copy(S, Sn[:])
		}
		for c := 0; c < H; c++ {
			s.y[c] *= sigm(s.xr[c])
		}
		matvec(s.hr, n.Wo, s.y, nil, H)
		for c := 0; c < H; c++ {
			s.hr[c] += s.h1[c]
		}
		copy(s.hp, s.h1)
		hr = s.hr
	}
	matvec(s.h2, n.W2, hr, n.B2, H)
	for i, v := range s.h2 {
		s.h2[i] = max(v, 0)
	}
	matvec(s.o, W3, s.h2, B3, H)
	render(delta, s.o, aux)
}
