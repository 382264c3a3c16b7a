package coder

// Decoder is the mirror image of Encoder. Instead of low it keeps
// code = V - low restricted to the same 32-bit window, where V is the
// value spelled by the input bytes; it reads a byte exactly when the
// encoder shifts one out, so after the same operations both have the
// same range and the decoder has read 4 bytes more than the encoder has
// shifted out.
//
// Invariants between operations:
//
//   - 256 <= range <= 2^32-1; range >= 2^24 after normalisation.
//   - code < range. Init checks it for the first four bytes; each
//     operation then picks the sub-interval that contains code, and
//     shifting in a byte preserves it (code<<8|b < range<<8).
//   - pos <= len(src): bytes are read only through normalize, which
//     reports ErrTruncated instead of reading past the end.
//
// Errors are sticky: after the first one every operation returns 0 and
// changes nothing, and Err and Finish report it. Each operation does a
// bounded amount of work, so no input can make the decoder loop.
type Decoder struct {
	src  []byte
	pos  int    // next byte of src to read
	rng  uint32 // width of the interval
	code uint32 // V - low, in the 32-bit window
	unit uint32 // range>>totalBits of a pending Target; 0 if none
	q    uint32 // the pending Target
	err  error  // first error, sticky
}

// Init starts decoding the stream src, which must hold exactly one
// stream as produced by Encoder.Finish. The Decoder keeps a reference to
// src until the next Init. Init reports ErrTruncated if src is shorter
// than the 4 bytes of the shortest stream and ErrCorrupt if its first
// four bytes are impossible; the error is also kept as Err.
func (d *Decoder) Init(src []byte) error {
	*d = Decoder{src: src, rng: 0xFFFFFFFF}
	if len(src) < flushBytes {
		d.err = ErrTruncated
		return d.err
	}
	d.code = uint32(src[0])<<24 | uint32(src[1])<<16 | uint32(src[2])<<8 | uint32(src[3])
	d.pos = flushBytes
	if d.code >= d.rng {
		d.err = ErrCorrupt
	}
	return d.err
}

// Err returns the first error encountered, if any.
func (d *Decoder) Err() error { return d.err }

// normalize mirrors Encoder.normalize: while range < 2^24 it shifts in
// the next input byte. It reports false (and sets ErrTruncated) instead
// of reading past the end of src.
func (d *Decoder) normalize() bool {
	for d.rng < topValue {
		if d.pos >= len(d.src) {
			d.err = ErrTruncated
			return false
		}
		d.code = d.code<<8 | uint32(d.src[d.pos])
		d.pos++
		d.rng <<= 8
	}
	return true
}

// Decode decodes a symbol coded with Encoder.Encode and table t.
func (d *Decoder) Decode(t *FreqTable) int {
	if d.err != nil {
		return 0
	}
	if d.rng < topValue && !d.normalize() {
		return 0
	}
	cum := t.cum
	if len(cum) < 2 {
		d.err = ErrInvalidFreq
		return 0
	}
	r := d.rng >> t.bits
	q := d.code / r // the target, in [0, range/r)
	if q >= cum[len(cum)-1] {
		// code is in the top slack that the encoder never uses.
		d.err = ErrCorrupt
		return 0
	}
	sym := t.Lookup(q)
	lo, hi := cum[sym], cum[sym+1]
	d.code -= r * lo // < r*(hi-lo) because lo <= q < hi
	d.rng = r * (hi - lo)
	return sym
}

// Target is the first half of the mirror of Encoder.EncodeFreq: it
// returns the target t in [0, 1<<totalBits) that identifies the coded
// sub-interval, i.e. the caller must find the cum and freq with
// cum <= t < cum+freq and pass them to Consume. A totalBits above
// MaxTotalBits records ErrInvalidFreq; a target in the unused top slack
// records ErrCorrupt. On error Target returns 0.
func (d *Decoder) Target(totalBits uint) uint32 {
	if d.err != nil {
		return 0
	}
	if totalBits > MaxTotalBits {
		d.err = ErrInvalidFreq
		return 0
	}
	if d.rng < topValue && !d.normalize() {
		return 0
	}
	r := d.rng >> totalBits
	q := d.code / r
	if q >= 1<<totalBits {
		d.err = ErrCorrupt
		return 0
	}
	d.unit, d.q = r, q
	return q
}

// Consume completes the decoding started by Target with the interval
// [cum, cum+freq) that contains the target. An interval that does not
// contain it, or a Consume without a preceding Target, records
// ErrInvalidFreq.
func (d *Decoder) Consume(cum, freq uint32) {
	if d.err != nil {
		return
	}
	r, q := d.unit, d.q
	d.unit = 0
	if r == 0 || q < cum || q-cum >= freq {
		d.err = ErrInvalidFreq
		return
	}
	d.code -= r * cum
	d.rng = r * freq
}

// DecodeBit decodes a binary decision coded with Encoder.EncodeBit and
// the same p0.
func (d *Decoder) DecodeBit(p0 uint16) int {
	if d.err != nil {
		return 0
	}
	if d.rng < topValue && !d.normalize() {
		return 0
	}
	p := uint32(p0)
	if p == 0 {
		p = 1
	}
	bound := (d.rng >> ProbBits) * p
	if d.code < bound {
		d.rng = bound
		return 0
	}
	d.code -= bound
	d.rng -= bound
	return 1
}

// Finish ends decoding and reports whether the input was exactly one
// valid stream: it returns the first decoding error, ErrCorrupt if the
// final code value differs from the encoder's flush (which leaves
// code == 0), or ErrTrailingData if bytes remain after the stream.
func (d *Decoder) Finish() error {
	switch {
	case d.err != nil:
		return d.err
	case d.rng == 0:
		return ErrTruncated // never initialised: there is no stream
	case d.unit != 0:
		return ErrInvalidFreq // Target without Consume
	}
	if d.code != 0 {
		return ErrCorrupt
	}
	if d.pos != len(d.src) {
		return ErrTrailingData
	}
	return nil
}
