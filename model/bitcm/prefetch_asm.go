//go:build (amd64 || arm64) && !purego

package bitcm

// prefetch asks the CPU to bring the cache line holding *p closer
// (PREFETCHT0, PRFM PLDL1KEEP): a hint that never faults and changes no
// value, so models that use it code the same bits with and without it
// (-tags purego and other architectures run prefetch_other.go's no-op).
//
//go:noescape
func prefetch(p *node)

// prefetchPairs is prefetch for the two cache lines at each address of
// ps (a context's pair of lines for a nibble that may come): a hint, as
// prefetch.
//
//go:noescape
func prefetchPairs(ps []uintptr)
