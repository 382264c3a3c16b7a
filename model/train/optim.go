// Package train trains the unified model: AdamW with warmup + cosine
// schedule, global gradient-norm clipping, deterministic multi-goroutine
// gradient computation, periodic validation and atomic, exactly resumable
// checkpoints.
package train

import "math"

// AdamW is Adam with decoupled weight decay, applied to the tensors marked
// in decay (matrices), not to gains, biases and mix vectors.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
	M, V                           []float32
	decay                          []bool // per element
}

func NewAdamW(n int, decay []bool, b1, b2, eps, wd float64) *AdamW {
	return &AdamW{Beta1: b1, Beta2: b2, Eps: eps, WeightDecay: wd,
		M: make([]float32, n), V: make([]float32, n), decay: decay}
}

// Update applies one step (step counts from 1) with learning rate lr.
func (o *AdamW) Update(params, grads []float32, lr float64, step int) {
	b1, b2 := float32(o.Beta1), float32(o.Beta2)
	bc1 := 1 - math.Pow(o.Beta1, float64(step))
	bc2 := 1 - math.Pow(o.Beta2, float64(step))
	alpha := float32(lr / bc1)
	ib2 := float32(1 / math.Sqrt(bc2))
	eps := float32(o.Eps)
	wd := float32(lr * o.WeightDecay)
	for i, g := range grads {
		m := b1*o.M[i] + (1-b1)*g
		v := b2*o.V[i] + (1-b2)*g*g
		o.M[i], o.V[i] = m, v
		p := params[i]
		if o.decay[i] {
			p -= wd * p
		}
		params[i] = p - alpha*m/(float32(math.Sqrt(float64(v)))*ib2+eps)
	}
}

// LR returns the learning rate at step (1-based): linear warmup to peak,
// then cosine decay to minLR at total.
func LR(step, warmup, total int, peak, minLR float64) float64 {
	if step <= warmup {
		return peak * float64(step) / float64(max(warmup, 1))
	}
	if step >= total {
		return minLR
	}
	p := float64(step-warmup) / float64(max(total-warmup, 1))
	return minLR + 0.5*(peak-minLR)*(1+math.Cos(math.Pi*p))
}

// ClipGradNorm scales g so its L2 norm is at most maxNorm (if maxNorm > 0)
// and returns the norm before clipping.
func ClipGradNorm(g []float32, maxNorm float64) float64 {
	var s float64
	for _, v := range g {
		s += float64(v) * float64(v)
	}
	n := math.Sqrt(s)
	if maxNorm > 0 && n > maxNorm {
		c := float32(maxNorm / n)
		for i := range g {
			g[i] *= c
		}
	}
	return n
}
