package jpegre

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestDictionary pins the header dictionary (archives name it) and
// checks that its segments are what encoders write: the Huffman and
// quantisation segments of cjpeg -quality 75 and 85 files (4:2:0), the
// JFIF header, the frame layout.
func TestDictionary(t *testing.T) {
	d := HeaderDictionary()
	s := sha256.Sum256(d)
	if got := hex.EncodeToString(s[:8]); got != "3b185e3e3e799cfb" {
		t.Errorf("dictionary of %d bytes, sha256 %s: it must never change", len(d), got)
	}
	fx := fixtures(t)
	for _, name := range []string{"q75-420.jpg", "q85-rst1.jpg"} {
		b := fx[name]
		if !bytes.HasPrefix(b, d[:20]) {
			t.Errorf("%s: JFIF header differs", name)
		}
		n := 0
		for i := 0; i+4 < len(b); i++ {
			if b[i] != 0xFF || (b[i+1] != 0xC4 && b[i+1] != 0xDB) {
				continue
			}
			l := be16(b, i+2)
			seg := b[i : i+2+l]
			if b[i+1] == 0xDB {
				seg = seg[4:] // one table per segment here, both in one in the dictionary
			}
			if !bytes.Contains(d, seg) {
				t.Errorf("%s: segment %x at %d is not in the dictionary", name, seg[:4], i)
			}
			n++
			i += 1 + l
		}
		if n != 6 {
			t.Errorf("%s: %d DHT/DQT segments", name, n)
		}
	}
}
