// Package cacheline allocates memory that shares no cache line with any
// other allocation.
//
// A context-mixing model writes its small state (the current bit's
// inputs, node indices, a mixer's output, a coder's range) at every
// coded bit. Go's allocator packs small objects of one size class next
// to each other, so two models created at about the same time by two
// goroutines can end up with hot fields on the same 64-byte line; every
// write by one core then takes the line from the other (false sharing),
// and each core runs at a fraction of its speed. The text model coding
// two 4 MB segments at once in one process took 43-77 % more CPU time
// than coding them one after the other, and the same two segments in
// two processes none (docs/ABLATIONS.md, "Two models in one process").
//
// Make and New pad an allocation with Pad bytes of its own on each
// side. They change where values live, never what they are.
package cacheline

import "unsafe"

// Pad is the guard on each side of an allocation: two 64-byte lines,
// as x86 cores fetch lines in aligned pairs (the adjacent-line
// prefetcher) and some arm64 cores have 128-byte lines.
const Pad = 128

// Make returns a zeroed slice of n values of T (len and cap n) whose
// bytes share no cache line with any other allocation's.
func Make[T any](n int) []T {
	s, lo := alloc[T](n)
	return s[lo : lo+n : lo+n]
}

// alloc returns the whole allocation behind Make(n) and where Make's
// slice starts in it.
func alloc[T any](n int) ([]T, int) {
	var z T
	size := int(unsafe.Sizeof(z))
	if size == 0 {
		return make([]T, n), 0
	}
	pad := (Pad + size - 1) / size
	return make([]T, n+2*pad), pad
}

// New returns a pointer to a zeroed T that shares no cache line with
// any other allocation.
func New[T any]() *T { return &Make[T](1)[0] }
