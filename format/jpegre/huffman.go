package jpegre

import "errors"

// lookBits is the width of the decoding lookup: codes up to this length
// decode with one table read, longer ones by the canonical bounds.
const lookBits = 9

// huffTable is one DHT table (T.81 annex C): canonical codes from the
// counts of codes per length and the symbols in code order.
type huffTable struct {
	look    [1 << lookBits]uint16 // length<<8 | symbol; 0: a longer code
	maxcode [17]int32             // largest code of each length, -1 if none
	valptr  [17]int32             // index into vals of its smallest code
	mincode [17]int32
	vals    []byte
	code    [256]uint16 // encoding: each symbol's code (first one if repeated)
	size    [256]uint8  // and its length; 0: not in the table
}

func newHuffTable(counts [16]byte, vals []byte) (*huffTable, error) {
	t := &huffTable{vals: vals}
	code, k := int32(0), 0
	for l := 1; l <= 16; l++ {
		n := int(counts[l-1])
		t.valptr[l] = int32(k)
		t.mincode[l] = code
		t.maxcode[l] = code + int32(n) - 1
		if n == 0 {
			t.maxcode[l] = -1
		}
		for range n {
			if code >= 1<<l {
				return nil, errors.New("over-subscribed Huffman table")
			}
			s := vals[k]
			if t.size[s] == 0 {
				t.code[s], t.size[s] = uint16(code), uint8(l)
			}
			if l <= lookBits {
				lo := int(code) << (lookBits - l)
				for j := range 1 << (lookBits - l) {
					t.look[lo+j] = uint16(l)<<8 | uint16(s)
				}
			}
			code++
			k++
		}
		code <<= 1
	}
	return t, nil
}

// bitReader reads MSB-first bits from unstuffed entropy-coded bytes;
// past the end it reads ones (what padding would be) and counts them, so
// the caller can tell a stream that ran short.
type bitReader struct {
	b    []byte
	i    int    // next byte
	acc  uint64 // bits not yet consumed, left-aligned at bit 63
	n    uint   // valid bits in acc
	over int    // bytes read past the end
}

func (r *bitReader) fill() {
	for r.n <= 56 {
		var c byte = 0xFF
		if r.i < len(r.b) {
			c = r.b[r.i]
		} else {
			r.over++
		}
		r.i++
		r.acc |= uint64(c) << (56 - r.n)
		r.n += 8
	}
}

// peek16 returns the next 16 bits.
func (r *bitReader) peek16() uint32 {
	if r.n < 16 {
		r.fill()
	}
	return uint32(r.acc >> 48)
}

func (r *bitReader) skip(n uint) { r.acc <<= n; r.n -= n }

// bits reads n <= 16 bits.
func (r *bitReader) bits(n uint) int32 {
	if n == 0 {
		return 0
	}
	if r.n < n {
		r.fill()
	}
	v := int32(r.acc >> (64 - n))
	r.skip(n)
	return v
}

// used is the number of bits consumed so far.
func (r *bitReader) used() int { return r.i*8 - int(r.n) }

var errBadCode = errors.New("invalid Huffman code")

// decode reads one symbol.
func (r *bitReader) decode(t *huffTable) (byte, error) {
	p := r.peek16()
	if e := t.look[p>>(16-lookBits)]; e != 0 {
		r.skip(uint(e >> 8))
		return byte(e), nil
	}
	for l := lookBits + 1; l <= 16; l++ {
		c := int32(p >> (16 - l))
		if c <= t.maxcode[l] {
			r.skip(uint(l))
			return t.vals[t.valptr[l]+c-t.mincode[l]], nil
		}
	}
	return 0, errBadCode
}

// extend turns the s low bits v of a coded value into the value (T.81
// F.2.2.1).
func extend(v int32, s uint) int32 {
	if s == 0 {
		return 0
	}
	if v < 1<<(s-1) {
		return v - 1<<s + 1
	}
	return v
}

// category returns the magnitude category of v and its s low bits.
func category(v int32) (s uint, bits int32) {
	a := v
	if a < 0 {
		a = -a
	}
	for a>>s != 0 {
		s++
	}
	if v < 0 {
		v += 1<<s - 1
	}
	return s, v & (1<<s - 1)
}

// bitWriter writes MSB-first bits, stuffing a zero byte after every 0xFF.
type bitWriter struct {
	out []byte
	acc uint64 // pending bits, right-aligned
	n   uint
}

func (w *bitWriter) put(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.n += n
	for w.n >= 8 {
		w.n -= 8
		c := byte(w.acc >> w.n)
		w.out = append(w.out, c)
		if c == 0xFF {
			w.out = append(w.out, 0)
		}
	}
}

// align fills the partial byte with the pad bits p (its low bits).
func (w *bitWriter) align(p byte) {
	if n := (8 - w.n) & 7; n != 0 {
		w.put(uint32(p), n)
	}
}
