package bz2re

import (
	"bytes"
	"testing"
	"time"
)

func TestBigZerosTmp(t *testing.T) {
	for _, lv := range []int{1, 9} {
		in := make([]byte, 100<<20)
		src := sysBzip2(t, in, lv)
		t0 := time.Now()
		raw, p, err := Split(src, 1<<30)
		t.Logf("-%d: %d bytes bz2, err %v rot %v split %v", lv, len(src), err, p.Rotations, time.Since(t0))
		t0 = time.Now()
		out, err := Encode(raw, p)
		t.Logf("encode %v eq %v %v", time.Since(t0), bytes.Equal(out, src), err)
	}
}
