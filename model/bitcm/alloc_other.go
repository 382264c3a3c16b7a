//go:build !linux

package bitcm

// adviseHuge does nothing where transparent huge pages cannot be asked
// for.
func adviseHuge([]byte) {}
