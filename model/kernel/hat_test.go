package kernel

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// hatCase draws a predictor, width, weight and range as the render uses
// them (and some beyond: p far outside 0..4095, the smallest widths).
func hatCase(r *rng) (lo, n int, p, invH, bk int64) {
	sc := int64(1 + r.intn(4000))
	if r.intn(4) == 0 {
		sc = int64(1 + r.intn(8))
	}
	p = int64(r.intn(4096+400)) - 200
	lo = int(max(0, (p-sc)>>4))
	hi := int(min(255, (p+sc)>>4))
	n = max(0, hi-lo+1)
	if r.intn(5) == 0 {
		n = r.intn(40)
	}
	bk = int64(int32(r.next()))
	return lo, n, p, (int64(1) << 32) / sc, bk
}

// TestHatImpls checks every implementation's HatAdd and HatDot against
// the generic ones, bit for bit, and that HatAdd writes nothing past its
// slice.
func TestHatImpls(t *testing.T) {
	for _, im := range impls {
		r := rng(47)
		for rep := range 5000 {
			lo, n, p, invH, bk := hatCase(&r)
			base := make([]int64, n+1)
			dz := make([]int64, n)
			for i := range base {
				base[i] = int64(r.next()) >> 20
			}
			for i := range dz {
				dz[i] = int64(int32(r.next())) >> uint(r.intn(16))
			}
			got, want := append([]int64(nil), base...), append([]int64(nil), base...)
			im.elem.hatAdd(got[:n], lo, p, invH, bk)
			genericElem.hatAdd(want[:n], lo, p, invH, bk)
			if !sameSlices(t, fmt.Sprintf("%s hatAdd rep %d lo %d n %d p %d", im.name, rep, lo, n, p), got, want) {
				return
			}
			if g, w := im.elem.hatDot(dz, lo, p, invH), genericElem.hatDot(dz, lo, p, invH); g != w {
				t.Fatalf("%s hatDot rep %d lo %d n %d p %d: %d, want %d", im.name, rep, lo, n, p, g, w)
			}
		}
	}
}

func TestHatValues(t *testing.T) {
	// p = 16·10 (value 10), width 32 (invH = 2^27): e(10) = 65536,
	// e(11) = 65536 - 16·2^27 >> 16 = 32768, e(12) = 0.
	d := make([]int64, 5)
	HatAdd(d, 8, 160, 1<<27, 1<<16)
	if d[0] != 0 || d[1] != 32768 || d[2] != 65536 || d[3] != 32768 || d[4] != 0 {
		t.Errorf("HatAdd = %v", d)
	}
	if s := HatDot([]int64{1, 2, 4, 8, 16}, 8, 160, 1<<27); s != 1+4+4 {
		t.Errorf("HatDot = %d", s)
	}
}

// FuzzHat compares every implementation with the generic one on
// arbitrary inputs.
func FuzzHat(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef"), int64(160), int64(1<<27), int64(1<<16), uint8(8))
	f.Fuzz(func(t *testing.T, data []byte, p, invH, bk int64, lo uint8) {
		n := len(data) / 8
		dz := make([]int64, n)
		for i := range dz {
			dz[i] = int64(int32(binary.LittleEndian.Uint32(data[8*i:])))
		}
		want := append([]int64(nil), dz...)
		genericElem.hatAdd(want, int(lo), p, invH, bk)
		ws := genericElem.hatDot(dz, int(lo), p, invH)
		for _, im := range impls {
			got := append([]int64(nil), dz...)
			im.elem.hatAdd(got, int(lo), p, invH, bk)
			sameSlices(t, im.name+" hatAdd", got, want)
			if s := im.elem.hatDot(dz, int(lo), p, invH); s != ws {
				t.Fatalf("%s hatDot %d, want %d", im.name, s, ws)
			}
		}
	})
}

// TestGridImpls checks every implementation's GridInterp against the
// generic one for the render's ranges and beyond, every tail length, and
// that nothing is written past the slices.
func TestGridImpls(t *testing.T) {
	for _, im := range impls {
		r := rng(48)
		for rep := range 3000 {
			sc := int64(1 + r.intn(65535))
			inv := (int64(1) << 40) / sc
			bl := int64(r.intn(4096+400)) - 200
			lo := r.intn(256)
			acc, step := -bl*inv+int64(lo)*16*inv, 16*inv
			if rep%7 == 0 {
				acc, step = int64(r.next())>>8, int64(r.next()>>20)
			}
			n := r.intn(257)
			rj := int64(20)
			if rep%5 == 0 {
				rj = int64(1 + r.intn(60))
			}
			o := make([]int32, 2*rj+2)
			for i := range o {
				o[i] = int32(r.next()) >> 1
			}
			d1, d2 := make([]int64, n+1), make([]int64, n+1)
			c1, c2 := make([]uint8, n+1), make([]uint8, n+1)
			f1, f2 := make([]int32, n+1), make([]int32, n+1)
			d1[n], d2[n], c1[n], c2[n], f1[n], f2[n] = 7, 7, 7, 7, 7, 7
			im.elem.grid(d1[:n], c1, f1, o, acc, step, rj)
			genericElem.grid(d2[:n], c2, f2, o, acc, step, rj)
			what := fmt.Sprintf("%s grid rep %d n %d", im.name, rep, n)
			if !sameSlices(t, what+" delta", d1, d2) || !sameSlices(t, what+" cell", c1, c2) || !sameSlices(t, what+" frac", f1, f2) {
				return
			}
		}
	}
}

// FuzzGrid compares every implementation's GridInterp with the generic
// one on arbitrary grids and steps.
func FuzzGrid(f *testing.F) {
	f.Add(int64(-1<<30), int64(1<<28), uint8(20), uint8(40), []byte("grid values, any bytes"))
	f.Fuzz(func(t *testing.T, acc, step int64, rj, n uint8, data []byte) {
		r := int64(rj%100) + 1
		o := make([]int32, 2*r+2)
		for i := range o {
			if len(data) > 0 {
				o[i] = int32(data[i%len(data)])<<20 - 1<<27 + int32(i)
			}
		}
		want := make([]int64, n)
		wc, wf := make([]uint8, n), make([]int32, n)
		genericElem.grid(want, wc, wf, o, acc, step, r)
		for _, im := range impls {
			got := make([]int64, n)
			gc, gf := make([]uint8, n), make([]int32, n)
			im.elem.grid(got, gc, gf, o, acc, step, r)
			sameSlices(t, im.name+" grid delta", got, want)
			sameSlices(t, im.name+" grid cell", gc, wc)
			sameSlices(t, im.name+" grid frac", gf, wf)
		}
	})
}
