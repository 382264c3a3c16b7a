package kernel

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// TestShapeImpls checks every implementation's ShapeLogits against the
// generic one: the steps imgctx uses (acc within ±2^29, bins running
// below, through and beyond the table), arbitrary ones (wrapping), every
// tail length, and nothing written past dst.
func TestShapeImpls(t *testing.T) {
	for _, im := range impls {
		r := rng(49)
		var tab [256]int32
		for rep := range 3000 {
			for i := range tab {
				tab[i] = int32(r.next()) >> uint(r.intn(12))
			}
			scale := int32(1 + r.intn(4096))
			inv := (int32(8) << 16) / scale
			acc, step := -int32(r.intn(4096+64))*inv, inv<<4
			tail := int32(23)
			if rep%5 == 0 {
				acc, step, tail = int32(r.next()), int32(r.next()), int32(r.next())
			}
			n := r.intn(257)
			got, want := make([]int32, n+1), make([]int32, n+1)
			got[n], want[n] = 7, 7
			im.elem.shape(got[:n], &tab, acc, step, tail)
			genericElem.shape(want[:n], &tab, acc, step, tail)
			if !sameSlices(t, fmt.Sprintf("%s shape rep %d n %d", im.name, rep, n), got, want) {
				return
			}
		}
	}
}

func TestShapeValues(t *testing.T) {
	var tab [256]int32
	for i := range tab {
		tab[i] = int32(1000 * i)
	}
	// Bins -2, 126, 254, 382 (a = -130·2^16 + k·128·2^16).
	d := make([]int32, 4)
	ShapeLogits(d, &tab, -130<<16, 128<<16, 3)
	if want := []int32{0 - 2*3, 126000, 254000, 255000 - 127*3}; d[0] != want[0] || d[1] != want[1] || d[2] != want[2] || d[3] != want[3] {
		t.Errorf("ShapeLogits = %v, want %v", d, want)
	}
}

// FuzzShape compares every implementation with the generic one on
// arbitrary tables and steps.
func FuzzShape(f *testing.F) {
	f.Add(int32(-1<<28), int32(1<<20), int32(23), uint8(200), []byte("shape table, any bytes"))
	f.Fuzz(func(t *testing.T, acc, step, tail int32, n uint8, data []byte) {
		var tab [256]int32
		for i := range tab {
			if len(data) >= 4 {
				j := (4 * i) % (len(data) - 3)
				tab[i] = int32(binary.LittleEndian.Uint32(data[j:]))
			}
		}
		want := make([]int32, n)
		genericElem.shape(want, &tab, acc, step, tail)
		for _, im := range impls {
			got := make([]int32, n)
			im.elem.shape(got, &tab, acc, step, tail)
			sameSlices(t, im.name+" shape", got, want)
		}
	})
}
