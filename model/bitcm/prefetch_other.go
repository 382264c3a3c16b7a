//go:build !(amd64 || arm64) || purego

package bitcm

// prefetch is a no-op here (see prefetch_asm.go).
func prefetch(p *node) {}

// prefetchPairs is a no-op here (see prefetch_asm.go).
func prefetchPairs(ps []uintptr) {}
