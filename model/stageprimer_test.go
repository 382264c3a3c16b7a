package model

import (
	"bytes"
	"errors"
	"testing"
)

// testPrimer is a primer of two flat images (one RGB, one grey) with
// small tables.
func testPrimer(t testing.TB) *StagePrimer {
	rgb := flatImage(48, 30)
	grey := make([]byte, 40*20)
	for i := range grey {
		grey[i] = byte(i % 40 / 8 * 50)
	}
	p, err := NewStagePrimer([]StageImage{{rgb, 48, 30, 3}, {grey, 40, 20, 1}}, 12)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStagePrimer: an image coded from a primed stage decodes with the
// primer read back from its stored form, is smaller than from a cold
// stage when the primer holds its patterns, and a primer whose coding
// was altered fails when it is read.
func TestStagePrimer(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	p := testPrimer(t)
	stored := p.MarshalBinary()
	q, err := ParseStagePrimer(stored)
	if err != nil {
		t.Fatal(err)
	}
	if q.Sum() != p.Sum() || q.Images() != 2 || q.Samples() != 48*30*3+40*20 {
		t.Fatalf("parsed primer: %d images, %d samples", q.Images(), q.Samples())
	}
	if !bytes.Equal(q.marshal(), stored) || q.Size() != len(stored) {
		t.Fatal("parse(marshal) differs")
	}
	const w, h = 64, 40
	img := flatImage(w, h)
	cold, err := CMNet{Net: m.Net}.EncodeStripe(nil, img, w, h, 3)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := CMNet{Net: m.Net, Primer: p}.EncodeStripe(nil, img, w, h, 3)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := CMNet{Net: m.Net, Primer: q}.DecodeStripe(enc, w, h, 3)
	if err != nil || !bytes.Equal(dec, img) {
		t.Fatalf("primed round trip: %v", err)
	}
	t.Logf("cold %d bytes, primed %d", len(cold), len(enc))
	if len(enc) >= len(cold) {
		t.Errorf("primed %d bytes, cold %d", len(enc), len(cold))
	}
	// Another stripe from the same primer: it starts from the primed
	// state, not from the first stripe's end.
	again, err := CMNet{Net: m.Net, Primer: q}.EncodeStripe(nil, img, w, h, 3)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("a second stripe from the primer coded differently: %v", err)
	}

	bad := bytes.Clone(stored)
	bad[len(bad)-3] ^= 0x55
	r, err := ParseStagePrimer(bad)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := (CMNet{Net: m.Net, Primer: r}).DecodeStripe(enc, w, h, 3); err == nil && bytes.Equal(out, img) {
		t.Error("an altered primer gave the same image")
	}
}

// TestParseStagePrimerBad: truncations and bad fields are errors naming
// an offset.
func TestParseStagePrimerBad(t *testing.T) {
	stored := testPrimer(t).MarshalBinary()
	for n := range len(stored) {
		if _, err := ParseStagePrimer(stored[:n]); !errors.Is(err, ErrStagePrimer) {
			t.Fatalf("truncated to %d bytes: %v", n, err)
		}
	}
	bits := bytes.Clone(stored)
	bits[len(stagePrimerMagic)] = MaxPrimerBits + 1
	if _, err := ParseStagePrimer(bits); !errors.Is(err, ErrStagePrimer) {
		t.Errorf("table bits %d: %v", MaxPrimerBits+1, err)
	}
	if _, err := ParseStagePrimer(append(bytes.Clone(stored), 0)); !errors.Is(err, ErrStagePrimer) {
		t.Errorf("a trailing byte: %v", err)
	}
	if _, err := NewStagePrimer(nil, MaxPrimerBits+1); !errors.Is(err, ErrStagePrimer) {
		t.Errorf("NewStagePrimer with %d table bits: %v", MaxPrimerBits+1, err)
	}
}

// FuzzStagePrimer: any stored primer parses or fails cleanly, and one
// that parses is read (its codings decoded) without a panic.
func FuzzStagePrimer(f *testing.F) {
	f.Add(testPrimer(f).MarshalBinary())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseStagePrimer(b)
		if err != nil {
			return
		}
		if p.Samples() > 1<<16 || p.tbits > 14 {
			return // bounded, but slow to read or large
		}
		if _, err := p.state(); err != nil && !errors.Is(err, ErrStagePrimer) {
			t.Fatalf("reading: %v", err)
		}
	})
}
