package coder

import (
	"fmt"
	"math"
)

// prng is SplitMix64, defined here so that test streams (and the golden
// values derived from them) never change with the Go version, unlike
// math/rand.
type prng struct{ s uint64 }

func (p *prng) next() uint64 {
	p.s += 0x9E3779B97F4A7C15
	z := p.s
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// intn returns a value in [0, n) for n >= 1 (slightly biased; fine for
// tests, and deterministic).
func (p *prng) intn(n int) int { return int(p.next() % uint64(n)) }

// Kinds of operation in a test stream.
const (
	opSym  = iota // Encode/Decode with tables[table]
	opBit         // EncodeBit/DecodeBit with p0
	opFreq        // EncodeFreq/Target+Consume with cum, freq, bits
)

type op struct {
	kind      int
	table     int
	sym       int // symbol, or bit for opBit
	p0        uint16
	cum, freq uint32
	bits      uint
}

func (o op) String() string {
	switch o.kind {
	case opSym:
		return fmt.Sprintf("sym(t%d, %d)", o.table, o.sym)
	case opBit:
		return fmt.Sprintf("bit(p0=%d, %d)", o.p0, o.sym)
	}
	return fmt.Sprintf("freq(%d, %d, %d)", o.cum, o.freq, o.bits)
}

// encodeOps encodes ops and returns the stream.
func encodeOps(tables []*FreqTable, ops []op) ([]byte, error) {
	var e Encoder
	e.Reset(nil)
	for _, o := range ops {
		switch o.kind {
		case opSym:
			e.Encode(tables[o.table], o.sym)
		case opBit:
			e.EncodeBit(o.p0, o.sym)
		case opFreq:
			e.EncodeFreq(o.cum, o.freq, o.bits)
		}
	}
	return e.Finish()
}

// decodeOps decodes len(ops) operations of the kinds and parameters
// given by ops (their symbols are ignored) and returns the decoded
// symbols, stopping at the first error, which it returns along with the
// result of Finish when there was none.
func decodeOps(tables []*FreqTable, ops []op, src []byte) ([]int, error) {
	var d Decoder
	if err := d.Init(src); err != nil {
		return nil, err
	}
	out := make([]int, 0, len(ops))
	for _, o := range ops {
		var s int
		switch o.kind {
		case opSym:
			s = d.Decode(tables[o.table])
		case opBit:
			s = d.DecodeBit(o.p0)
		case opFreq:
			q := d.Target(o.bits)
			// The caller's model: the interval [o.cum, o.cum+o.freq)
			// versus the rest, which is at most two more intervals.
			switch {
			case q < o.cum:
				d.Consume(0, o.cum)
				s = 0
			case q-o.cum < o.freq:
				d.Consume(o.cum, o.freq)
				s = 1
			default:
				d.Consume(o.cum+o.freq, 1<<o.bits-o.cum-o.freq)
				s = 2
			}
		}
		if d.Err() != nil {
			return out, d.Err()
		}
		out = append(out, s)
	}
	return out, d.Finish()
}

// wantSyms returns what decodeOps returns for a correct stream of ops.
func wantSyms(ops []op) []int {
	out := make([]int, len(ops))
	for i, o := range ops {
		switch o.kind {
		case opSym:
			out[i] = o.sym
		case opBit:
			if o.sym != 0 {
				out[i] = 1
			}
		case opFreq:
			out[i] = 1
		}
	}
	return out
}

// randomFreqs returns n frequencies >= 1 adding up to 1<<bits, drawn
// from p with integer arithmetic only (the golden stream depends on it).
// shape 0: random weights, 1: uniform, 2: one dominant symbol with all
// others at 1, 3: geometric-ish decay.
func randomFreqs(p *prng, n int, bits uint, shape int) []uint32 {
	total := uint32(1) << bits
	f := make([]uint32, n)
	switch shape {
	case 1:
		for i := range f {
			f[i] = total / uint32(n)
		}
		f[0] += total - total/uint32(n)*uint32(n)
		return f
	case 2:
		for i := range f {
			f[i] = 1
		}
		f[p.intn(n)] = total - uint32(n-1)
		return f
	}
	w := make([]uint64, n)
	var sum uint64
	for i := range w {
		if shape == 0 {
			w[i] = p.next() >> 40
		} else {
			w[i] = (p.next() >> 40) >> uint(i%24)
		}
		sum += w[i]
	}
	free := uint64(total) - uint64(n)
	var acc uint64
	for i := range f {
		x := uint64(0)
		if sum > 0 {
			x = w[i] * free / sum
		}
		f[i] = 1 + uint32(x)
		acc += uint64(f[i])
	}
	f[p.intn(n)] += total - uint32(acc)
	return f
}

func mustTable(freqs []uint32, bits uint) *FreqTable {
	t := new(FreqTable)
	if err := t.SetFreqs(freqs, bits); err != nil {
		panic(err)
	}
	return t
}

// sample draws a symbol of t with the table's own probabilities.
func sample(p *prng, t *FreqTable) int {
	return t.Lookup(uint32(p.next() >> (64 - t.TotalBits())))
}

// entropyBits returns the ideal code length of syms under table t.
func entropyBits(t *FreqTable, syms []int) float64 {
	var bits float64
	for _, s := range syms {
		bits += float64(t.TotalBits()) - math.Log2(float64(t.Freq(s)))
	}
	return bits
}
