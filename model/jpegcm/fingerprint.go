package jpegcm

import "crypto/sha256"

// Version is the model version Encode writes and Decode reads.
const Version = 1

// Fingerprint names this model in archives: the first 8 bytes of
// SHA-256("dcar jpegcm model 1"). The model is code, not weights; the
// golden test pins its output, so a change to its bits cannot ship
// under this fingerprint.
func Fingerprint() [8]byte {
	s := sha256.Sum256([]byte("dcar jpegcm model 1"))
	return [8]byte(s[:8])
}
