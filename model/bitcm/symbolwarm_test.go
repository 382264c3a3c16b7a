package bitcm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// trainedSymbolWarm is the state of a model that coded a gradient image,
// quantised with shift.
func trainedSymbolWarm(t testing.TB, shift uint) *SymbolWarm {
	_, m := symbolStreamWarm(t, gradientImage(97, 61), 97, nil)
	w := m.Snapshot(1 << 20)
	w.Quantize(shift)
	return w
}

// TestSymbolWarm checks that a warm start round-trips through its stored
// form, that models started from it code and decode alike, and that it
// pays on an image like the one it learned from.
func TestSymbolWarm(t *testing.T) {
	for _, shift := range []uint{0, 11, 16} {
		w := trainedSymbolWarm(t, shift)
		b, err := w.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		w2, err := ParseSymbolWarm(b)
		if err != nil {
			t.Fatalf("shift %d: %v", shift, err)
		}
		if b2, _ := w2.MarshalBinary(); !bytes.Equal(b, b2) || w2.Sum() != w.Sum() {
			t.Fatalf("shift %d: the stored form does not round-trip", shift)
		}
		img := gradientImage(89, 53)
		cold := symbolStream(t, img, 89)
		warm, _ := symbolStreamWarm(t, img, 89, w2)
		t.Logf("shift %d: %d bytes stored; cold %d bytes, warm %d", shift, len(b), len(cold), len(warm))
		if len(warm) >= len(cold) {
			t.Errorf("shift %d: warm start %d bytes, cold %d: it does not pay", shift, len(warm), len(cold))
		}
	}
}

// TestSymbolWarmShape checks that a warm start of another model shape is
// refused.
func TestSymbolWarmShape(t *testing.T) {
	w := trainedSymbolWarm(t, 11)
	m := NewSymbolModel(1000, 3, DefaultSymbolConfig) // three contexts, not two
	if err := m.WarmUp(w); !errors.Is(err, ErrWarm) {
		t.Fatalf("WarmUp of another shape: %v, want ErrWarm", err)
	}
}

// TestParseSymbolWarmDamaged checks that every truncation of a stored
// warm start and a few altered bytes are refused with ErrWarm.
func TestParseSymbolWarmDamaged(t *testing.T) {
	b, _ := trainedSymbolWarm(t, 11).MarshalBinary()
	for n := 0; n < len(b); n += 1 + n/64 {
		if _, err := ParseSymbolWarm(b[:n]); !errors.Is(err, ErrWarm) {
			t.Fatalf("truncated to %d of %d bytes: %v, want ErrWarm", n, len(b), err)
		}
	}
	long := append(bytes.Clone(b), 0)
	if _, err := ParseSymbolWarm(long); !errors.Is(err, ErrWarm) {
		t.Fatalf("a byte appended: %v, want ErrWarm", err)
	}
	_, k := binary.Uvarint(b[len(symbolWarmMagic):])
	bad := bytes.Clone(b)
	bad[len(symbolWarmMagic)+k] = maxWarmShift + 1 // the weight shift
	if _, err := ParseSymbolWarm(bad); !errors.Is(err, ErrWarm) {
		t.Fatalf("weight shift %d: %v, want ErrWarm", maxWarmShift+1, err)
	}
	bad = append([]byte(symbolWarmMagic), 0, 11, 1, 0x80) // a table of one weight, its varint cut
	if _, err := ParseSymbolWarm(bad); !errors.Is(err, ErrWarm) {
		t.Fatalf("a cut varint: %v, want ErrWarm", err)
	}
}

// FuzzParseSymbolWarm checks that ParseSymbolWarm never panics and that
// what it accepts stores to a form it reads back the same.
func FuzzParseSymbolWarm(f *testing.F) {
	b, _ := trainedSymbolWarm(f, 11).MarshalBinary()
	f.Add(b)
	f.Add([]byte(symbolWarmMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseSymbolWarm(data)
		if err != nil {
			if !errors.Is(err, ErrWarm) {
				t.Fatalf("error %v does not wrap ErrWarm", err)
			}
			return
		}
		b, _ := w.MarshalBinary()
		w2, err := ParseSymbolWarm(b)
		if err != nil {
			t.Fatal(err)
		}
		if b2, _ := w2.MarshalBinary(); !bytes.Equal(b, b2) {
			t.Fatal("stored form does not read back the same")
		}
	})
}
