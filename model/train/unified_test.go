package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestUnifiedGrad checks Grad (scatter of both modalities' gradients and
// the HiRA expansion) against finite differences of the summed loss.
func TestUnifiedGrad(t *testing.T) {
	for _, cfg := range []UConfig{
		{H: 32, Switch: true, MoE: true, Hs: 16, HiRA: 1},
		{H: 32, HiRA: 0},
	} {
		bi := testBatch(t, 8, 4, 12)
		bt := textBatch(96, 12)
		u, err := NewUnified(cfg, nil, 3)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 4))
		for i := range u.U {
			u.U[i] += float32(rng.NormFloat64() * 0.05)
		}
		loss := func() float64 {
			u.Sync()
			var w Work
			return u.Img.Forward(bi, &w, nil, false)/float64(bi.R) + u.Txt.Forward(bt, &w, nil, false)/float64(bt.R)
		}
		u.Sync()
		var w Work
		gI := make([]float32, len(u.Img.P))
		gT := make([]float32, len(u.Txt.P))
		u.Img.Forward(bi, &w, gI, false)
		u.Txt.Forward(bt, &w, gT, false)
		g := make([]float32, len(u.U))
		u.Grad(g, gI, gT)
		bad, checked := 0, 0
		for trial := 0; trial < 200; trial++ {
			i := rng.IntN(len(u.U))
			if g[i] == 0 && trial%3 != 0 {
				continue
			}
			num := numGrad(u.U, i, 1e-3, loss)
			checked++
			if math.Abs(num-float64(g[i])) > 3e-3+0.05*math.Abs(float64(g[i])) {
				bad++
				t.Logf("%+v param %d: analytic %.6g numeric %.6g", cfg, i, g[i], num)
			}
		}
		if checked < 40 || bad*25 > checked {
			t.Errorf("%+v: %d of %d gradients mismatch", cfg, bad, checked)
		}
	}
}

// A shared tensor is one parameter: both effective networks see it.
func TestUnifiedSharing(t *testing.T) {
	u, err := NewUnified(UConfig{H: 32, Switch: true, MoE: true, Hs: 16, HiRA: 1}, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.U {
		u.U[i] = float32(i%97) * 0.01
	}
	u.Sync()
	for i := range u.Img.Wo {
		if u.Img.Wo[i] != u.Txt.Wo[i] {
			t.Fatal("Wo not shared")
		}
	}
	H := 32
	for i := 0; i < 16*H; i++ {
		if u.Img.W2[i] != u.Txt.W2[i] {
			t.Fatal("shared expert not shared")
		}
	}
	same := 0
	for i := 16 * H; i < H*H; i++ {
		if u.Img.W2[i] == u.Txt.W2[i] {
			same++
		}
	}
	if same == H*H-16*H {
		t.Fatal("modality experts shared")
	}
	if u.Img.Wr[5] == u.Txt.Wr[5] && u.Img.Wr[6] == u.Txt.Wr[6] {
		t.Fatal("time-mix sets not switched")
	}
}
