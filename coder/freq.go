package coder

// FreqTable is a static distribution over the symbols 0..n-1 with integer
// frequencies that add up to exactly 1<<totalBits, every one at least 1
// (so every symbol stays codable).
//
// It stores only the cumulative frequencies:
//
//	0 = cum[0] < cum[1] < ... < cum[n] = 1<<totalBits, freq(s) = cum[s+1]-cum[s].
//
// The Set methods rebuild the table in place and reuse its buffer, so a
// FreqTable that is rebuilt for every symbol allocates only when the
// alphabet grows beyond every size it has had before. When a Set method
// fails it leaves the table empty, and coding with an empty table
// records ErrInvalidFreq. The zero value is an empty table.
type FreqTable struct {
	cum  []uint32
	bits uint
}

// Len returns the number of symbols.
func (t *FreqTable) Len() int {
	if len(t.cum) == 0 {
		return 0
	}
	return len(t.cum) - 1
}

// TotalBits returns log2 of the total of the frequencies.
func (t *FreqTable) TotalBits() uint { return t.bits }

// Freq returns the frequency of sym, which must be in [0, Len()).
func (t *FreqTable) Freq(sym int) uint32 { return t.cum[sym+1] - t.cum[sym] }

// Cum returns the sum of the frequencies of the symbols below sym, which
// must be in [0, Len()]; Cum(Len()) is the total.
func (t *FreqTable) Cum(sym int) uint32 { return t.cum[sym] }

// Lookup returns the symbol s with Cum(s) <= target < Cum(s+1), for a
// target below the total as returned by Decoder.Target. For a target at
// or above the total it returns Len()-1, and for an empty table 0.
//
// It is a branch-free binary search: about log2(Len()) steps, 8 for a
// byte alphabet, with no per-table index to build.
func (t *FreqTable) Lookup(target uint32) int {
	cum := t.cum
	if len(cum) < 2 {
		return 0
	}
	// Invariant: cum[lo] <= target and the answer is in [lo, lo+size).
	lo, size := 0, len(cum)-1
	for size > 1 {
		half := size >> 1
		// Step to the upper half if cum[lo+half] <= target, using a
		// mask rather than a branch, which would be mispredicted half
		// the time: the difference is exact in int64 and its sign
		// bit says target < cum[lo+half].
		below := int((int64(target) - int64(cum[lo+half])) >> 63)
		lo += half &^ below
		size -= half
	}
	return lo
}

// checkSize validates an alphabet of n symbols for a total of
// 1<<totalBits: 1 <= n <= 1<<totalBits <= 1<<MaxTotalBits.
func checkSize(n int, totalBits uint) error {
	if totalBits > MaxTotalBits || n < 1 || n > 1<<totalBits {
		return ErrInvalidFreq
	}
	return nil
}

// reset prepares t for n symbols and returns cum[:n+1] with cum[0] = 0,
// growing the buffer only if its capacity is too small.
func (t *FreqTable) reset(n int, totalBits uint) []uint32 {
	if cap(t.cum) < n+1 {
		t.cum = make([]uint32, n+1)
	}
	t.cum = t.cum[:n+1]
	t.cum[0] = 0
	t.bits = totalBits
	return t.cum
}

// clear leaves t empty after a failed Set.
func (t *FreqTable) clear() {
	t.cum = t.cum[:0]
	t.bits = 0
}

// SetFreqs sets the table to the given frequencies, which must each be at
// least 1 and add up to exactly 1<<totalBits, with totalBits <=
// MaxTotalBits. Otherwise it returns ErrInvalidFreq and leaves t empty.
func (t *FreqTable) SetFreqs(freqs []uint32, totalBits uint) error {
	if err := checkSize(len(freqs), totalBits); err != nil {
		t.clear()
		return err
	}
	cum := t.reset(len(freqs), totalBits)
	var sum uint64 // cannot overflow: at most 2^16 terms of < 2^32
	for i, f := range freqs {
		if f == 0 {
			t.clear()
			return ErrInvalidFreq
		}
		sum += uint64(f)
		cum[i+1] = uint32(sum) // checked below
	}
	if sum != 1<<totalBits {
		t.clear()
		return ErrInvalidFreq
	}
	return nil
}

// SetUniform sets the table to n equally likely symbols: each gets
// (1<<totalBits)/n and the first (1<<totalBits)%n symbols one more. It
// returns ErrInvalidFreq and leaves t empty unless 1 <= n <= 1<<totalBits
// <= 1<<MaxTotalBits.
func (t *FreqTable) SetUniform(n int, totalBits uint) error {
	if err := checkSize(n, totalBits); err != nil {
		t.clear()
		return err
	}
	cum := t.reset(n, totalBits)
	total := uint32(1) << totalBits
	f := total / uint32(n)
	extra := total - f*uint32(n)
	for i := uint32(1); i <= uint32(n); i++ {
		cum[i] = i*f + min(i, extra)
	}
	return nil
}
