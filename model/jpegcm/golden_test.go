package jpegcm

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	"github.com/dcar-archiver/dcar/format/jpegre"
)

// TestGolden pins the model's output on fixtures: a change to any
// decision of the model changes these bytes, and must come as a new
// model version (Fingerprint) with the old one kept for decoding.
func TestGolden(t *testing.T) {
	want := map[string]string{
		"q75-420.jpg":        "392bc50d001bc869",
		"q95-444-opt.jpg":    "7b83ab069fb1a491",
		"noninterleaved.jpg": "c1fa33993312ee82",
		"grey.jpg":           "6844c81299c1752d",
	}
	for name, sum := range want {
		b, err := os.ReadFile("../../format/jpegre/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		img, side, err := jpegre.Split(b, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Encode(nil, img)
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(out)
		if got := hex.EncodeToString(s[:8]); got != sum {
			t.Errorf("%s: coded %d bytes with sha256 %s, golden %s", name, len(out), got, sum)
		}
		roundTrip(t, name, img, side)
	}
}

func TestFingerprint(t *testing.T) {
	if got := hex.EncodeToString(func() []byte { f := Fingerprint(); return f[:] }()); got != "e66e1d253b4d74cc" {
		t.Errorf("fingerprint %s", got)
	}
}
