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

func extremeI32(r *rng, n int) []int32 {
	ext := []int32{-1 << 31, 1<<31 - 1, 0, 1, -1, 1 << 16, -(1 << 16), 65535, 65536, 255, 256}
	v := make([]int32, n)
	for i := range v {
		switch r.intn(4) {
		case 0:
			v[i] = ext[r.intn(len(ext))]
		case 1:
			v[i] = int32(r.next() % (1 << 17))
		default:
			v[i] = int32(r.next()) >> (r.next() % 32)
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
				src := extremeI32(&r, n+1)
				a, b := extremeI16(&r, n+1), extremeI16(&r, n+1)
				u := make([]uint16, n+1)
				for i := range u {
					u[i] = uint16(r.next())
				}
				for _, sh := range []uint8{0, 1, 2, 15, 16, 30, 31, 32, 40, 62, 63} {
					for _, m := range []int32{0, 1, 1 << 30, 1<<31 - 1, int32(1<<30 + r.next()%(1<<30))} {
						s := Scale{Mult: m, Shift: sh}
						what := fmt.Sprintf("n=%d scale=%+v", n, s)
						d16, w16 := make([]int16, n+1), make([]int16, n+1)
						e.requantI16(d16[:n], src, s)
						g.requantI16(w16[:n], src, s)
						if !sameSlices(t, "requantI16 "+what, d16, w16) {
							return
						}
						d8, w8 := make([]int8, n+1), make([]int8, n+1)
						e.requantI8(d8[:n], src, s)
						g.requantI8(w8[:n], src, s)
						if !sameSlices(t, "requantI8 "+what, d8, w8) {
							return
						}
						for _, z := range []int32{0, 128, 255, -7} {
							du, wu := make([]uint8, n+1), make([]uint8, n+1)
							e.requantU8(du[:n], src, s, z)
							g.requantU8(wu[:n], src, s, z)
							if !sameSlices(t, fmt.Sprintf("requantU8 z=%d %s", z, what), du, wu) {
								return
							}
						}
					}
				}
				for sh := uint(0); sh <= 40; sh++ {
					d16, w16 := make([]int16, n+1), make([]int16, n+1)
					e.mulI16(d16[:n], a, b, sh)
					g.mulI16(w16[:n], a, b, sh)
					if !sameSlices(t, fmt.Sprintf("mulI16 n=%d shift=%d", n, sh), d16, w16) {
						return
					}
					du, wu := make([]uint8, n+1), make([]uint8, n+1)
					e.reluSqU8(du[:n], a, sh)
					g.reluSqU8(wu[:n], a, sh)
					if !sameSlices(t, fmt.Sprintf("reluSqU8 n=%d shift=%d", n, sh), du, wu) {
						return
					}
				}
				for sb := -16; sb <= 40; sb++ {
					d16, w16 := make([]int16, n+1), make([]int16, n+1)
					e.addI16(d16[:n], a, b, sb)
					g.addI16(w16[:n], a, b, sb)
					if !sameSlices(t, fmt.Sprintf("addI16 n=%d shift=%d", n, sb), d16, w16) {
						return
					}
				}
				d16, w16 := make([]int16, n+1), make([]int16, n+1)
				e.lerp(d16[:n], a, b, u)
				g.lerp(w16[:n], a, b, u)
				if !sameSlices(t, fmt.Sprintf("lerp n=%d", n), d16, w16) {
					return
				}
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
			// Full domains of the table functions.
			all := make([]int16, 65536)
			for i := range all {
				all[i] = int16(i - 32768)
			}
			ds, ws := make([]uint16, len(all)), make([]uint16, len(all))
			e.sigmoid(ds, all)
			g.sigmoid(ws, all)
			sameSlices(t, "sigmoid full domain", ds, ws)
			// Every int16 pair product class for Gate and MulInt16 at shift 15.
			bb := make([]int16, len(all))
			gg := make([]uint16, len(all))
			for i := range bb {
				bb[i] = int16(r.next())
				gg[i] = uint16(i * 7919)
			}
			d16, w16 := make([]int16, len(all)), make([]int16, len(all))
			e.gate(d16, all, gg)
			g.gate(w16, all, gg)
			sameSlices(t, "gate full domain", d16, w16)
			e.mulI16(d16, all, bb, 15)
			g.mulI16(w16, all, bb, 15)
			sameSlices(t, "mulI16 full domain", d16, w16)
			e.lerp(d16, all, bb, gg)
			g.lerp(w16, all, bb, gg)
			sameSlices(t, "lerp full domain", d16, w16)
			for _, sb := range []int{-15, -1, 0, 1, 16} {
				e.addI16(d16, all, bb, sb)
				g.addI16(w16, all, bb, sb)
				sameSlices(t, fmt.Sprintf("addI16 full domain shift %d", sb), d16, w16)
			}
		})
	}
}

// TestElemInPlace checks that dst may be the same slice as an input.
func TestElemInPlace(t *testing.T) {
	r := rng(41)
	for _, im := range impls {
		e := im.elem
		for _, n := range []int{1, 17, 100} {
			a, b := extremeI16(&r, n), extremeI16(&r, n)
			u := make([]uint16, n)
			for i := range u {
				u[i] = uint16(r.next())
			}
			want := make([]int16, n)
			got := append([]int16(nil), a...)
			genericElem.mulI16(want, a, b, 7)
			e.mulI16(got, got, b, 7)
			sameSlices(t, im.name+" mulI16 in place", got, want)
			genericElem.lerp(want, a, b, u)
			got = append(got[:0], a...)
			e.lerp(got, got, b, u)
			sameSlices(t, im.name+" lerp in place", got, want)
			genericElem.addI16(want, a, b, 3)
			got = append(got[:0], b...)
			e.addI16(got, a, got, 3)
			sameSlices(t, im.name+" addI16 in place", got, want)
			genericElem.gate(want, a, u)
			got = append(got[:0], a...)
			e.gate(got, got, u)
			sameSlices(t, im.name+" gate in place", got, want)
		}
	}
}
