package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestCMStripe: every shipped network's context-mixing stage codes an
// image and decodes it back; a truncated stream fails; the default
// network's stream is pinned (a change is a new pixel model with a new
// fingerprint) and smaller than without the stage on this image of
// repeated exact values.
func TestCMStripe(t *testing.T) {
	all, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 64, 40
	img := flatImage(w, h)
	for _, m := range all {
		enc, err := CMNet{Net: m.Net}.EncodeStripe(nil, img, w, h, 3)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := CMNet{Net: m.Net}.DecodeStripe(enc, w, h, 3)
		if err != nil || !bytes.Equal(dec, img) {
			t.Fatalf("%s: CM round trip failed: %v", m.Name, err)
		}
		if _, err := m.Net.DecodeStripeCM(enc[:len(enc)/2], w, h, 3); err == nil {
			t.Errorf("%s: truncated CM stream decoded without error", m.Name)
		}
		plain, _ := m.Net.EncodeStripe(nil, img, w, h, 3)
		t.Logf("%s: %d bytes without the stage, %d with", m.Name, len(plain), len(enc))
		if m.Name != DefaultWeights {
			continue
		}
		s := sha256.Sum256(enc)
		if got, want := hex.EncodeToString(s[:]), "46e14ab4020d65b10ce6c16cc8650bc478ef57245537c331401c19aae820f883"; got != want {
			t.Errorf("%s CM stream: %d bytes, sha256 %s, want %s", m.Name, len(enc), got, want)
		}
		if len(enc) >= len(plain) {
			t.Errorf("the stage codes %d bytes, the network alone %d", len(enc), len(plain))
		}
	}
}

// flatImage is a w×h RGB image of flat 6×5 tiles in a few colours, with
// a one-pixel dark border around each: graphics, where exact values
// repeat.
func flatImage(w, h int) []byte {
	palette := [][3]byte{{250, 250, 247}, {66, 133, 244}, {225, 228, 235}, {45, 52, 64}, {255, 127, 14}}
	p := make([]byte, 0, w*h*3)
	for y := range h {
		for x := range w {
			c := palette[(x/6*7+y/5*3)%len(palette)]
			if x%6 == 0 || y%5 == 0 {
				c = [3]byte{30, 30, 30}
			}
			p = append(p, c[:]...)
		}
	}
	return p
}

// CMFingerprint is pinned per shipped network in archive/codec's
// TestFingerprintsFrozen; here: it differs from the network's own.
func TestCMFingerprintDistinct(t *testing.T) {
	all, _ := Shipped()
	for _, m := range all {
		if m.CMFingerprint == m.Fingerprint || m.CMFingerprint == [8]byte{} {
			t.Errorf("%s: CM fingerprint %x", m.Name, m.CMFingerprint)
		}
		if got, err := ByCMFingerprint(m.CMFingerprint); err != nil || got != m {
			t.Errorf("%s: ByCMFingerprint: %v", m.Name, err)
		}
	}
}

// TestCMSplit: CMNet and SplitNet code a stripe of their split size or
// more as two halves (payload byte 2), a smaller one whole (byte 1); both
// decode, SplitNet's whole stripe is the network's own stream, and
// damaged framing is an error, not a panic.
func TestCMSplit(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 24, 9
	img := testImage(w, h, 3)
	defer func(n, k int) { CMSplitSamples, SplitSamples = n, k }(CMSplitSamples, SplitSamples)
	type stripeModel interface {
		EncodeStripe(dst, samples []byte, w, rows, ch int) ([]byte, error)
		DecodeStripe(data []byte, w, rows, ch int) ([]byte, error)
	}
	for _, c := range []struct {
		split int
		first byte
	}{{len(img) + 1, 1}, {len(img), 2}} {
		CMSplitSamples, SplitSamples = c.split, c.split
		for _, pm := range []stripeModel{CMNet{Net: m.Net}, SplitNet{m.Net}} {
			data, err := pm.EncodeStripe(nil, img, w, h, 3)
			if err != nil {
				t.Fatal(err)
			}
			if data[0] != c.first {
				t.Errorf("%T split at %d: payload byte %d, want %d", pm, c.split, data[0], c.first)
			}
			got, err := pm.DecodeStripe(data, w, h, 3)
			if err != nil || !bytes.Equal(got, img) {
				t.Fatalf("%T split at %d: round trip: %v", pm, c.split, err)
			}
			if _, ok := pm.(SplitNet); ok && c.first == 1 {
				plain, _ := m.Net.EncodeStripe(nil, img, w, h, 3)
				if !bytes.Equal(data[1:], plain) {
					t.Errorf("SplitNet's whole stripe differs from the network's stream")
				}
			}
			for _, bad := range [][]byte{nil, {0}, {3}, {2}, {2, 0, 1}, {2, 9, 1}, {2, 4, 200}} {
				if _, err := pm.DecodeStripe(bad, w, h, 3); err == nil {
					t.Errorf("%T: payload %v accepted", pm, bad)
				}
			}
		}
	}
	for _, n := range []*Model{m} {
		if got, err := BySplitFingerprint(n.SplitFingerprint); err != nil || got != n || n.SplitFingerprint == n.Fingerprint || n.SplitFingerprint == n.CMFingerprint {
			t.Errorf("%s: split fingerprint %x: %v", n.Name, n.SplitFingerprint, err)
		}
	}
}
