package bz2re

import (
	"bytes"
	"math/rand"
	"sort"
	"testing"
)

func naiveSA(s []byte) []int32 {
	sa := make([]int32, len(s))
	for i := range sa {
		sa[i] = int32(i)
	}
	sort.Slice(sa, func(a, b int) bool { return bytes.Compare(s[sa[a]:], s[sa[b]:]) < 0 })
	return sa
}

func naiveBWT(block []byte) (last []byte, origPtr int) {
	n := len(block)
	dbl := append(append([]byte{}, block...), block...)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return bytes.Compare(dbl[idx[a]:idx[a]+n], dbl[idx[b]:idx[b]+n]) < 0 })
	last = make([]byte, n)
	for i, s := range idx {
		last[i] = dbl[s+n-1]
		if s == 0 {
			origPtr = i
		}
	}
	return last, origPtr
}

func TestSAIS(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for iter := 0; iter < 3000; iter++ {
		n := rng.Intn(200) + 1
		alpha := rng.Intn(4) + 1
		if iter%10 == 0 {
			alpha = 256
		}
		s := make([]byte, n)
		for i := range s {
			s[i] = byte(rng.Intn(alpha))
		}
		sa := make([]int32, n)
		sais(s, sa, 256)
		want := naiveSA(s)
		for i := range sa {
			if sa[i] != want[i] {
				t.Fatalf("sais(%v) = %v, want %v", s, sa, want)
			}
		}
	}
}

func TestBWT(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var b bwtBuf
	for iter := 0; iter < 3000; iter++ {
		var s []byte
		if iter%3 == 0 {
			unit := make([]byte, rng.Intn(5)+1)
			for i := range unit {
				unit[i] = byte(rng.Intn(3))
			}
			for r := rng.Intn(6) + 1; r > 0; r-- {
				s = append(s, unit...)
			}
		} else {
			s = make([]byte, rng.Intn(100)+1)
			for i := range s {
				s[i] = byte(rng.Intn(3))
			}
		}
		last, group, k := b.transform(s)
		wl, wo := naiveBWT(s)
		if !bytes.Equal(last, wl) {
			t.Fatalf("bwt(%v) last %v want %v", s, last, wl)
		}
		if wo < group || wo >= group+k {
			t.Fatalf("bwt(%v) group %d,%d; naive origPtr %d", s, group, k, wo)
		}
		if k > 1 && p(s) != len(s)/k {
			t.Fatalf("period of %v", s)
		}
	}
}

func p(s []byte) int {
	for q := 1; q <= len(s); q++ {
		if len(s)%q == 0 && bytes.Equal(s[q:], s[:len(s)-q]) {
			return q
		}
	}
	return len(s)
}
