package coder

const (
	// MaxTotalBits is the largest supported log2 of a frequency total.
	// Frequencies are coded against a total of exactly 1<<totalBits with
	// 0 <= totalBits <= MaxTotalBits.
	MaxTotalBits = 16

	// ProbBits is the precision of binary decision probabilities: p0 is
	// the probability of a zero bit in units of 1/(1<<ProbBits).
	ProbBits = 16

	// topValue is the normalisation threshold. Before every coding
	// operation both sides shift the range left by whole bytes until
	// range >= topValue, so an operation always starts with
	// 2^24 <= range <= 2^32-1 and (range >> MaxTotalBits) >= 2^8.
	topValue = 1 << 24

	// flushBytes is the number of bytes of low emitted by Finish, which
	// equals the number of bytes the Decoder preloads into its code.
	flushBytes = 4
)

// Encoder is a range encoder that appends its output to a byte slice.
//
// The coded stream is the big-endian representation of a number V in
// [0, 1) (scaled by 256^len). The encoder keeps the current interval
// [low, low+range) of candidate values in a 32-bit window; bytes left of
// the window have been shifted out and are final except for a possible
// carry, which is why they are held back in cache and ffs.
//
// Invariants between operations:
//
//   - 256 <= range <= 2^32-1; range >= 2^24 after normalisation.
//   - low + range < 2^33: bit 32 of low is a carry into the held-back
//     bytes and is resolved by the next shiftLow.
//   - The held-back bytes are cache followed by ffs bytes of 0xFF; a
//     carry increments cache and turns the 0xFF bytes into 0x00.
//   - The first byte of the conceptual stream is always 0 (V < 1) and is
//     not emitted; started reports whether cache holds a real byte.
//
// The zero value is an encoder for an empty stream that appends to a
// nil slice, so Reset is only needed to supply a destination buffer.
// Encoding never allocates except when appending to dst grows it.
type Encoder struct {
	low     uint64 // bottom of the interval; bit 32 is a pending carry
	rng     uint32 // width of the interval; 0 only in the zero value
	cache   byte   // last byte shifted out of low, awaiting a carry
	started bool   // cache holds an emitted-to-be byte (not the implicit 0)
	ffs     uint64 // number of 0xFF bytes held back after cache
	dst     []byte // output so far
	err     error  // first error, sticky
}

// Reset starts a new stream whose bytes will be appended to dst.
func (e *Encoder) Reset(dst []byte) {
	*e = Encoder{rng: 0xFFFFFFFF, dst: dst}
}

// Err returns the first error recorded by an Encode call, if any.
func (e *Encoder) Err() error { return e.err }

// shiftLow moves the top byte of the 32-bit window of low out into the
// held-back bytes, resolving any carry first. It is the only place
// where bytes are emitted.
func (e *Encoder) shiftLow() {
	if e.low < 0xFF000000 || e.low >= 1<<32 {
		// The top byte of the window is final unless a carry arrives:
		// either it is not 0xFF (a later carry stops at it), or a
		// carry is already here. In both cases the held-back bytes
		// can be written out now.
		carry := byte(e.low >> 32)
		if e.started {
			e.dst = append(e.dst, e.cache+carry)
		}
		// Before the first real byte the held-back bytes follow the
		// implicit leading 0, which can never receive a carry because
		// V < 1; so carry is 0 whenever started is false.
		for ; e.ffs > 0; e.ffs-- {
			e.dst = append(e.dst, 0xFF+carry)
		}
		e.cache = byte(e.low >> 24)
		e.started = true
	} else {
		// Top byte is 0xFF: a future carry would ripple through it.
		e.ffs++
	}
	e.low = (e.low & 0x00FFFFFF) << 8
}

// normalize restores range >= topValue. It runs before each operation
// so that nothing is emitted after the last one except the flush.
func (e *Encoder) normalize() {
	if e.rng == 0 {
		// Zero value: start an empty stream appending to e.dst (nil).
		e.rng = 0xFFFFFFFF
		return
	}
	for e.rng < topValue {
		e.rng <<= 8
		e.shiftLow()
	}
}

// EncodeFreq encodes the sub-interval [cum, cum+freq) of a total of
// 1<<totalBits. It requires freq >= 1, cum+freq <= 1<<totalBits and
// totalBits <= MaxTotalBits; otherwise it records ErrInvalidFreq and
// encodes nothing. The decoder mirrors it with Target and Consume.
func (e *Encoder) EncodeFreq(cum, freq uint32, totalBits uint) {
	if totalBits > MaxTotalBits || freq == 0 || cum >= 1<<totalBits || freq > 1<<totalBits-cum {
		e.setErr(ErrInvalidFreq)
		return
	}
	e.encode(cum, freq, totalBits)
}

// Encode encodes symbol sym with the probabilities of table t. A symbol
// outside the table records ErrSymbol, and an uninitialised table
// ErrInvalidFreq.
func (e *Encoder) Encode(t *FreqTable, sym int) {
	cum := t.cum
	if len(cum) < 2 {
		e.setErr(ErrInvalidFreq)
		return
	}
	if uint(sym) >= uint(len(cum)-1) {
		e.setErr(ErrSymbol)
		return
	}
	lo, hi := cum[sym], cum[sym+1]
	e.encode(lo, hi-lo, t.bits)
}

// encode narrows the interval to the sub-interval [cum, cum+freq) of
// 1<<totalBits. With r = range>>totalBits the new interval is
// [low + r*cum, low + r*(cum+freq)); the top slack range - r<<totalBits
// (< r) is never used, which is what lets the decoder detect corrupt
// input. Afterwards range = r*freq >= 2^8.
func (e *Encoder) encode(cum, freq uint32, totalBits uint) {
	if e.rng < topValue {
		e.normalize()
	}
	r := e.rng >> totalBits
	e.low += uint64(r * cum)
	e.rng = r * freq
}

// EncodeBit encodes a binary decision. p0 is the probability that bit is
// 0, in units of 2^-16; p0 = 0 is treated as 1, so every outcome stays
// codable. Any nonzero bit is coded as 1. The zero outcome takes the
// bottom of the interval: bound = (range>>16)*p0 and the new interval is
// [low, low+bound) for 0 and [low+bound, low+range) for 1; both have
// width >= 2^8.
func (e *Encoder) EncodeBit(p0 uint16, bit int) {
	if e.rng < topValue {
		e.normalize()
	}
	p := uint32(p0)
	if p == 0 {
		p = 1
	}
	bound := (e.rng >> ProbBits) * p
	if bit == 0 {
		e.rng = bound
	} else {
		e.low += uint64(bound)
		e.rng -= bound
	}
}

// Finish flushes the stream and returns dst (as passed to Reset) with the
// coded bytes appended. It emits the held-back bytes and all 32 bits of
// low, which is exactly what the decoder has in its window after the last
// operation, so the decoder consumes every byte and no more. The stream
// of zero operations is the four bytes 00 00 00 00.
//
// If an Encode call failed, Finish returns that error and no stream.
// In either case the Encoder is left in its zero state, ready for a new
// stream appending to a fresh slice.
func (e *Encoder) Finish() ([]byte, error) {
	// low is not rounded: the value V = low lies in every interval
	// chosen so far, and it leaves the decoder with code == 0, which
	// Decoder.Finish checks.
	for i := 0; i < flushBytes+1; i++ {
		e.shiftLow()
	}
	out, err := e.dst, e.err
	*e = Encoder{}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (e *Encoder) setErr(err error) {
	if e.err == nil {
		e.err = err
	}
}
