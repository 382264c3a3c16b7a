package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/dcar-archiver/dcar/model/kernel"
)

// renderQRef is renderQ before the render window (issue #16): every
// value interpolated, none filled. renderQ must give the same logits
// and cells for any features and head outputs.
func renderQRef(logits []int32, o []int32, f *imgctx.Features, ri *[256]uint8, rf *[256]int32) {
	logits = logits[:256]
	o = o[:NOut]
	bl, sc := int64(f.Blend), int64(max(f.Scale, 1))
	var delta [256]int64
	inv := (int64(1) << 40) / sc
	// acc = (16v - Blend)·inv, stepped exactly
	acc, step := -bl*inv, 16*inv
	for v := range delta {
		qv := max(0, min(2*RelJ<<16, acc>>23+RelJ<<16))
		acc += step
		i0, fr := qv>>16, qv&0xffff
		ri[v], rf[v] = uint8(i0), int32(fr)
		a, b := int64(o[i0]), int64(o[i0+1])
		delta[v] = a + ((b-a)*fr)>>16
	}
	invH := (int64(1) << 32) / sc
	for k := 0; k < imgctx.NumPred; k++ {
		bk := int64(o[NRel+k])
		if bk == 0 {
			continue
		}
		p := int64(f.Pred[k])
		lo, hi := max(0, (p-sc)>>4), min(255, (p+sc)>>4)
		for v := lo; v <= hi; v++ {
			d := int64(16*v) - p
			if d < 0 {
				d = -d
			}
			if e := 65536 - (d*invH)>>16; e > 0 {
				delta[v] += (bk * e) >> 16
			}
		}
	}
	for v := range logits {
		logits[v] += int32(max(-1<<30, min(1<<30, (delta[v]+8)>>4)))
	}
}

// TestRenderWindow checks renderQ against renderQRef on random and
// extreme blends, scales and head outputs, and that the window it
// returns is where the cells are not clamped.
func TestRenderWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 1))
	for i := range 20000 {
		var f imgctx.Features
		f.Blend = int32(r.IntN(256*16+64)) - 32
		switch i % 4 {
		case 0:
			f.Scale = int32(r.IntN(8)) // 0 is taken as 1
		case 1:
			f.Scale = int32(r.IntN(400))
		default:
			f.Scale = int32(r.IntN(1 << 16))
		}
		for k := range f.Pred {
			f.Pred[k] = int32(r.IntN(256*16+200)) - 100
		}
		var o [NOut]int32
		for k := range o {
			o[k] = int32(r.IntN(1<<20)) - 1<<19
			if r.IntN(8) == 0 {
				o[k] = 0
			}
		}
		var l1, l2 [256]int32
		for v := range l1 {
			l1[v] = int32(r.IntN(1<<16)) - 1<<15
		}
		l2 = l1
		var ri1, ri2 [256]uint8
		var rf1, rf2 [256]int32
		renderQRef(l1[:], o[:], &f, &ri1, &rf1)
		var delta [256]int64
		rw := renderQ(l2[:], o[:], &f, &ri2, &rf2, &delta)
		// renderQ sets the cells only inside its window (Adapt reads no
		// others).
		if l1 != l2 || !slices.Equal(ri1[rw.lo:rw.hi], ri2[rw.lo:rw.hi]) || !slices.Equal(rf1[rw.lo:rw.hi], rf2[rw.lo:rw.hi]) {
			t.Fatalf("blend %d scale %d: renderQ differs from the reference", f.Blend, f.Scale)
		}
		for v := range 256 {
			inside := !(ri1[v] == 0 && rf1[v] == 0) && !(ri1[v] == 2*RelJ && rf1[v] == 0)
			if inside && (v < rw.lo || v >= rw.hi) {
				t.Fatalf("blend %d scale %d: value %d (cell %d, %d) outside window %v", f.Blend, f.Scale, v, ri1[v], rf1[v], rw)
			}
		}
	}
}

// prepScale's parameters, applied by kernel.RescaleS16 (as the time-mix
// does), give Sat16((x·Mult + 1<<Shift>>1) >> Shift) with Go's shift
// semantics for every Shift, 64 and more included.
func TestRescaleShifts(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2))
	for sh := uint8(0); sh < 80; sh++ {
		for range 200 {
			m := int32(r.Uint32() >> 1)
			x := int16(r.Uint32())
			want := int16(max(-32768, min(32767, (int64(x)*int64(m)+int64(1)<<sh>>1)>>sh)))
			rs := prepScale(kernel.Scale{Mult: m, Shift: sh})
			got := []int16{0}
			kernel.RescaleS16(got, []int16{x}, rs.m, rs.half, rs.sh)
			if got[0] != want {
				t.Fatalf("shift %d mult %d x %d: %d, want %d", sh, m, x, got[0], want)
			}
		}
	}
}
