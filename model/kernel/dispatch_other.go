//go:build !amd64 || purego

package kernel

// archImpls returns no accelerated implementations: the portable Go code is
// used on this architecture or with the purego build tag.
func archImpls() []*implementation { return nil }
