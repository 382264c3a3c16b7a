package bz2re

// Suffix array by induced sorting (SA-IS, Nong, Zhang and Chan 2009), with
// the usual virtual sentinel: a unique end symbol smaller than every
// other. Linear time; besides sa it needs n bytes of types, two bucket
// arrays of size k and, for the recursion, 2*(n/2) int32s.

type saisText interface{ ~byte | ~int32 }

func sais[T saisText](text []T, sa []int32, k int) {
	n := len(text)
	switch n {
	case 0:
		return
	case 1:
		sa[0] = 0
		return
	}
	// isS[i]: suffix i is smaller than suffix i+1. The last suffix is
	// larger than the sentinel after it.
	isS := make([]bool, n)
	for i := n - 2; i >= 0; i-- {
		isS[i] = text[i] < text[i+1] || (text[i] == text[i+1] && isS[i+1])
	}
	cnt := make([]int32, k)
	for _, c := range text {
		cnt[c]++
	}
	bkt := make([]int32, k)

	// Stage 1: LMS positions at their bucket ends, in text order; induced
	// sorting then orders the LMS substrings.
	for i := range sa {
		sa[i] = -1
	}
	bucketEnds(cnt, bkt)
	for i := 1; i < n; i++ {
		if isS[i] && !isS[i-1] {
			c := text[i]
			bkt[c]--
			sa[bkt[c]] = int32(i)
		}
	}
	induce(text, sa, isS, cnt, bkt)

	// Compact the sorted LMS positions to the front and name the LMS
	// substrings; names go to sa[m+pos/2] (LMS positions are at least two
	// apart, so they do not collide).
	m := 0
	for i := 0; i < n; i++ {
		j := int(sa[i])
		if j > 0 && isS[j] && !isS[j-1] {
			sa[m] = int32(j)
			m++
		}
	}
	names := sa[m:]
	for i := range names {
		names[i] = -1
	}
	name := int32(0)
	prev := -1
	for i := 0; i < m; i++ {
		pos := int(sa[i])
		if prev < 0 || !lmsEqual(text, isS, prev, pos) {
			name++
		}
		prev = pos
		names[pos/2] = name - 1
	}
	s1 := make([]int32, m)
	j := 0
	for _, v := range names {
		if v >= 0 {
			s1[j] = v
			j++
		}
	}
	sa1 := make([]int32, m)
	if int(name) < m {
		sais(s1, sa1, int(name))
	} else {
		for i, c := range s1 {
			sa1[c] = int32(i)
		}
	}
	// s1 becomes the LMS positions in text order; sa1 maps through it.
	j = 0
	for i := 1; i < n; i++ {
		if isS[i] && !isS[i-1] {
			s1[j] = int32(i)
			j++
		}
	}
	for i, v := range sa1 {
		sa1[i] = s1[v]
	}

	// Stage 3: sorted LMS suffixes at their bucket ends, induce the rest.
	for i := range sa {
		sa[i] = -1
	}
	bucketEnds(cnt, bkt)
	for i := m - 1; i >= 0; i-- {
		p := sa1[i]
		c := text[p]
		bkt[c]--
		sa[bkt[c]] = p
	}
	induce(text, sa, isS, cnt, bkt)
}

func bucketEnds(cnt, bkt []int32) {
	s := int32(0)
	for c, v := range cnt {
		s += v
		bkt[c] = s
	}
}

func bucketStarts(cnt, bkt []int32) {
	s := int32(0)
	for c, v := range cnt {
		bkt[c] = s
		s += v
	}
}

func induce[T saisText](text []T, sa []int32, isS []bool, cnt, bkt []int32) {
	n := len(text)
	bucketStarts(cnt, bkt)
	// The sentinel comes first and induces suffix n-1 (always L-type).
	c := text[n-1]
	sa[bkt[c]] = int32(n - 1)
	bkt[c]++
	for i := 0; i < n; i++ {
		j := sa[i] - 1
		if j >= 0 && !isS[j] {
			c := text[j]
			sa[bkt[c]] = j
			bkt[c]++
		}
	}
	bucketEnds(cnt, bkt)
	for i := n - 1; i >= 0; i-- {
		j := sa[i] - 1
		if j >= 0 && isS[j] {
			c := text[j]
			bkt[c]--
			sa[bkt[c]] = j
		}
	}
}

// lmsEqual reports whether the LMS substrings at a and b are equal
// (same symbols and types up to and including the next LMS position).
func lmsEqual[T saisText](text []T, isS []bool, a, b int) bool {
	n := len(text)
	for d := 0; ; d++ {
		if a+d >= n || b+d >= n {
			return false // the sentinel is unique
		}
		if text[a+d] != text[b+d] || isS[a+d] != isS[b+d] {
			return false
		}
		if d > 0 {
			la := isS[a+d] && !isS[a+d-1]
			lb := isS[b+d] && !isS[b+d-1]
			if la || lb {
				return la && lb
			}
		}
	}
}
