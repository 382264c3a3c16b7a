package model

import (
	"math"
	"testing"
)

func TestLog2Q(t *testing.T) {
	for _, x := range []int32{1, 2, 3, 5, 16, 17, 100, 1000, 1023, 1024, 1025, 4095, 65535, 1 << 20, 123456789, math.MaxInt32} {
		got := float64(log2Q(x)) / featOne
		want := math.Log2(float64(x))
		// truncating the mantissa to 10 bits costs at most log2(1+2^-10)
		if d := got - want; d > 1.0/featOne || d < -2.5/featOne {
			t.Errorf("log2Q(%d) = %.5f, want %.5f", x, got, want)
		}
	}
	if log2Q(0) != 0 || log2Q(-5) != 0 {
		t.Error("log2Q of values below 1 should be 0")
	}
}
