package kernel

import "testing"

// FuzzInt8GEMM derives a shape and the data from the fuzz input and checks
// every implementation (GEMM on the packed weights and the row-major
// matrix-vector product) against the definition, bit for bit.
//
//	go test -run XXX -fuzz FuzzInt8GEMM -fuzztime 20s ./kernel/
func FuzzInt8GEMM(f *testing.F) {
	f.Add([]byte{1, 1, 1, 0xff, 0x80})
	f.Add([]byte{8, 32, 4, 0xff, 0x7f, 0x00, 0x80})
	f.Add([]byte{9, 33, 67, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte{70, 70, 130, 0xff, 0x80, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 4 {
			return
		}
		batch := 1 + int(data[0])%72
		n := 1 + int(data[1])%100
		k := 1 + (int(data[2]) | int(data[3]&1)<<8) // 1..512
		fill := data[4:]
		if len(fill) == 0 {
			fill = []byte{0}
		}
		x := make([]uint8, batch*k)
		w := make([]int8, n*k)
		j := 0
		for i := range x {
			x[i] = fill[j%len(fill)]
			j++
		}
		for i := range w {
			w[i] = int8(fill[j%len(fill)] ^ byte(i>>8))
			j++
		}
		want := naiveGemm(x, w, batch, n, k)
		p := PackInt8(w, n, k)
		for _, im := range impls {
			y := make([]int32, batch*n)
			im.gemmU8S8(y, x, batch, p)
			if !equalI32(t, im.name+" gemm", y, want) {
				t.Fatalf("B=%d N=%d K=%d", batch, n, k)
			}
			y1 := make([]int32, n)
			im.matVecU8S8(y1, w, x[:k], n, k)
			if !equalI32(t, im.name+" matvec", y1, want[:n]) {
				t.Fatalf("N=%d K=%d", n, k)
			}
		}
	})
}
