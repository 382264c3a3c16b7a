package coder

import (
	"errors"
	"testing"
)

// fuzzTables makes three small tables from seed: the decoder must cope
// with any table, so their sizes and totals vary widely.
func fuzzTables(p *prng) []*FreqTable {
	ts := make([]*FreqTable, 3)
	for i := range ts {
		bits := uint(p.intn(MaxTotalBits + 1))
		n := 1 + p.intn(min(300, 1<<bits))
		ts[i] = mustTable(randomFreqs(p, n, bits, p.intn(4)), bits)
	}
	return ts
}

// FuzzDecoder decodes arbitrary bytes with tables and operations chosen
// by seed. It must never panic or hang; errors are expected. Whatever the
// decoder accepts must be exactly the encoding of what it decoded.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte{}, uint64(0))
	f.Add([]byte{0, 0, 0, 0}, uint64(1))
	f.Add([]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, uint64(2))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00"), uint64(3))
	f.Add([]byte("\x7f\xff\xff\xff\x80\x00\x00\x00\x01"), uint64(4))
	for seed := uint64(10); seed < 14; seed++ {
		p := &prng{s: seed}
		tables := fuzzTables(p)
		src, _ := encodeOps(tables, genOps(p, tables, 1+p.intn(50), opSym, opBit, opFreq))
		f.Add(src, seed)
	}
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		p := &prng{s: seed}
		tables := fuzzTables(p)
		// Enough operations to consume the input several times over;
		// each one does bounded work whatever the input.
		ops := genOps(p, tables, 1+p.intn(4*len(data)+8), opSym, opBit, opFreq)
		checkCanonical(t, tables, ops, data)
	})
}

// FuzzRoundTrip encodes symbols and tables taken from the fuzz input and
// checks that they decode, that the stream has no slack at either end,
// and that SetLogits made a valid table from arbitrary logits.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{15, 3, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{16, 255, 0x80, 0x7f, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF})
	f.Add([]byte("\x08\x02the quick brown fox jumps over the lazy dog"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			data = append(data, 0, 0)
		}
		bits := uint(data[0] % (MaxTotalBits + 1))
		n := 1 + int(data[1])%min(256, 1<<bits)
		data = data[2:]
		// Table 0 from logits in the input; byte values times 97 reach
		// well past the 20-bit cutoff.
		logits := make([]int32, n)
		for i := range logits {
			if i < len(data) {
				logits[i] = int32(int8(data[i])) * 97
			}
		}
		var tab FreqTable
		if err := tab.SetLogits(logits, bits); err != nil {
			t.Fatalf("SetLogits(%d logits, %d bits): %v", n, bits, err)
		}
		checkTable(t, &tab, logits, bits)
		p := &prng{s: uint64(len(data))}
		tables := []*FreqTable{&tab, mustTable(randomFreqs(p, n, bits, 2), bits)}
		var ops []op
		for i, b := range data {
			switch b % 4 {
			case 0, 1:
				ops = append(ops, op{kind: opSym, table: 0, sym: int(b>>2) % n})
			case 2:
				ops = append(ops, op{kind: opSym, table: 1, sym: int(b>>2) % n})
			case 3:
				ops = append(ops, op{kind: opBit, p0: uint16(b) << 8 * uint16(i), sym: int(b>>5) & 1})
			}
		}
		src := checkRoundTrip(t, tables, ops)
		if _, err := decodeOps(tables, ops, src[:len(src)-1]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("stream less its last byte: %v", err)
		}
		if _, err := decodeOps(tables, ops, append(src, 0)); err != ErrTrailingData {
			t.Fatalf("stream plus a byte: %v", err)
		}
	})
}
