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
