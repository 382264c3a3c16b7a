package kernel

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"
)

// Golden tests pin an FNV-1a 64 hash of the outputs of every integer
// operation over its full (or a fixed representative) input domain. They run
// under whatever implementation is active, and under -tags purego and on
// arm64 they pin those builds to the same numbers as amd64:
//
//	GOARCH=arm64 go test -c -o /tmp/kernel.arm64 ./model/kernel/
//	qemu-aarch64-static /tmp/kernel.arm64 -test.run Golden
//
// If an intended change alters results, the model format changes with it:
// update the constants deliberately, never to silence a failure.

type hasher struct{ b [8]byte }

func (h *hasher) sum(f func(put func(v int64))) uint64 {
	d := fnv.New64a()
	f(func(v int64) {
		binary.LittleEndian.PutUint64(h.b[:], uint64(v))
		d.Write(h.b[:])
	})
	return d.Sum64()
}

func golden(t *testing.T, name string, want uint64, f func(put func(v int64))) {
	t.Helper()
	var h hasher
	if got := h.sum(f); got != want {
		t.Errorf("%s: hash %#016x, want %#016x", name, got, want)
	}
}

// goldenInputs64 returns a fixed set of int64 test values: small values,
// powers of two and their neighbours, and pseudo-random values of every
// magnitude.
func goldenInputs64() []int64 {
	var v []int64
	for i := int64(-300); i <= 300; i++ {
		v = append(v, i)
	}
	for s := 0; s < 63; s++ {
		p := int64(1) << s
		v = append(v, p-1, p, p+1, -p+1, -p, -p-1)
	}
	v = append(v, -1<<63, 1<<63-1)
	r := rng(99)
	for i := 0; i < 5000; i++ {
		v = append(v, int64(r.next())>>(r.next()%64))
	}
	return v
}

func TestGoldenFixed(t *testing.T) {
	in := goldenInputs64()
	golden(t, "rShift", 0x180d9be8fa52c548, func(put func(int64)) {
		for _, x := range in {
			for s := uint(0); s < 64; s += 3 {
				put(newRShift(s).apply(x))
			}
		}
	})
	golden(t, "NewScale", 0xdb76b0a522ac6c63, func(put func(int64)) {
		r := rng(98)
		for i := 0; i < 20000; i++ {
			f := math.Ldexp(1+float64(r.next()>>11)/(1<<53), r.intn(64)-33)
			s := NewScale(f)
			put(int64(s.Mult))
			put(int64(s.Shift))
		}
		for _, f := range []float64{0, 1, 0.1, 1.0 / 3, 1e-7, 12345.678, 0x1p-33, 0x1.fffffffp30} {
			s := NewScale(f)
			put(int64(s.Mult))
			put(int64(s.Shift))
		}
	})
	golden(t, "Sigmoid", 0xc78a42e567c0842b, func(put func(int64)) {
		for x := -32768; x <= 32767; x++ {
			put(int64(Sigmoid(int16(x))))
		}
	})
	golden(t, "Isqrt", 0xa1de58a1c37e13cd, func(put func(int64)) {
		for _, x := range in {
			put(int64(Isqrt(uint64(x))))
			put(int64(RsqrtQ30(uint64(x))))
		}
		for x := uint64(0); x < 70000; x++ {
			put(int64(Isqrt(x)))
			put(int64(RsqrtQ30(x)))
		}
	})
	golden(t, "Elementwise", 0x39864c8c80926af7, func(put func(int64)) {
		r := rng(97)
		const n = 70000
		a := make([]int16, n)
		g := make([]uint16, n)
		r.fillS16(a)
		for i := range g {
			g[i] = uint16(r.next())
		}
		for i := 0; i < 1000; i++ { // extremes
			a[i] = []int16{-32768, 32767, 0, 1, -1}[i%5]
			g[i] = []uint16{0, 1, 32768, 65535}[i/5%4]
		}
		d := make([]int16, n)
		Gate(d, a, g)
		for _, v := range d {
			put(int64(v))
		}
		s := make([]uint16, n)
		SigmoidVec(s, a)
		for _, v := range s {
			put(int64(v))
		}
	})
}

// TestGoldenMatVecS16 pins fixed int16 products (odd shapes, full input
// range, sums that wrap) under every available implementation.
func TestGoldenMatVecS16(t *testing.T) {
	r := rng(95)
	const n, k = 77, 301
	w := make([]int16, n*k)
	x := make([]int16, k)
	r.fillS16(w)
	r.fillS16(x)
	const kw = 70001 // (-32768)²·kw > 2^31: wraps
	ww := make([]int16, 2*kw)
	xw := make([]int16, kw)
	for i := range xw {
		xw[i] = -32768
		ww[i] = -32768
		ww[kw+i] = int16(r.next())
	}
	for _, im := range impls {
		t.Run(im.name, func(t *testing.T) {
			golden(t, "MatVecS16", 0x96195b184ecaa0d3, func(put func(int64)) {
				y := make([]int32, n)
				im.matVecS16(y, w, x, n, k)
				for _, v := range y {
					put(int64(v))
				}
				yw := make([]int32, 2)
				im.matVecS16(yw, ww, xw, 2, kw)
				put(int64(yw[0]))
				put(int64(yw[1]))
			})
		})
	}
}
