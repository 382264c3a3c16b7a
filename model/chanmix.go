package model

// ReLU² channel-mix with modality-routing MoE (DualComp part 3):
//
//	h2  = LN2(x)
//	out = x + FFN_shared(h2) [+ FFN_expert[m](h2)]    FFN(h) = W2·relu(W1·h)²
//
// Routing is hard, by the sequence's modality m: one expert per token, so
// inference costs a dense FFN of the same total width.

type ffnActs struct {
	pre, q []float32 // [T×Hidden]: W1·h, relu(W1·h)²
}

type cmActs struct {
	h2  []float32
	ln2 NormCache
	ffn [2]ffnActs // shared, expert
}

func ffnForward(mm MatMul, f *FFNParams, a *ffnActs, out, h []float32, T, D int) {
	a.pre = grow(a.pre, T*f.Hidden)
	a.q = grow(a.q, T*f.Hidden)
	linearForward(mm, a.pre, h, f.W1, T, D, f.Hidden)
	for i, p := range a.pre[:T*f.Hidden] {
		if p > 0 {
			a.q[i] = p * p
		} else {
			a.q[i] = 0
		}
	}
	mm.NT(out, a.q, f.W2, T, D, f.Hidden, true) // out += q·W2ᵀ
}

// ffnBackward accumulates dh and the weight gradients; dq is scratch.
func ffnBackward(mm MatMul, f, gf *FFNParams, a *ffnActs, dq, dh, dout, h []float32, T, D int) {
	n := T * f.Hidden
	linearBackward(mm, nil, gf.W2, dout, a.q, f.W2, T, f.Hidden, D)
	mm.NN(dq[:n], dout, f.W2, T, f.Hidden, D, false)
	for i, p := range a.pre[:n] {
		if p > 0 {
			dq[i] *= 2 * p
		} else {
			dq[i] = 0
		}
	}
	linearBackward(mm, dh, gf.W1, dq[:n], h, f.W1, T, D, f.Hidden)
}

// experts returns the FFNs that are active for modality m.
func (b *BlockParams) experts(m Modality) []*FFNParams {
	if b.Experts == nil {
		return []*FFNParams{&b.Shared}
	}
	return []*FFNParams{&b.Shared, &b.Experts[m]}
}

func chanMixForward(mm MatMul, b *BlockParams, m Modality, a *cmActs, out, x []float32, T, D int) {
	a.h2 = grow(a.h2, T*D)
	groupNormForward(a.h2, &a.ln2, x, b.LN2W, b.LN2B, T, D, 1, lnEps)
	copy(out[:T*D], x[:T*D])
	for e, f := range b.experts(m) {
		ffnForward(mm, f, &a.ffn[e], out, a.h2, T, D)
	}
}

// chanMixBackward accumulates dx from dout (dout is the gradient of out).
func chanMixBackward(mm MatMul, b, gb *BlockParams, m Modality, a *cmActs, scratch *[]float32, dh2 []float32,
	dx, dout, x []float32, T, D int) {
	for i := 0; i < T*D; i++ {
		dx[i] += dout[i]
	}
	clear(dh2[:T*D])
	gex := gb.experts(m)
	for e, f := range b.experts(m) {
		*scratch = grow(*scratch, T*f.Hidden)
		ffnBackward(mm, f, gex[e], &a.ffn[e], *scratch, dh2, dout, a.h2, T, D)
	}
	groupNormBackward(dx, gb.LN2W, gb.LN2B, dh2, x, b.LN2W, &a.ln2, T, D, 1)
}
