package txtctx

import (
	"crypto/sha256"
	"fmt"
)

// Fingerprint identifies what a decoder must match exactly to decode a
// stream of cfg: the configuration and the pretrained mixer weights. A
// codec stores it beside its streams so that a binary whose model differs
// fails with a clear error instead of a checksum mismatch.
func Fingerprint(cfg Config) [8]byte {
	h := sha256.New()
	fmt.Fprintf(h, "txtctx/1 %+v %s\n", cfg.normalized(), initKey)
	h.Write([]byte(pretrainedData))
	var f [8]byte
	copy(f[:], h.Sum(nil))
	return f
}
