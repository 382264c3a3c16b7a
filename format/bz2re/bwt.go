package bz2re

// bzip2 sorts the cyclic rotations of a block. If the block is primitive
// (not a power X^k), its rotations are all distinct and their order is
// unique, so any correct sort gives libbzip2's output. Rotating the block
// to its least rotation R makes R a Lyndon word, and for a Lyndon word the
// order of the rotations is the order of its suffixes (sentinel smallest):
// if suffix j is a proper prefix of suffix i, the rest of rotation i
// starts with a proper suffix of R, which is greater than R's own prefix
// at a position inside that suffix. So one plain suffix array of R gives
// the rotation order.
//
// A periodic block X^k has k equal copies of every rotation of X. The last
// column does not depend on how the copies are ordered, but origPtr (the
// sorted position of rotation 0) does; transform reports the group of
// rotation 0 and its size so that the caller places it.

type bwtBuf struct {
	rot  []byte
	sa   []int32
	last []byte
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// transform returns the last column of the sorted rotations of block
// (len >= 1), the sorted position of the first of the k rotations equal
// to rotation 0, and k (1 unless the block is periodic).
func (b *bwtBuf) transform(block []byte) (last []byte, group, k int) {
	n := len(block)
	r := minRotation(block)
	b.rot = grow(b.rot, n)
	copy(b.rot, block[r:])
	copy(b.rot[n-r:], block[:r])
	b.sa = grow(b.sa, n)
	p := period(b.rot, b.sa)
	k = n / p
	x := b.rot[:p]
	sa := b.sa[:p]
	sais(x, sa, 256)
	b.last = grow(b.last, n)
	last = b.last
	// Rotation 0 of the block is rotation (n-r) mod n of R, which equals
	// rotation x0 of X.
	x0 := int32((n - r) % n % p)
	w := 0
	for idx, s := range sa {
		prev := s - 1
		if prev < 0 {
			prev = int32(p - 1)
		}
		c := x[prev]
		if s == x0 {
			group = idx * k
		}
		for m := 0; m < k; m++ {
			last[w] = c
			w++
		}
	}
	return last, group, k
}

// minRotation returns the start of the lexicographically least rotation
// of s (the first one if several are equal).
func minRotation(s []byte) int {
	n := len(s)
	i, j, k := 0, 1, 0
	for i < n && j < n && k < n {
		a, b := i+k, j+k
		if a >= n {
			a -= n
		}
		if b >= n {
			b -= n
		}
		if s[a] == s[b] {
			k++
			continue
		}
		if s[a] > s[b] {
			i += k + 1
		} else {
			j += k + 1
		}
		if i == j {
			j++
		}
		k = 0
	}
	return min(i, j)
}

// period returns the smallest p dividing len(s) with s = (s[:p])^(n/p).
// pi is scratch of len(s) for the prefix function.
func period(s []byte, pi []int32) int {
	n := len(s)
	pi = pi[:n]
	pi[0] = 0
	for i := 1; i < n; i++ {
		j := pi[i-1]
		for j > 0 && s[i] != s[j] {
			j = pi[j-1]
		}
		if s[i] == s[j] {
			j++
		}
		pi[i] = j
	}
	p := n - int(pi[n-1])
	if n%p != 0 {
		return n
	}
	return p
}
