package imgctx

import "testing"

// TestDefaultConfigFrozen pins DefaultConfig to the values
// DefaultFingerprint stands for: a different configuration is a
// different model and needs a fingerprint of its own.
func TestDefaultConfigFrozen(t *testing.T) {
	want := Config{LSEvery: 4, LSDecay: 9, LSReg: 1 << 8, ShapeLim: 1 << 26}
	if DefaultConfig != want {
		t.Fatalf("DefaultConfig = %+v, DefaultFingerprint stands for %+v", DefaultConfig, want)
	}
}
