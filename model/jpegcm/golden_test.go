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
		"q75-420.jpg":        "530623f2ef5a4f44",
		"q95-444-opt.jpg":    "da75bd6fe9e196d8",
		"noninterleaved.jpg": "42a053ca42a018a5",
		"grey.jpg":           "eed214e75d12e4a2",
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
