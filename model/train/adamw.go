package train

import "math"

// AdamW is a plain AdamW optimiser over a parameter vector (a Net's P,
// or a Unified's U) with a weight-decay mask (decay applies to the
// weight matrices only).
type AdamW struct {
	LR, B1, B2, Eps, WD float64
	m, v                []float32
	t                   int
}

// NewAdamWN returns an optimiser for np parameters.
func NewAdamWN(np int, lr, wd float64) *AdamW {
	return &AdamW{LR: lr, B1: 0.9, B2: 0.99, Eps: 1e-8, WD: wd, m: make([]float32, np), v: make([]float32, np)}
}

// NewAdamW returns an optimiser for n.
func NewAdamW(n *Net, lr, wd float64) *AdamW {
	return NewAdamWN(len(n.P), lr, wd)
}

// Step is StepParams on n's parameters and weight-decay mask.
func (o *AdamW) Step(n *Net, g []float32, lr, clip float64) float64 {
	return o.StepParams(n.P, n.decayMask, g, lr, clip)
}

// StepParams applies one update to P (weight decay where decay is true)
// with gradient g, clipped to global norm clip if clip > 0, and learning
// rate lr; it returns the gradient's norm before clipping.
func (o *AdamW) StepParams(P []float32, decay []bool, g []float32, lr, clip float64) float64 {
	var ss float64
	for _, x := range g {
		ss += float64(x) * float64(x)
	}
	norm := math.Sqrt(ss)
	sc := 1.0
	if clip > 0 && norm > clip {
		sc = clip / norm
	}
	o.t++
	bc1 := 1 - math.Pow(o.B1, float64(o.t))
	bc2 := 1 - math.Pow(o.B2, float64(o.t))
	for i, gi := range g {
		gg := float64(gi) * sc
		m := o.B1*float64(o.m[i]) + (1-o.B1)*gg
		v := o.B2*float64(o.v[i]) + (1-o.B2)*gg*gg
		o.m[i], o.v[i] = float32(m), float32(v)
		p := float64(P[i])
		if decay[i] {
			p -= lr * o.WD * p
		}
		p -= lr * (m / bc1) / (math.Sqrt(v/bc2) + o.Eps)
		P[i] = float32(p)
	}
	return norm
}
