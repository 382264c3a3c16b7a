package kernel

import (
	"slices"
	"syscall"
	"testing"
	"unsafe"
)

// TestAdaptPageEnd places w, g and x so that each ends at a page followed by
// an inaccessible one: any read or write past a slice faults.
func TestAdaptPageEnd(t *testing.T) {
	ps := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 8*ps, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	for _, p := range []int{2, 5, 7} { // guard pages after regions [0,2), [3,5), [6,7) pages
		if err := syscall.Mprotect(mem[p*ps:(p+1)*ps], syscall.PROT_NONE); err != nil {
			t.Skip("mprotect:", err)
		}
	}
	end32 := func(lo, hi, n int) []int32 { // n int32s ending at page hi
		b := mem[lo*ps : hi*ps]
		s := unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
		return s[len(s)-n:]
	}
	r := rng(41)
	for _, im := range impls {
		for _, cols := range adaptCols {
			for _, rows := range []int{1, 3, 8, 9, 54} {
				if rows*cols*4 > 2*ps {
					continue
				}
				w := end32(0, 2, rows*cols)
				g := end32(3, 5, rows)
				xb := end32(6, 7, (cols+1)/2)
				x := unsafe.Slice((*int16)(unsafe.Pointer(&xb[0])), len(xb)*2)[len(xb)*2-cols:]
				c := adaptFill(&r, rows, cols)
				copy(w, c.w)
				copy(g, c.g)
				copy(x, c.x)
				c.w, c.g, c.x = w, g, x
				ok := checkMatVecS32S16(t, im, c, "page end")
				want := append([]int32(nil), w...)
				rankOneUpdateS32Generic(want, g, x, rows, cols)
				im.rankOneUpdateS32(w, g, x, rows, cols)
				if !ok || !slices.Equal(w, want) {
					t.Fatalf("%s %dx%d at a page end: wrong result", im.name, rows, cols)
				}
			}
		}
	}
}
