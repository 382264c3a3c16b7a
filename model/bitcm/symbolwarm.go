package bitcm

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
)

// SymbolWarm is the learned start of a SymbolModel: what a model of one
// shape (contexts, configuration) knows after coding training symbols,
// apart from its hashed context tables and order-0 table (which hold the
// training images themselves, and which a model relearns within its first
// symbols: on held-back screenshots the order-0 table gained nothing and
// was two thirds of the stored bytes). A model that starts from it begins
// with trained mixer weights and history maps and the learning rates of
// an older model, so that a small image does not pay for the mixers
// learning which inputs to trust. Snapshot takes one; MarshalBinary and
// ParseSymbolWarm store it (a domain model carries one, dcar train).
type SymbolWarm struct {
	bank  [4][]int32    // the mixer bank's weights
	final []int32       // the final mixer's
	hms   [][256]uint32 // the history maps, one per context and order 0
	age   int           // the symbols the learning rates' schedule starts at
	shift uint8         // the weights differ from their start by multiples of 2^shift
}

// maxWarmShift bounds SymbolWarm's weight shift.
const maxWarmShift = 16

// Snapshot returns m's learned state as a SymbolWarm, its age the
// symbols m has begun, at most maxAge.
func (m *SymbolModel) Snapshot(maxAge int) *SymbolWarm {
	w := &SymbolWarm{final: append([]int32(nil), m.final.w...), age: min(m.n, maxAge)}
	for j := range w.bank {
		w.bank[j] = append([]int32(nil), m.mixers.w[j]...)
	}
	for i := range m.hms {
		w.hms = append(w.hms, m.hms[i].p)
	}
	return w
}

// WarmUp loads w into the fresh model m, which must have the shape w was
// taken from (ErrWarm otherwise).
func (m *SymbolModel) WarmUp(w *SymbolWarm) error {
	fit := len(w.final) == len(m.final.w) && len(w.hms) == len(m.hms)
	for j := range w.bank {
		fit = fit && len(w.bank[j]) == len(m.mixers.w[j])
	}
	if !fit {
		return fmt.Errorf("%w: trained for another model shape", ErrWarm)
	}
	for j := range w.bank {
		copy(m.mixers.w[j], w.bank[j])
	}
	copy(m.final.w, w.final)
	for i := range w.hms {
		m.hms[i].p = w.hms[i]
	}
	if m.n = w.age; m.n > 0 {
		m.schedule()
	}
	return nil
}

// Quantize rounds w's mixer weights to their start values plus
// multiples of 2^shift (at most 2^16; halves away from zero), which
// makes the stored form smaller.
func (w *SymbolWarm) Quantize(shift uint) {
	shift = min(shift, maxWarmShift)
	w.shift = uint8(shift)
	if shift == 0 {
		return
	}
	h, g := int64(1)<<shift>>1, int64(1)<<shift
	q := func(t []int32, w0 int64) {
		for i, v := range t {
			d := int64(v) - w0
			if d < 0 {
				d = -((-d + h) >> shift << shift)
			} else {
				d = (d + h) >> shift << shift
			}
			for w0+d > maxWeight { // stay on the grid and within the weights' range
				d -= g
			}
			for w0+d < -maxWeight {
				d += g
			}
			t[i] = int32(w0 + d)
		}
	}
	for _, t := range w.bank {
		q(t, bankW0)
	}
	q(w.final, finalW0)
}

// Sum is the SHA-256 of w's stored form, which the fingerprints of
// models starting from w cover.
func (w *SymbolWarm) Sum() [32]byte {
	b, _ := w.MarshalBinary()
	return sha256.Sum256(b)
}

// symbolWarmMagic begins a stored SymbolWarm: the format's name and
// version.
const symbolWarmMagic = "dcarswarm\x00\x01"

// MarshalBinary returns the stored form of w: the magic, uvarint age,
// the weight shift (a byte, 0..16), the four bank tables and the final
// mixer's weights, each a uvarint count and its elements' differences
// from a fresh model's weights divided by 2^shift, zigzag varints; then
// a uvarint count of history maps and each map's 256 entries'
// differences from a fresh map's, zigzag varints. Weights a training run
// never moved, and maps it never visited, are a byte each.
func (w *SymbolWarm) MarshalBinary() ([]byte, error) {
	b := []byte(symbolWarmMagic)
	b = binary.AppendUvarint(b, uint64(w.age))
	b = append(b, w.shift)
	put := func(n int, d func(i int) int64) {
		b = binary.AppendUvarint(b, uint64(n))
		for i := range n {
			b = binary.AppendVarint(b, d(i))
		}
	}
	for _, t := range w.bank {
		put(len(t), func(i int) int64 { return (int64(t[i]) - bankW0) >> w.shift })
	}
	put(len(w.final), func(i int) int64 { return (int64(w.final[i]) - finalW0) >> w.shift })
	b = binary.AppendUvarint(b, uint64(len(w.hms)))
	for k := range w.hms {
		for i := range 256 {
			b = binary.AppendVarint(b, int64(w.hms[k][i])-int64(hmInit(i)))
		}
	}
	return b, nil
}

// ParseSymbolWarm reads a SymbolWarm stored by MarshalBinary. Its tables'
// sizes are checked against a model's shape when a model starts from it
// (WarmUp). Errors wrap ErrWarm and name the offset.
func ParseSymbolWarm(data []byte) (*SymbolWarm, error) {
	if !bytes.HasPrefix(data, []byte(symbolWarmMagic)) {
		return nil, fmt.Errorf("%w: not a version 1 symbol-model warm start", ErrWarm)
	}
	r := data[len(symbolWarmMagic):]
	var err error
	fail := func(what string) {
		if err == nil {
			err = fmt.Errorf("%w: %s at offset %d", ErrWarm, what, len(data)-len(r))
		}
	}
	uv := func(most uint64) int {
		if err != nil {
			return 0
		}
		v, k := binary.Uvarint(r)
		if k <= 0 || v > most {
			fail("bad count")
			return 0
		}
		r = r[k:]
		return int(v)
	}
	sv := func(lo, hi int64) int64 {
		if err != nil {
			return 0
		}
		v, k := binary.Varint(r)
		if k <= 0 || v < lo || v > hi {
			fail("bad value")
			return 0
		}
		r = r[k:]
		return v
	}
	w := &SymbolWarm{age: uv(1 << 40)}
	if err == nil {
		if len(r) == 0 || r[0] > maxWarmShift {
			fail("bad weight shift")
		} else {
			w.shift, r = r[0], r[1:]
		}
	}
	weights := func(w0 int64) []int32 {
		n := uv(maxWarmElems)
		if n > len(r) { // an element is a byte or more
			fail("table longer than the data")
			return nil
		}
		t := make([]int32, n)
		for i := range t {
			v := w0 + sv(-maxWeight>>w.shift, maxWeight>>w.shift)<<w.shift
			if v < -maxWeight || v > maxWeight {
				fail("weight out of range")
			}
			t[i] = int32(v)
		}
		return t
	}
	for j := range w.bank {
		w.bank[j] = weights(bankW0)
	}
	w.final = weights(finalW0)
	if n := uv(SymbolSelectors); n > len(r)/256 {
		fail("history maps longer than the data")
	} else {
		w.hms = make([][256]uint32, n)
	}
	for k := range w.hms {
		for i := range 256 {
			w.hms[k][i] = uint32(int64(hmInit(i)) + sv(-int64(hmInit(i)), math.MaxUint32-int64(hmInit(i))))
		}
	}
	if err != nil {
		return nil, err
	}
	if len(r) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last table", ErrWarm, len(r))
	}
	return w, nil
}
