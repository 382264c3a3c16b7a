package imgctx

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The golden hashes pin the coded bytes, which must be identical on
// every GOARCH and build tag (amd64, arm64, purego).
func TestGolden(t *testing.T) {
	cases := []struct {
		kind     string
		w, h, ch int
		want     string
	}{
		{"smooth", 37, 23, 3, "392d41c696d51a0a"},
		{"noise", 9, 7, 1, "ed3c05956d977812"},
		{"grad", 16, 11, 4, "4c4de9248a304b6d"},
	}
	for _, tc := range cases {
		src := synth(tc.kind, tc.w, tc.h, tc.ch, 3)
		enc := EncodeStripe(src, tc.w, tc.h, tc.ch)
		sum := sha256.Sum256(enc)
		got := hex.EncodeToString(sum[:8])
		t.Logf("%s %dx%dx%d: %d bytes, %s", tc.kind, tc.w, tc.h, tc.ch, len(enc), got)
		if got != tc.want {
			t.Errorf("%s: hash %s, want %s", tc.kind, got, tc.want)
		}
	}
}
