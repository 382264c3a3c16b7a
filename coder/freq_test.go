package coder

import (
	"fmt"
	"testing"
)

func TestSetFreqs(t *testing.T) {
	var tab FreqTable
	for _, tc := range []struct {
		freqs []uint32
		bits  uint
		ok    bool
	}{
		{[]uint32{1}, 0, true},
		{[]uint32{65536}, 16, true},
		{[]uint32{1, 65535}, 16, true},
		{[]uint32{16384, 16384}, 15, true},
		{[]uint32{3, 5}, 3, true},
		{nil, 16, false},
		{[]uint32{}, 0, false},
		{[]uint32{0, 65536}, 16, false},
		{[]uint32{1, 65534}, 16, false},
		{[]uint32{2, 65535}, 16, false},
		{[]uint32{1 << 17}, 17, false},
		{[]uint32{0xFFFFFFFF, 0xFFFFFFFF, 2}, 16, false}, // wraps in 32 bits
		{[]uint32{1, 1, 1}, 1, false},
	} {
		err := tab.SetFreqs(tc.freqs, tc.bits)
		if (err == nil) != tc.ok {
			t.Errorf("SetFreqs(%v, %d) = %v", tc.freqs, tc.bits, err)
			continue
		}
		if err != nil {
			if err != ErrInvalidFreq || tab.Len() != 0 || tab.TotalBits() != 0 {
				t.Errorf("SetFreqs(%v, %d) = %v, left %d symbols", tc.freqs, tc.bits, err, tab.Len())
			}
			continue
		}
		if tab.Len() != len(tc.freqs) || tab.TotalBits() != tc.bits || tab.Cum(tab.Len()) != 1<<tc.bits {
			t.Errorf("SetFreqs(%v, %d): Len %d TotalBits %d", tc.freqs, tc.bits, tab.Len(), tab.TotalBits())
		}
		for i, f := range tc.freqs {
			if tab.Freq(i) != f {
				t.Errorf("SetFreqs(%v, %d): Freq(%d) = %d", tc.freqs, tc.bits, i, tab.Freq(i))
			}
		}
	}
}

func TestSetUniform(t *testing.T) {
	var tab FreqTable
	for _, tc := range []struct {
		n    int
		bits uint
	}{{1, 0}, {1, 16}, {2, 1}, {3, 16}, {256, 16}, {255, 15}, {65536, 16}, {1000, 10}} {
		if err := tab.SetUniform(tc.n, tc.bits); err != nil {
			t.Fatalf("SetUniform(%d, %d): %v", tc.n, tc.bits, err)
		}
		total := uint32(1) << tc.bits
		f, extra := total/uint32(tc.n), int(total%uint32(tc.n))
		if tab.Len() != tc.n || tab.Cum(tc.n) != total {
			t.Errorf("SetUniform(%d, %d): Len %d, total %d", tc.n, tc.bits, tab.Len(), tab.Cum(tab.Len()))
		}
		for i := 0; i < tc.n; i++ {
			want := f
			if i < extra {
				want++
			}
			if tab.Freq(i) != want {
				t.Fatalf("SetUniform(%d, %d): Freq(%d) = %d, want %d", tc.n, tc.bits, i, tab.Freq(i), want)
			}
		}
	}
	for _, tc := range []struct {
		n    int
		bits uint
	}{{0, 16}, {-1, 16}, {3, 1}, {1, 17}, {65537, 16}} {
		if err := tab.SetUniform(tc.n, tc.bits); err != ErrInvalidFreq || tab.Len() != 0 {
			t.Errorf("SetUniform(%d, %d) = %v", tc.n, tc.bits, err)
		}
	}
}

func TestLookup(t *testing.T) {
	p := &prng{s: 11}
	for _, bits := range []uint{0, 1, 4, 8, 12, 15, 16} {
		for _, n := range []int{1, 2, 3, 7, 16, 255, 256, 257, 4096, 65536} {
			if n > 1<<bits {
				continue
			}
			for shape := 0; shape < 4; shape++ {
				tab := mustTable(randomFreqs(p, n, bits, shape), bits)
				// Walk all targets (or a stride of them) against the
				// linear definition.
				step := max(1, (1<<bits)/5000)
				sym := 0
				for q := 0; q < 1<<bits; q += step {
					for tab.Cum(sym+1) <= uint32(q) {
						sym++
					}
					if got := tab.Lookup(uint32(q)); got != sym {
						t.Fatalf("bits %d n %d shape %d: Lookup(%d) = %d, want %d", bits, n, shape, q, got, sym)
					}
				}
				if got := tab.Lookup(1 << bits); got != n-1 {
					t.Errorf("Lookup(total) = %d, want %d", got, n-1)
				}
				if got := tab.Lookup(0xFFFFFFFF); got != n-1 {
					t.Errorf("Lookup(max) = %d, want %d", got, n-1)
				}
			}
		}
	}
}

// TestTableReuse checks that rebuilding a table in place does not
// allocate once its buffer is large enough, including after a failure.
func TestTableReuse(t *testing.T) {
	var tab FreqTable
	tab.SetUniform(300, 16)
	freqs := randomFreqs(&prng{}, 200, 16, 0)
	logits := []int32{5, -7, 300, 12}
	allocs := testing.AllocsPerRun(50, func() {
		tab.SetUniform(256, 16)
		tab.SetFreqs(freqs, 16)
		tab.SetLogits(logits, 15)
		tab.SetFreqs(freqs, 15) // fails: wrong total
		tab.SetUniform(300, 16)
	})
	if allocs != 0 {
		t.Errorf("%v allocations", allocs)
	}
}

func ExampleFreqTable_SetLogits() {
	var tab FreqTable
	// Weights 2^(x/256): the first symbol is twice as likely as the
	// second and four times as likely as the third.
	if err := tab.SetLogits([]int32{0, -LogitOne, -2 * LogitOne}, 16); err != nil {
		panic(err)
	}
	for s := 0; s < tab.Len(); s++ {
		fmt.Println(s, tab.Freq(s))
	}
	// Output:
	// 0 37449
	// 1 18725
	// 2 9362
}
