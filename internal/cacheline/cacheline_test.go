package cacheline

import (
	"testing"
	"unsafe"
)

// padOK reports whether the n values at lo of an allocation of m values
// of size bytes have Pad bytes of it on each side.
func padOK(size, m, lo, n int) bool {
	return lo*size >= Pad && (m-lo-n)*size >= Pad
}

func TestAllocPadded(t *testing.T) {
	type b3 struct{ a [3]byte }
	type b200 struct{ a [200]byte }
	for _, n := range []int{0, 1, 7, 64} {
		s, lo := alloc[int32](n)
		if !padOK(4, len(s), lo, n) {
			t.Errorf("int32 × %d: %d values, start %d", n, len(s), lo)
		}
		s3, lo := alloc[b3](n)
		if !padOK(3, len(s3), lo, n) {
			t.Errorf("3 bytes × %d: %d values, start %d", n, len(s3), lo)
		}
		s200, lo := alloc[b200](n)
		if !padOK(200, len(s200), lo, n) {
			t.Errorf("200 bytes × %d: %d values, start %d", n, len(s200), lo)
		}
	}
}

func TestMake(t *testing.T) {
	s := Make[uint64](5)
	if len(s) != 5 || cap(s) != 5 {
		t.Fatalf("len %d cap %d, want 5 5", len(s), cap(s))
	}
	for _, v := range s {
		if v != 0 {
			t.Fatal("not zeroed")
		}
	}
	type big struct{ a [300]byte }
	p := New[big]()
	if p.a != [300]byte{} || unsafe.Sizeof(*p) != 300 {
		t.Fatal("New: not a zeroed value")
	}
}
