package imgctx

// DefaultFingerprint identifies DefaultConfig (and the model code that
// runs it) in archives: a decoder must match it exactly. It is frozen: it
// was first computed as the leading 8 bytes of SHA-256("imgctx/1 %+v" of
// DefaultConfig) and is stored in archives, so it never changes with the
// code's spelling. A change of the model's output needs a new
// fingerprint and a new codec version, pinned by the golden tests;
// TestDefaultConfigFrozen fails when DefaultConfig changes.
var DefaultFingerprint = [8]byte{0x3f, 0x1b, 0x8f, 0xfd, 0x34, 0xde, 0xd2, 0xb3}
