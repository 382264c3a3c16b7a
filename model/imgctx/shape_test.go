package imgctx

import (
	"math/rand/v2"
	"testing"
)

// logitsRef is Logits's render before kernel.ShapeLogits (issue #16):
// three loops, below, inside and beyond the table. The kernel must give
// the same logits for every blend and scale Prepare can produce.
func logitsRef(dst []int32, t *shapeTable, blend, inv int32) {
	acc := -blend * inv
	step := inv << PredBits
	lo, hi := t.logit[0], t.logit[shapeBins-1]
	v := 0
	for ; v < 256; v++ {
		b := acc>>shapeInvSh + shapeCenter
		if b >= 0 {
			break
		}
		dst[v] = lo + b*shapeTail
		acc += step
	}
	for ; v < 256; v++ {
		b := acc>>shapeInvSh + shapeCenter
		if b >= shapeBins {
			break
		}
		dst[v] = t.logit[uint8(b)]
		acc += step
	}
	for ; v < 256; v++ {
		b := acc>>shapeInvSh + shapeCenter
		dst[v] = hi - (b-shapeBins+1)*shapeTail
		acc += step
	}
}

func TestShapeLogits(t *testing.T) {
	r := rand.New(rand.NewPCG(18, 1))
	cx := Context{shape: make([]shapeTable, 1)}
	for i := range 20000 {
		st := &cx.shape[0]
		for k := range st.logit {
			st.logit[k] = int32(r.IntN(1<<16)) - 1<<15
		}
		cx.shapeCtx = 0
		cx.prepared = true
		cx.f.Blend = int32(r.IntN(256 << PredBits))
		cx.f.Scale = minScale + int32(r.IntN(1<<12))
		if i%3 == 0 {
			cx.f.Scale = minScale + int32(r.IntN(64))
		}
		var got, want [256]int32
		cx.Logits(got[:])
		logitsRef(want[:], st, cx.f.Blend, cx.invScale())
		if got != want {
			t.Fatalf("blend %d scale %d: Logits differs from the reference", cx.f.Blend, cx.f.Scale)
		}
	}
}
