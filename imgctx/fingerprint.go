package imgctx

import (
	"crypto/sha256"
	"fmt"
)

// Fingerprint identifies the configuration a decoder must match exactly
// to decode a stream of cfg. (The model itself is code: a change of its
// output also needs a new codec version, pinned by the golden tests.)
func Fingerprint(cfg Config) [8]byte {
	s := sha256.Sum256([]byte(fmt.Sprintf("imgctx/1 %+v", cfg)))
	var f [8]byte
	copy(f[:], s[:])
	return f
}
