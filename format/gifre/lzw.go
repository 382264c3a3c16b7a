package gifre

// The variable-length-code LZW of GIF89a section 22 and appendix F. The
// decoder and the encoder keep the same code table bookkeeping (table):
// the slot a data code defines is the previous data code's string plus
// the first pixel of this code's string, defined when this code arrives
// (so a code may name the slot it defines: the KwKwK case); the code
// width grows when the next slot to define needs another bit, up to 12
// bits; once slot 4095 is defined the table is full and codes keep
// coming at 12 bits without defining anything, until a clear code.

const (
	maxWidth = 12
	maxCodes = 1 << maxWidth
)

// table is the code table state both sides of the stream agree on.
type table struct {
	clear, eoi int
	litWidth   int // minimum code size + 1: the width after a clear
	next       int // the slot the next data code defines; maxCodes when full
	prev       int // the previous data code since the last clear, or -1
	width      int // the width of the next code
}

func newTable(minCode int) table {
	t := table{clear: 1 << minCode, eoi: 1<<minCode + 1, litWidth: minCode + 1}
	t.reset()
	return t
}

// reset is the effect of a clear code.
func (t *table) reset() {
	t.next, t.prev, t.width = t.eoi+1, -1, t.litWidth
}

// defines reports whether the next data code defines a slot.
func (t *table) defines() bool { return t.prev >= 0 && t.next < maxCodes }

// valid reports whether c names a defined string, after the slot of the
// current step (if any) has been defined.
func (t *table) valid(c int) bool { return c < t.clear || (c > t.eoi && c < t.next) }

// advance ends the step of data code c: it becomes the prefix of the next
// slot, and the width grows if that slot needs another bit.
func (t *table) advance(c int) {
	t.prev = c
	if t.next >= 1<<t.width && t.width < maxWidth {
		t.width++
	}
}

// decoder holds the code table's strings: slot s is string(prefix[s])
// followed by suffix[s]. It is reused from image to image.
type decoder struct {
	prefix [maxCodes]uint16
	suffix [maxCodes]byte
	first  [maxCodes]byte
	length [maxCodes]uint16
}

// decoded is one image's code stream as read.
type decoded struct {
	codes  []uint16 // every code read, clear and end-of-information codes included
	n      int      // pixels produced
	eoi    bool     // the stream ended with an end-of-information code
	end    int      // bit offset after the last code read
	policy int      // the table fill at the first clear code after the first code, or 0
}

// decode reads the code stream data of minimum code size minCode into
// out (the pixels in stream order; len(out) = W*H). Reading stops at an
// end-of-information code, when fewer bits remain than the code width, or,
// once out is full, at the first code that is neither a clear nor an
// end-of-information code (the rest of data is kept as the tail).
func (dec *decoder) decode(data []byte, minCode int, out []byte) (decoded, error) {
	prefix, suffix, first, length := &dec.prefix, &dec.suffix, &dec.first, &dec.length
	t := newTable(minCode)
	for c := 0; c < t.clear; c++ {
		suffix[c], first[c], length[c] = byte(c), byte(c), 1
	}
	var d decoded
	d.codes = make([]uint16, 0, min(len(data)*8/t.litWidth+1, len(out)+len(out)/64+16))
	nbits := len(data) * 8
	for d.end+t.width <= nbits {
		c := readCode(data, d.end, t.width)
		if d.n == len(out) && c != t.clear && c != t.eoi {
			break
		}
		off := d.end / 8
		d.end += t.width
		d.codes = append(d.codes, uint16(c))
		switch {
		case c == t.clear:
			if len(d.codes) > 1 && d.policy == 0 {
				d.policy = t.next
			}
			t.reset()
			continue
		case c == t.eoi:
			d.eoi = true
			return d, nil
		case !t.valid(c) && !(c == t.next && t.defines()):
			return d, errf(ErrFormat, off, "LZW code %d beyond the table (next %d) in the image data", c, t.next)
		}
		if t.defines() {
			fc := first[c]
			if c == t.next {
				fc = first[t.prev]
			}
			s := t.next
			prefix[s], suffix[s], first[s], length[s] = uint16(t.prev), fc, first[t.prev], length[t.prev]+1
			t.next++
		}
		l := int(length[c])
		if l > len(out)-d.n {
			return d, errf(ErrUnsupported, off, "more pixel data than the image's %d pixels", len(out))
		}
		x := c
		for i := d.n + l - 1; i > d.n; i-- {
			out[i] = suffix[x]
			x = int(prefix[x])
		}
		out[d.n] = byte(x)
		d.n += l
		t.advance(c)
	}
	return d, nil
}

// readCode returns the width-bit code at bit offset pos, least
// significant bit first (section 22); pos+width <= 8*len(data).
func readCode(data []byte, pos, width int) int {
	i := pos >> 3
	v := uint32(data[i])
	if i+1 < len(data) {
		v |= uint32(data[i+1]) << 8
		if i+2 < len(data) {
			v |= uint32(data[i+2]) << 16
		}
	}
	return int(v>>(pos&7)) & (1<<width - 1)
}

// hashBits sizes the encoder's string lookup: at most 4096 entries in
// 1<<14 slots keeps the linear probes short.
const hashBits = 14

// encoder is the greedy LZW encoder the rebuild replays: table holds the
// same bookkeeping as the decoder's, dict finds the code of a string
// (prefix code, next pixel).
type encoder struct {
	table
	length [maxCodes]uint16
	dict   [1 << hashBits]uint32 // key<<12 | code, or empty
	used   []uint16              // dict slots in use, to clear them fast
}

const emptySlot = ^uint32(0)

func newEncoder() *encoder {
	e := &encoder{used: make([]uint16, 0, maxCodes)}
	for i := range e.dict {
		e.dict[i] = emptySlot
	}
	return e
}

// start readies e for an image of the given minimum code size.
func (e *encoder) start(minCode int) {
	e.clearTable()
	e.table = newTable(minCode)
	for c := 0; c < e.clear; c++ {
		e.length[c] = 1
	}
}

// clearTable is the effect of a clear code on the encoder.
func (e *encoder) clearTable() {
	for _, s := range e.used {
		e.dict[s] = emptySlot
	}
	e.used = e.used[:0]
	e.reset()
}

func hashKey(key uint32) uint32 { return (key * 0x9E3779B1) >> (32 - hashBits) }

// lookup returns the code of string(code)+ch, or -1.
func (e *encoder) lookup(code int, ch byte) int {
	key := uint32(code)<<8 | uint32(ch)
	for h := hashKey(key); ; h = (h + 1) & (1<<hashBits - 1) {
		v := e.dict[h]
		if v == emptySlot {
			return -1
		}
		if v>>12 == key {
			return int(v & (maxCodes - 1))
		}
	}
}

// define begins the step of a data code at pixel ch: the slot it defines
// (if any) becomes string(prev)+ch. A string already in the table keeps
// its first code.
func (e *encoder) define(ch byte) {
	if !e.defines() {
		return
	}
	s := e.next
	e.length[s] = e.length[e.prev] + 1
	e.next++
	key := uint32(e.prev)<<8 | uint32(ch)
	for h := hashKey(key); ; h = (h + 1) & (1<<hashBits - 1) {
		v := e.dict[h]
		if v == emptySlot {
			e.dict[h] = key<<12 | uint32(s)
			e.used = append(e.used, uint16(h))
			return
		}
		if v>>12 == key {
			return
		}
	}
}

// match returns the longest code whose string starts seq (greedy
// parsing) and its length; seq[0] < e.clear.
func (e *encoder) match(seq []byte) (code, n int) {
	code, n = int(seq[0]), 1
	for n < len(seq) {
		c := e.lookup(code, seq[n])
		if c < 0 {
			break
		}
		code, n = c, n+1
	}
	return code, n
}

// bitWriter packs codes least significant bit first.
type bitWriter struct {
	out   []byte
	acc   uint32
	nbits uint
}

func (w *bitWriter) write(c, width int) {
	w.acc |= uint32(c) << w.nbits
	w.nbits += uint(width)
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}
