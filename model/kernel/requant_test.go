package kernel

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// requantCase builds Requant inputs of length n from r: accumulators
// and biases with extremes, scales with shifts 0..70 (64 and more
// included) and multipliers up to 2^31-1.
func requantCase(r *rng, n int) (acc, bias []int32, s *Requantizer) {
	ext := []int32{-1 << 31, 1<<31 - 1, 0, 1, -1, 1 << 20, -1 << 20}
	acc, bias = make([]int32, n), make([]int32, n)
	sc := make([]Scale, n)
	for i := range n {
		acc[i], bias[i] = int32(r.next()), int32(r.next())
		if r.intn(4) == 0 {
			acc[i] = ext[r.intn(len(ext))]
		}
		if r.intn(4) == 0 {
			bias[i] = ext[r.intn(len(ext))]
		}
		sc[i] = Scale{Mult: int32(r.next() >> 1), Shift: uint8(r.intn(71))}
		if r.intn(3) == 0 {
			sc[i].Shift = uint8(20 + r.intn(20)) // the shifts a network uses
		}
		if r.intn(8) == 0 {
			sc[i].Mult = 1<<31 - 1
		}
	}
	return acc, bias, NewRequantizer(sc)
}

// TestRequantLerpImpls checks every implementation's Requant and Lerp16
// against the generic ones, bit for bit, with and without bias and relu,
// for every tail length, and that nothing is written past len(dst).
func TestRequantLerpImpls(t *testing.T) {
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			r := rng(44)
			e, g := im.elem, genericElem
			for _, n := range elemLengths {
				for rep := range 20 {
					acc, bias, s := requantCase(&r, n+1)
					for _, b := range [][]int32{bias, nil} {
						for _, lo := range []int64{0, -32768} {
							got, want := make([]int16, n+1), make([]int16, n+1)
							got[n], want[n] = 12345, 12345
							e.requant(got[:n], acc, b, s.m, s.half, s.sh, lo)
							g.requant(want[:n], acc, b, s.m, s.half, s.sh, lo)
							if !sameSlices(t, fmt.Sprintf("requant n=%d rep=%d bias=%v lo=%d", n, rep, b != nil, lo), got, want) {
								return
							}
						}
					}
					a, bb := extremeI16(&r, n+1), extremeI16(&r, n+1)
					mu := make([]int32, n+1)
					for i := range mu {
						mu[i] = int32(r.next()) >> uint(r.intn(16))
					}
					got, want := make([]int16, n+1), make([]int16, n+1)
					got[n], want[n] = 777, 777
					e.lerp(got[:n], a, bb, mu)
					g.lerp(want[:n], a, bb, mu)
					if !sameSlices(t, fmt.Sprintf("lerp n=%d rep=%d", n, rep), got, want) {
						return
					}
					// in place
					inPlace := append([]int16(nil), a...)
					e.lerp(inPlace[:n], inPlace, bb, mu)
					if !sameSlices(t, fmt.Sprintf("lerp in place n=%d", n), inPlace[:n], want[:n]) {
						return
					}
				}
			}
		})
	}
}

// TestAddQ4Impls checks every implementation's AddRoundedQ4 against the
// generic one for every tail length, with extreme deltas and logits.
func TestAddQ4Impls(t *testing.T) {
	ext := []int64{-1 << 62, 1<<62 - 1, 0, 7, 8, -8, -9, 1 << 34, -1 << 34, 1<<34 + 8}
	for _, im := range impls {
		r := rng(45)
		for _, n := range append(elemLengths, 256) {
			for range 20 {
				delta := make([]int64, n+1)
				lg := make([]int32, n+1)
				for i := range delta {
					delta[i] = int64(r.next()) >> uint(r.intn(40))
					if r.intn(4) == 0 {
						delta[i] = ext[r.intn(len(ext))]
					}
					lg[i] = int32(r.next())
				}
				got, want := append([]int32(nil), lg...), append([]int32(nil), lg...)
				im.elem.addQ4(got[:n], delta)
				genericElem.addQ4(want[:n], delta)
				if !sameSlices(t, fmt.Sprintf("%s addQ4 n=%d", im.name, n), got, want) {
					return
				}
			}
		}
	}
}

func TestRequantValues(t *testing.T) {
	s := NewRequantizer([]Scale{{Mult: 1 << 30, Shift: 31}, {Mult: 1 << 30, Shift: 31}, {Mult: 3, Shift: 0}, {Mult: 5, Shift: 70}})
	dst := make([]int16, 4)
	Requant(dst, []int32{5, -5, 20000, -7}, nil, s, false)
	// 5/2 = 2.5 rounds up to 3; -5/2 = -2.5 rounds up to -2; 60000 saturates; -35 >> 70 = -1.
	if dst[0] != 3 || dst[1] != -2 || dst[2] != 32767 || dst[3] != -1 {
		t.Errorf("Requant = %v", dst)
	}
	Requant(dst, []int32{5, -5, 20000, -7}, []int32{1, 0, 0, 0}, s, true)
	if dst[0] != 3 || dst[1] != 0 || dst[2] != 32767 || dst[3] != 0 {
		t.Errorf("Requant relu = %v", dst)
	}
	l := make([]int16, 3)
	Lerp16(l, []int16{0, 100, -32768}, []int16{100, 0, 32767}, []int32{32768, 65536, 1 << 20})
	if l[0] != 50 || l[1] != 0 || l[2] != 32767 {
		t.Errorf("Lerp16 = %v", l)
	}
}

// FuzzRequantLerp feeds arbitrary bytes as inputs to every
// implementation's Requant, Lerp16 and AddRoundedQ4 and compares with the
// generic ones.
func FuzzRequantLerp(f *testing.F) {
	f.Add([]byte("\\x00\\x01\\x02\\x03\\xff\\xfe\\x80\\x7f"), uint8(3))
	f.Add(make([]byte, 200), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		n := len(data) / 16
		acc, bias := make([]int32, n), make([]int32, n)
		sc := make([]Scale, n)
		a, b := make([]int16, n), make([]int16, n)
		mu := make([]int32, n)
		for i := range n {
			p := data[16*i:]
			acc[i] = int32(binary.LittleEndian.Uint32(p))
			bias[i] = int32(binary.LittleEndian.Uint32(p[4:]))
			sc[i] = Scale{Mult: int32(binary.LittleEndian.Uint32(p[8:]) >> 1), Shift: p[12] % 72}
			a[i], b[i] = int16(binary.LittleEndian.Uint16(p[12:])), int16(binary.LittleEndian.Uint16(p[14:]))
			mu[i] = int32(binary.LittleEndian.Uint32(p[8:]))
		}
		s := NewRequantizer(sc)
		if flags&1 == 0 {
			bias = nil
		}
		lo := int64(-32768)
		if flags&2 != 0 {
			lo = 0
		}
		want := make([]int16, n)
		genericElem.requant(want, acc, bias, s.m, s.half, s.sh, lo)
		wl := make([]int16, n)
		genericElem.lerp(wl, a, b, mu)
		delta := make([]int64, n)
		lg := make([]int32, n)
		for i := range n {
			delta[i] = int64(binary.LittleEndian.Uint64(data[16*i:]))
			lg[i] = int32(binary.LittleEndian.Uint32(data[16*i+8:]))
		}
		wq := append([]int32(nil), lg...)
		genericElem.addQ4(wq, delta)
		wa := make([]int16, n)
		genericElem.requantAdd(wa, acc, a, s.m, s.half, s.sh)
		wh := make([]int32, n)
		genericElem.requantHead(wh, acc, acc, mu, s.m, s.half, s.sh)
		sh := uint(flags>>2) + 1
		wb := append([]int32(nil), acc...)
		genericElem.stepBias(wb, delta, int64(1)<<(sh-1), sh)
		wr := make([]int32, n)
		genericElem.rescale32(wr, delta, s.m, s.half, s.sh)
		for _, im := range impls {
			gq := append([]int32(nil), lg...)
			im.elem.addQ4(gq, delta)
			sameSlices(t, im.name+" addQ4", gq, wq)
			ga := make([]int16, n)
			im.elem.requantAdd(ga, acc, a, s.m, s.half, s.sh)
			sameSlices(t, im.name+" requantAdd", ga, wa)
			gh := make([]int32, n)
			im.elem.requantHead(gh, acc, acc, mu, s.m, s.half, s.sh)
			sameSlices(t, im.name+" requantHead", gh, wh)
			gb := append([]int32(nil), acc...)
			im.elem.stepBias(gb, delta, int64(1)<<(sh-1), sh)
			sameSlices(t, im.name+" stepBias", gb, wb)
			gr := make([]int32, n)
			im.elem.rescale32(gr, delta, s.m, s.half, s.sh)
			sameSlices(t, im.name+" rescale32", gr, wr)
			got := make([]int16, n)
			im.elem.requant(got, acc, bias, s.m, s.half, s.sh, lo)
			sameSlices(t, im.name+" requant", got, want)
			im.elem.lerp(got, a, b, mu)
			sameSlices(t, im.name+" lerp", got, wl)
		}
	})
}

// TestRequantAddHeadImpls checks every implementation's RequantAdd and
// RequantHead against the generic ones for every tail length.
func TestRequantAddHeadImpls(t *testing.T) {
	for _, im := range impls {
		r := rng(49)
		for _, n := range append(elemLengths, 96) {
			for rep := range 20 {
				acc, bias, s := requantCase(&r, n+1)
				base := extremeI16(&r, n+1)
				add := make([]int32, n+1)
				for i := range add {
					add[i] = int32(r.next()) >> uint(r.intn(8))
				}
				g16, w16 := make([]int16, n+1), make([]int16, n+1)
				g16[n], w16[n] = 99, 99
				im.elem.requantAdd(g16[:n], acc, base, s.m, s.half, s.sh)
				genericElem.requantAdd(w16[:n], acc, base, s.m, s.half, s.sh)
				if !sameSlices(t, fmt.Sprintf("%s requantAdd n=%d rep=%d", im.name, n, rep), g16, w16) {
					return
				}
				g32, w32 := make([]int32, n+1), make([]int32, n+1)
				g32[n], w32[n] = 99, 99
				im.elem.requantHead(g32[:n], acc, bias, add, s.m, s.half, s.sh)
				genericElem.requantHead(w32[:n], acc, bias, add, s.m, s.half, s.sh)
				if !sameSlices(t, fmt.Sprintf("%s requantHead n=%d rep=%d", im.name, n, rep), g32, w32) {
					return
				}
			}
		}
	}
}

// TestStepBiasRescale32Impls checks every implementation's StepBias and
// RescaleSat32 against the generic ones: every tail length, shifts 1 to
// 70, gradients up to ±2^62.
func TestStepBiasRescale32Impls(t *testing.T) {
	for _, im := range impls {
		r := rng(51)
		for _, n := range append(elemLengths, 54, 257) {
			for range 20 {
				_, _, s := requantCase(&r, n+1)
				g := make([]int64, n+1)
				ob := make([]int32, n+1)
				for i := range g {
					g[i] = int64(r.next()) >> uint(1+r.intn(40))
					ob[i] = int32(r.next()) >> uint(r.intn(10))
				}
				sh := uint(1 + r.intn(70))
				half := int64(1) << (sh - 1)
				gob, wob := append([]int32(nil), ob...), append([]int32(nil), ob...)
				im.elem.stepBias(gob[:n], g, half, sh)
				genericElem.stepBias(wob[:n], g, half, sh)
				if !sameSlices(t, fmt.Sprintf("%s stepBias n=%d sh=%d", im.name, n, sh), gob, wob) {
					return
				}
				g32, w32 := make([]int32, n+1), make([]int32, n+1)
				g32[n], w32[n] = 5, 5
				im.elem.rescale32(g32[:n], g, s.m, s.half, s.sh)
				genericElem.rescale32(w32[:n], g, s.m, s.half, s.sh)
				if !sameSlices(t, fmt.Sprintf("%s rescale32 n=%d", im.name, n), g32, w32) {
					return
				}
			}
		}
	}
}

// TestRescaleS16Impls checks every implementation's RescaleS16 against
// the generic one: the network's scales, extreme multipliers and shifts,
// every tail length, and nothing written past dst.
func TestRescaleS16Impls(t *testing.T) {
	for _, im := range impls {
		r := rng(51)
		for rep := range 3000 {
			n := r.intn(130)
			src := make([]int16, n)
			r.fillS16(src)
			m, sh := int64(r.intn(1<<20))-1<<19, uint(r.intn(40))
			if rep%4 == 0 {
				m, sh = int64(r.next()), uint(r.intn(64))
			}
			half := int64(1) << sh >> 1
			if rep%7 == 0 {
				half = int64(r.next())
			}
			got, want := make([]int16, n+1), make([]int16, n+1)
			got[n], want[n] = 7, 7
			im.elem.rescale16(got[:n], src, m, half, sh)
			genericElem.rescale16(want[:n], src, m, half, sh)
			if !sameSlices(t, fmt.Sprintf("%s rescale16 rep %d n %d", im.name, rep, n), got, want) {
				return
			}
		}
	}
}

// FuzzRescaleS16 compares every implementation with the generic one on
// arbitrary inputs and scales.
func FuzzRescaleS16(f *testing.F) {
	f.Add([]byte("any int16 samples at all"), int64(12345), int64(1<<11), uint8(12))
	f.Fuzz(func(t *testing.T, data []byte, m, half int64, sh uint8) {
		src := make([]int16, len(data)/2)
		for i := range src {
			src[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		want := make([]int16, len(src))
		genericElem.rescale16(want, src, m, half, uint(sh)&63)
		for _, im := range impls {
			got := make([]int16, len(src))
			im.elem.rescale16(got, src, m, half, uint(sh)&63)
			sameSlices(t, im.name+" rescale16", got, want)
		}
	})
}
