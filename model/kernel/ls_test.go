package kernel

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// TestLSUpdateImpls checks every implementation's LSUpdate against the
// generic one over every n, imgctx's ranges and arbitrary values (the
// whole state compared: nothing outside the upper triangle written).
func TestLSUpdateImpls(t *testing.T) {
	for _, im := range impls {
		r := rng(52)
		for rep := range 4000 {
			n := r.intn(17)
			var a1 [16][16]int64
			var b1 [16]int64
			var x [16]int32
			for j := range a1 {
				for k := range a1[j] {
					a1[j][k] = int64(r.next()) >> uint(r.intn(40))
				}
				b1[j] = int64(r.next()) >> uint(r.intn(40))
				x[j] = int32(r.intn(511)) - 255
				if rep%5 == 0 {
					x[j] = int32(r.next())
				}
			}
			tt := int32(r.intn(511)) - 255
			dec, sh := uint(9), uint(4)
			if rep%3 == 0 {
				tt, dec, sh = int32(r.next()), uint(r.intn(70)), uint(r.intn(70))
			}
			a2, b2 := a1, b1
			im.lsUpdate(&a1, &b1, &x, tt, n, dec, sh)
			lsUpdateGeneric(&a2, &b2, &x, tt, n, dec, sh)
			if a1 != a2 || b1 != b2 {
				t.Fatalf("%s LSUpdate rep %d n %d dec %d sh %d differs", im.name, rep, n, dec, sh)
			}
		}
	}
}

// FuzzLSUpdate compares every implementation with the generic one on
// arbitrary states.
func FuzzLSUpdate(f *testing.F) {
	f.Add([]byte("least squares state, any bytes will do"), int32(-7), uint8(16), uint8(9), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, tt int32, n, dec, sh uint8) {
		var a [16][16]int64
		var b [16]int64
		var x [16]int32
		if len(data) >= 8 {
			for j := range a {
				for k := range a[j] {
					a[j][k] = int64(binary.LittleEndian.Uint64(data[(8*(16*j+k))%(len(data)-7):]))
				}
				b[j] = int64(binary.LittleEndian.Uint64(data[(8*j+3)%(len(data)-7):]))
				x[j] = int32(binary.LittleEndian.Uint32(data[(4*j+1)%(len(data)-7):]))
			}
		}
		nn := int(n) % 17
		wa, wb := a, b
		lsUpdateGeneric(&wa, &wb, &x, tt, nn, uint(dec), uint(sh))
		for _, im := range impls {
			ga, gb := a, b
			im.lsUpdate(&ga, &gb, &x, tt, nn, uint(dec), uint(sh))
			if ga != wa || gb != wb {
				t.Fatal(fmt.Sprintf("%s LSUpdate differs (n %d)", im.name, nn))
			}
		}
	})
}
