package bitcm

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// A Warm is the learned starting state of a byte model: what a model of
// one configuration knows after adapting to training text, apart from its
// hashed context tables (which hold the text itself and are too large to
// ship). A model that starts from it begins a segment with trained mixer
// weights, probability maps, history maps, order 0-1 tables and match
// confidences instead of neutral ones, so a small file does not pay for
// the model learning what text looks like. TrainWarm builds one;
// MarshalBinary and ParseWarm store it (dcar embeds its own). A Warm is
// part of the coded format: Fingerprint covers its bytes.
type Warm struct {
	bank  [][]int32 // every bank's mixers' weights, 4 per bank
	final []int32
	a1    []uint16
	a2    []uint16
	a3    []uint16   // the prior's probability map (empty without a prior)
	hms   [][]uint32 // 256 entries each, or 1024 (HistDepth)
	o1    []node
	o0    []node
	mm    []node
	mm2   []node   // the second match model's (format version 2; empty without one)
	a4    []uint16 // SSE3's map (format version 3; empty without it)
	sum   [32]byte // SHA-256 of the marshalled form
}

// ErrWarm reports warm-start data that is damaged or does not fit the
// model configuration it is used with.
var ErrWarm = errors.New("bitcm: warm start does not fit")

// warmMagic begins a stored Warm: the format's name and version. Version
// 1 has every table up to mm; version 2 adds mm2, and is written only
// for a model with a second match model, so a Warm without one has the
// same bytes (and sum) as before. Version 3 (the version 8 text model)
// has history maps of 1024 entries (HistDepth) or 256, mm2 always (its
// count may be 0) and then a4; it is written only for a model with
// HistDepth or SSE3.
const (
	warmMagic  = "dcarwarm\x00\x01" // format version 1
	warmMagic2 = "dcarwarm\x00\x02" // format version 2
	warmMagic3 = "dcarwarm\x00\x03" // format version 3
)

// v3 reports whether w is stored as format version 3.
func (w *Warm) v3() bool { return len(w.a4) > 0 || len(w.hms) > 0 && len(w.hms[0]) != 256 }

// MarshalBinary returns the stored form: the magic with its version,
// then every table as a 32-bit element count and its little-endian
// elements, in a fixed order.
func (w *Warm) MarshalBinary() ([]byte, error) {
	b := []byte(warmMagic)
	switch {
	case w.v3():
		b = []byte(warmMagic3)
	case len(w.mm2) > 0:
		b = []byte(warmMagic2)
	}
	put32 := func(v []int32) {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		}
	}
	putU32 := func(v []uint32) {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint32(b, x)
		}
	}
	put16 := func(v []uint16) {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v)))
		for _, x := range v {
			b = binary.LittleEndian.AppendUint16(b, x)
		}
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(w.bank)))
	for _, v := range w.bank {
		put32(v)
	}
	put32(w.final)
	put16(w.a1)
	put16(w.a2)
	put16(w.a3)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(w.hms)))
	for i := range w.hms {
		putU32(w.hms[i])
	}
	putU32(w.o1)
	putU32(w.o0)
	putU32(w.mm)
	switch {
	case w.v3():
		putU32(w.mm2)
		put16(w.a4)
	case len(w.mm2) > 0:
		putU32(w.mm2)
	}
	return b, nil
}

// maxWarmElems bounds one table of a stored Warm (the largest, a
// probability map over 65536 contexts, has 2,162,688).
const maxWarmElems = 1 << 23

// ParseWarm reads a Warm stored by MarshalBinary.
func ParseWarm(data []byte) (*Warm, error) {
	var version int
	if len(data) >= len(warmMagic) {
		switch string(data[:len(warmMagic)]) {
		case warmMagic:
			version = 1
		case warmMagic2:
			version = 2
		case warmMagic3:
			version = 3
		}
	}
	if version == 0 {
		return nil, fmt.Errorf("%w: not a version 1, 2 or 3 warm-start file", ErrWarm)
	}
	r := data[len(warmMagic):]
	var err error
	count := func(size int) int {
		if err != nil {
			return 0
		}
		if len(r) < 4 {
			err = fmt.Errorf("%w: truncated at offset %d", ErrWarm, len(data)-len(r))
			return 0
		}
		n := int(binary.LittleEndian.Uint32(r))
		if n > maxWarmElems || len(r)-4 < n*size {
			err = fmt.Errorf("%w: table of %d elements at offset %d", ErrWarm, n, len(data)-len(r))
			return 0
		}
		r = r[4:]
		return n
	}
	get32 := func() []int32 {
		v := make([]int32, count(4))
		for i := range v {
			v[i] = int32(binary.LittleEndian.Uint32(r[4*i:]))
		}
		r = r[4*len(v):]
		return v
	}
	getU32 := func() []uint32 {
		v := make([]uint32, count(4))
		for i := range v {
			v[i] = binary.LittleEndian.Uint32(r[4*i:])
		}
		r = r[4*len(v):]
		return v
	}
	get16 := func() []uint16 {
		v := make([]uint16, count(2))
		for i := range v {
			v[i] = binary.LittleEndian.Uint16(r[2*i:])
		}
		r = r[2*len(v):]
		return v
	}
	w := &Warm{}
	nb := count(0)
	if nb > 16 {
		return nil, fmt.Errorf("%w: %d mixers", ErrWarm, nb)
	}
	for range nb {
		w.bank = append(w.bank, get32())
	}
	w.final = get32()
	w.a1 = get16()
	w.a2 = get16()
	w.a3 = get16()
	nh := count(0)
	if nh > 64 {
		return nil, fmt.Errorf("%w: %d history maps", ErrWarm, nh)
	}
	w.hms = make([][]uint32, nh)
	for i := range w.hms {
		w.hms[i] = getU32()
		if n := len(w.hms[i]); err == nil && (n != 256 && (version < 3 || n != 1024) || n != len(w.hms[0])) {
			err = fmt.Errorf("%w: history map %d has %d entries", ErrWarm, i, n)
		}
	}
	w.o1 = getU32()
	w.o0 = getU32()
	w.mm = getU32()
	switch version {
	case 2:
		w.mm2 = getU32()
		if err == nil && len(w.mm2) == 0 {
			err = fmt.Errorf("%w: version 2 without a second match model", ErrWarm)
		}
	case 3:
		w.mm2 = getU32()
		w.a4 = get16()
		if err == nil && !w.v3() {
			err = fmt.Errorf("%w: version 3 of a version 2 model", ErrWarm)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(r) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last table", ErrWarm, len(r))
	}
	w.sum = sha256.Sum256(data)
	return w, nil
}

// snapshot returns m's learned state as a Warm, without its sum (seal
// sets it: only the Warm that TrainWarm returns needs one).
func (m *model) snapshot() *Warm {
	w := &Warm{
		final: append([]int32(nil), m.final.w...),
		a1:    append([]uint16(nil), m.a1.t...),
		a2:    append([]uint16(nil), m.a2.t...),
		o1:    append([]node(nil), m.o1...),
		o0:    append([]node(nil), m.o0...),
		mm:    append([]node(nil), m.mm.sm...),
		mm2:   append([]node(nil), m.mm2.sm...),
	}
	if m.a3 != nil {
		w.a3 = append([]uint16(nil), m.a3.t...)
	}
	if m.a4 != nil {
		w.a4 = append([]uint16(nil), m.a4.t...)
	}
	for _, b := range m.banks() {
		for _, v := range b.w {
			w.bank = append(w.bank, append([]int32(nil), v...))
		}
	}
	for i := 0; i < len(m.hm); i += m.hmLen {
		w.hms = append(w.hms, append([]uint32(nil), m.hm[i:i+m.hmLen]...))
	}
	return w
}

// banks returns m's mixer banks.
func (m *model) banks() []*bank {
	if m.mix2 != nil {
		return []*bank{m.mixers, m.mix2}
	}
	return []*bank{m.mixers}
}

// warmUp loads w into the fresh model m, which must have the shape w
// was trained with.
func (m *model) warmUp(w *Warm) error {
	fit := len(w.final) == len(m.final.w) && len(w.a1) == len(m.a1.t) && len(w.a2) == len(m.a2.t) &&
		(m.a3 == nil && len(w.a3) == 0 || m.a3 != nil && len(w.a3) == len(m.a3.t)) &&
		len(w.o1) == len(m.o1) && len(w.o0) == len(m.o0) && len(w.mm) == len(m.mm.sm) && len(w.mm2) == len(m.mm2.sm) &&
		(m.a4 == nil && len(w.a4) == 0 || m.a4 != nil && len(w.a4) == len(m.a4.t)) &&
		len(w.hms)*m.hmLen == len(m.hm) && (len(w.hms) == 0 || len(w.hms[0]) == m.hmLen)
	banks := m.banks()
	fit = fit && len(w.bank) == 4*len(banks)
	for i := 0; fit && i < len(w.bank); i++ {
		fit = len(w.bank[i]) == len(banks[i/4].w[i%4])
	}
	if !fit {
		return fmt.Errorf("%w: trained for another model shape", ErrWarm)
	}
	for i, v := range w.bank {
		copy(banks[i/4].w[i%4], v)
	}
	copy(m.final.w, w.final)
	copy(m.a1.t, w.a1)
	copy(m.a2.t, w.a2)
	if m.a3 != nil {
		copy(m.a3.t, w.a3)
	}
	copy(m.o1, w.o1)
	copy(m.o0, w.o0)
	copy(m.mm.sm, w.mm)
	copy(m.mm2.sm, w.mm2)
	if m.a4 != nil {
		copy(m.a4.t, w.a4)
	}
	for i, h := range w.hms {
		copy(m.hm[i*m.hmLen:], h)
	}
	return nil
}

// TrainWarm returns the warm start of cfg (whose own Warm, if any, is
// the starting point) learned from segs: each is modelled as a segment
// of its own, starting from the state the previous ones left. prior, if
// not nil, gives each segment's Prior (the model with a prior has more
// inputs: its warm start is another).
func TrainWarm(cfg Config, segs [][]byte, prior func(n int) (Prior, error)) (*Warm, error) {
	w := cfg.Warm
	for _, s := range segs {
		c := cfg
		c.Warm = w
		var p Prior
		if prior != nil {
			var err error
			if p, err = prior(len(s)); err != nil {
				return nil, err
			}
		}
		n := len(s)
		s = WordTransform(nil, s, cfg)
		m, err := newModel(n, make([]byte, 0, len(s)), c, p)
		if err != nil {
			return nil, err
		}
		for _, b := range s {
			m.learnByte(b)
		}
		w = m.snapshot()
		freeTables(m.tabBuf)
	}
	if w != nil && w != cfg.Warm {
		b, _ := w.MarshalBinary()
		w.sum = sha256.Sum256(b)
	}
	return w, nil
}

// CheckWarm reports whether cfg's Warm, if any, fits cfg's model shape
// (what coding with cfg would otherwise find only at its first segment).
// It builds the smallest model of cfg: a few hundred kilobytes.
func CheckWarm(cfg Config) error {
	if cfg.Warm == nil {
		return nil
	}
	_, err := newModel(1, make([]byte, 0, 1), cfg, nil)
	return err
}
