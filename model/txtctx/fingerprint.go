package txtctx

// DefaultFingerprint identifies DefaultConfig with the pretrained mixer
// weights (the model of the ctx-text codec and of the network's text
// inputs) in archives: a decoder must match it exactly. It is frozen: it
// was first computed as the leading 8 bytes of SHA-256 of the normalised
// configuration printed with %+v, initKey and the pretrained weights, and
// archives store it, so it never changes with the code's spelling.
// TestDefaultModelFrozen fails when the configuration or the weights
// change: a different model needs a fingerprint of its own.
var DefaultFingerprint = [8]byte{0x14, 0xc0, 0xba, 0xb4, 0xe6, 0x5b, 0x4d, 0xd2}
