package bitcm

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
)

// bankCase builds inputs and four weight vectors of n lanes from data
// (little-endian int32s, repeated as needed).
func bankCase(data []byte, n int) (x []int32, w [4][]int32) {
	v := func(i int) int32 {
		if len(data) < 4 {
			return int32(i * 7919)
		}
		k := (4 * i) % (len(data) - len(data)%4)
		return int32(binary.LittleEndian.Uint32(data[k:]))
	}
	x = make([]int32, n)
	for i := range x {
		x[i] = v(i)
	}
	for j := range w {
		w[j] = make([]int32, n)
		for i := range w[j] {
			w[j][i] = v(i*5 + j + 1)
		}
	}
	return x, w
}

// checkBank compares bankDot and bankTrain (the AVX2 kernels where the
// CPU has them) with the Go reference on the same inputs.
func checkBank(t *testing.T, x []int32, w [4][]int32, e [4]int32) {
	t.Helper()
	if got, want := bankDot(x, w[0], w[1], w[2], w[3]), bankDotGo(x, w[0], w[1], w[2], w[3]); got != want {
		t.Fatalf("bankDot = %v, want %v", got, want)
	}
	var a, b [4][]int32
	for j := range w {
		a[j] = append([]int32(nil), w[j]...)
		b[j] = append([]int32(nil), w[j]...)
	}
	bankTrain(x, a[0], a[1], a[2], a[3], e)
	bankTrainGo(x, b[0], b[1], b[2], b[3], e)
	for j := range a {
		for i := range a[j] {
			if a[j][i] != b[j][i] {
				t.Fatalf("bankTrain: mixer %d weight %d = %d, want %d (x %d, e %d)", j, i, a[j][i], b[j][i], x[i], e[j])
			}
		}
	}
}

// The kernels equal the reference on model-like values and on extremes
// (every product and sum wraps the same way).
func TestBankKernels(t *testing.T) {
	if !hasBankKernels() {
		t.Log("no accelerated bank kernels here: the reference is checked against itself")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{8, 16, 24, 32, 64} {
		for range 200 {
			x := make([]int32, n)
			var w [4][]int32
			for i := range x {
				x[i] = rng.Int32N(4095) - 2047
			}
			for j := range w {
				w[j] = make([]int32, n)
				for i := range w[j] {
					w[j][i] = rng.Int32N(2*maxWeight+1) - maxWeight
				}
			}
			var e [4]int32
			for j := range e {
				e[j] = rng.Int32N(1<<20) - 1<<19
			}
			checkBank(t, x, w, e)
		}
		ext := []int32{math.MinInt32, math.MaxInt32, -1, 0, 1, maxWeight, -maxWeight, 1 << 30}
		x, w := make([]int32, n), [4][]int32{}
		for j := range w {
			w[j] = make([]int32, n)
		}
		for i := range x {
			x[i] = ext[i%len(ext)]
			for j := range w {
				w[j][i] = ext[(i+j+3)%len(ext)]
			}
		}
		checkBank(t, x, w, [4]int32{math.MinInt32, math.MaxInt32, 1 << 20, -3})
	}
}

func FuzzBankKernels(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, uint8(1), int32(1000), int32(-5))
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80}, uint8(4), int32(math.MaxInt32), int32(math.MinInt32))
	f.Fuzz(func(t *testing.T, data []byte, blocks uint8, e0, e1 int32) {
		n := bankLanes * (1 + int(blocks%8))
		x, w := bankCase(data, n)
		checkBank(t, x, w, [4]int32{e0, e1, e0 ^ e1, e1 - e0})
	})
}

func benchBank(b *testing.B, train func(x, w0, w1, w2, w3 []int32, e [4]int32)) {
	x, w := bankCase(nil, 24)
	for i := range x {
		x[i] %= 2048
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		train(x, w[0], w[1], w[2], w[3], [4]int32{int32(i % 9000), -77, 5000, int32(-i % 3000)})
	}
}

func BenchmarkBankTrain(b *testing.B)   { benchBank(b, bankTrain) }
func BenchmarkBankTrainGo(b *testing.B) { benchBank(b, bankTrainGo) }

// The one-mixer kernels equal the reference, on model-like values and
// on extremes.
func TestMixKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{8, 16, 24, 40} {
		for k := range 400 {
			x := make([]int32, n)
			w := make([]int32, n)
			for i := range x {
				if k%4 == 3 {
					x[i] = int32(rng.Uint32())
					w[i] = int32(rng.Uint32())
					continue
				}
				x[i] = rng.Int32N(4095) - 2047
				w[i] = rng.Int32N(2*maxWeight+1) - maxWeight
			}
			if got, want := mixDot(x, w), mixDotGo(x, w); got != want {
				t.Fatalf("n %d: mixDot = %d, want %d", n, got, want)
			}
			e := rng.Int32N(1<<20) - 1<<19
			if k%4 == 3 {
				e = int32(rng.Uint32())
			}
			a, b := append([]int32(nil), w...), append([]int32(nil), w...)
			mixTrain(x, a, e)
			mixTrainGo(x, b, e)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("n %d: mixTrain weight %d = %d, want %d (x %d, e %d)", n, i, a[i], b[i], x[i], e)
				}
			}
		}
	}
}
