package kernel

import (
	"fmt"
	"testing"
)

// elemLengths covers empty, tails of every width and multi-block lengths.
var elemLengths = []int{0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257}

// extremeI16 mixes extreme and random int16 values.
func extremeI16(r *rng, n int) []int16 {
	ext := []int16{-32768, 32767, 0, 1, -1, 255, -256, 128, -128, 16384, -16384}
	v := make([]int16, n)
	for i := range v {
		if r.intn(3) == 0 {
			v[i] = ext[r.intn(len(ext))]
		} else {
			v[i] = int16(r.next())
		}
	}
	return v
}

func sameSlices[T comparable](t *testing.T, what string, got, want []T) bool {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
			return false
		}
	}
	return true
}

// TestElemImpls checks every implementation's element-wise kernels against
// the generic ones, bit for bit, and that nothing is written past len(dst).
func TestElemImpls(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			r := rng(40)
			e, g := im.elem, genericElem
			for _, n := range elemLengths {
				a := extremeI16(&r, n+1)
				u := make([]uint16, n+1)
				for i := range u {
					u[i] = uint16(r.next())
				}
				d16, w16 := make([]int16, n+1), make([]int16, n+1)
				e.gate(d16[:n], a, u)
				g.gate(w16[:n], a, u)
				if !sameSlices(t, fmt.Sprintf("gate n=%d", n), d16, w16) {
					return
				}
				ds, ws := make([]uint16, n+1), make([]uint16, n+1)
				e.sigmoid(ds[:n], a)
				g.sigmoid(ws[:n], a)
				if !sameSlices(t, fmt.Sprintf("sigmoid n=%d", n), ds, ws) {
					return
				}
			}
			// Full domains of the table function and of Gate's a.
			all := make([]int16, 65536)
			for i := range all {
				all[i] = int16(i - 32768)
			}
			ds, ws := make([]uint16, len(all)), make([]uint16, len(all))
			e.sigmoid(ds, all)
			g.sigmoid(ws, all)
			sameSlices(t, "sigmoid full domain", ds, ws)
			gg := make([]uint16, len(all))
			for i := range gg {
				gg[i] = uint16(i * 7919)
			}
			d16, w16 := make([]int16, len(all)), make([]int16, len(all))
			e.gate(d16, all, gg)
			g.gate(w16, all, gg)
			sameSlices(t, "gate full domain", d16, w16)
		})
	}
}

// TestElemInPlace checks that dst may be the same slice as an input.
func TestElemInPlace(t *testing.T) {
	r := rng(41)
	for _, im := range impls {
		e := im.elem
		for _, n := range []int{1, 17, 100} {
			a := extremeI16(&r, n)
			u := make([]uint16, n)
			for i := range u {
				u[i] = uint16(r.next())
			}
			want := make([]int16, n)
			genericElem.gate(want, a, u)
			got := append([]int16(nil), a...)
			e.gate(got, got, u)
			sameSlices(t, im.name+" gate in place", got, want)
		}
	}
}

func TestGate(t *testing.T) {
	a := []int16{100, -100, 32767, -32768, 3, -3, 0, 1000}
	d := make([]int16, len(a))
	g := []uint16{32768, 32768, 65535, 65535, 32768, 32768, 0, 16384}
	Gate(d, a, g)
	if d[0] != 50 || d[1] != -50 || d[2] != 32767 || d[3] != -32768 || d[4] != 2 || d[5] != -2 || d[7] != 250 {
		t.Errorf("Gate = %v", d)
	}
}
