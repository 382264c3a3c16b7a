package deflatere

import "github.com/dcar-archiver/dcar/coder"

// bitModel is an adaptive binary probability: p is P(bit = 0) in 1/65536,
// n counts updates (the adaptation rate slows from 1/2 to 1/64).
type bitModel struct {
	p uint16
	n uint8
}

var rates = [...]uint8{1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6}

func (m *bitModel) update(bit int) {
	if m.p == 0 {
		m.p = 32768
	}
	r := rates[m.n]
	if int(m.n) < len(rates)-1 {
		m.n++
	}
	if bit == 0 {
		m.p += (65535 - m.p) >> r
	} else {
		m.p -= m.p >> r
	}
}

func (m *bitModel) p0() uint16 {
	if m.p == 0 {
		return 32768
	}
	return m.p
}

// bitCoder codes one binary decision: the encoder codes b and returns it,
// the decoder ignores b and returns the decoded bit.
type bitCoder interface {
	bit(m *bitModel, b int) int
	raw(v uint32, n uint) uint32
}

type encCoder struct{ e *coder.Encoder }

// statHook, when set (tests), sees every coded decision of the encoder.
var statHook func(p0 uint16, bit int)

func (c encCoder) bit(m *bitModel, b int) int {
	if statHook != nil {
		statHook(m.p0(), b)
	}
	c.e.EncodeBit(m.p0(), b)
	m.update(b)
	return b
}

func (c encCoder) raw(v uint32, n uint) uint32 {
	for k := int(n) - 1; k >= 0; k-- {
		c.e.EncodeBit(32768, int(v>>uint(k))&1)
	}
	return v
}

type decCoder struct{ d *coder.Decoder }

func (c decCoder) bit(m *bitModel, _ int) int {
	b := c.d.DecodeBit(m.p0())
	m.update(b)
	return b
}

func (c decCoder) raw(_ uint32, n uint) uint32 {
	v := uint32(0)
	for k := uint(0); k < n; k++ {
		v = v<<1 | uint32(c.d.DecodeBit(32768))
	}
	return v
}

// setCat is a test hook naming the category of the next decisions.
var setCat = func(int) {}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func codeTree(c bitCoder, t []bitModel, nbits uint, v int) int {
	node := 1
	for k := int(nbits) - 1; k >= 0; k-- {
		node = node<<1 | c.bit(&t[node], (v>>uint(k))&1)
	}
	return node - 1<<nbits
}
