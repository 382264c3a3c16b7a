package model

// Linear maps and the HiRA reparameterisation (DualComp part 4).
//
// A linear map y = W·x over a sequence is the GEMM Y[T×Out] = X[T×In]·Wᵀ with
// W stored [Out×In]. HiRA trains y = W·x + B·(A·x) with A [R×In], B [Out×R],
// R = r·In (r = 4: a wide, high-rank branch). Because the map is linear,
// training uses the merged weight M = W + B·A for the forward and backward
// over all tokens of a step and expands the merged gradient once per step:
// dW = dM, dA = Bᵀ·dM, dB = dM·Aᵀ (exact, and T-independent in cost).
// HiRANaiveForward/Backward is the per-token reference of the same map.

func linearForward(mm MatMul, y, x, w []float32, T, in, out int) {
	mm.NT(y, x, w, T, out, in, false)
}

// linearBackward accumulates dx += dy·W and dw += dyᵀ·x.
func linearBackward(mm MatMul, dx, dw, dy, x, w []float32, T, in, out int) {
	if dx != nil {
		mm.NN(dx, dy, w, T, in, out, true)
	}
	mm.TN(dw, dy, x, out, in, T, true)
}

// HiRAParams are the trained tensors of one HiRA linear map. A and B are nil
// when HiRA is off (then the map is the plain W).
type HiRAParams struct {
	In, Out, R int
	W, A, B    []float32
}

func (h *HiRAParams) visit(v visitFn, prefix string) {
	v(prefix+".W", []int{h.Out, h.In}, &h.W)
	if h.R > 0 {
		v(prefix+".A", []int{h.R, h.In}, &h.A)
		v(prefix+".B", []int{h.Out, h.R}, &h.B)
	}
}

// Merge writes W' = W + B·A into dst [Out×In]. This is what inference uses.
func (h *HiRAParams) Merge(mm MatMul, dst []float32) {
	copy(dst, h.W)
	if h.R > 0 {
		mm.NN(dst, h.B, h.A, h.Out, h.In, h.R, true)
	}
}

// ExpandGrad turns the gradient of the merged weight into gradients of
// W, A and B (accumulating into g).
func (h *HiRAParams) ExpandGrad(mm MatMul, g *HiRAParams, dM []float32) {
	for i, d := range dM {
		g.W[i] += d
	}
	if h.R > 0 {
		mm.TN(g.A, h.B, dM, h.R, h.In, h.Out, true) // dA[R×In] += Bᵀ[R×Out]·dM[Out×In]
		mm.NT(g.B, dM, h.A, h.Out, h.R, h.In, true) // dB[Out×R] += dM[Out×In]·Aᵀ[In×R]
	}
}

// HiRANaiveForward computes y = W·x + B·(A·x) token by token; ax [T×R] is
// stored for the backward pass.
func HiRANaiveForward(h *HiRAParams, y, ax, x []float32, T int) {
	for t := 0; t < T; t++ {
		xt := x[t*h.In : (t+1)*h.In]
		for r := 0; r < h.R; r++ {
			var s float32
			for i, xv := range xt {
				s += h.A[r*h.In+i] * xv
			}
			ax[t*h.R+r] = s
		}
		for o := 0; o < h.Out; o++ {
			var s float32
			for i, xv := range xt {
				s += h.W[o*h.In+i] * xv
			}
			for r := 0; r < h.R; r++ {
				s += h.B[o*h.R+r] * ax[t*h.R+r]
			}
			y[t*h.Out+o] = s
		}
	}
}

// HiRANaiveBackward accumulates dx, g.W, g.A, g.B token by token.
func HiRANaiveBackward(h *HiRAParams, g *HiRAParams, dx, dy, ax, x []float32, T int) {
	dax := make([]float32, h.R)
	for t := 0; t < T; t++ {
		xt := x[t*h.In : (t+1)*h.In]
		dyt := dy[t*h.Out : (t+1)*h.Out]
		clear(dax)
		for o, d := range dyt {
			for i, xv := range xt {
				g.W[o*h.In+i] += d * xv
				dx[t*h.In+i] += d * h.W[o*h.In+i]
			}
			for r := 0; r < h.R; r++ {
				g.B[o*h.R+r] += d * ax[t*h.R+r]
				dax[r] += d * h.B[o*h.R+r]
			}
		}
		for r, d := range dax {
			for i, xv := range xt {
				g.A[r*h.In+i] += d * xv
				dx[t*h.In+i] += d * h.A[r*h.In+i]
			}
		}
	}
}
