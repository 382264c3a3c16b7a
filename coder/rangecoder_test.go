package coder

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// makeTables returns a mix of table shapes for a total of 1<<bits.
func makeTables(p *prng, bits uint) []*FreqTable {
	var ts []*FreqTable
	add := func(n, shape int) {
		n = min(n, 1<<bits)
		ts = append(ts, mustTable(randomFreqs(p, n, bits, shape), bits))
	}
	add(256, 0)            // random
	add(256, 1)            // uniform
	add(256, 2)            // extremely skewed: one symbol total-255, others 1
	add(2, 0)              // two symbols
	add(2, 2)              // two symbols, total-1 and 1
	add(1, 0)              // a single symbol: costs nothing
	add(3, 3)              // decaying
	add(16384, 0)          // a large vocabulary
	add(1<<bits, 1)        // every frequency 1
	add(256, 3)            // decaying byte distribution
	add(1<<bits-1, 2)      // all 1 except one 2
	add(1000, p.intn(4))   // whatever
	add(1+p.intn(300), 0)  // random size
	add(1+p.intn(300), 2)  // random size, skewed
	add(2+p.intn(255), 1)  // random size, uniform
	add(1+p.intn(5000), 3) // random size, decaying
	return ts
}

// genOps draws n operations of the given kinds.
func genOps(p *prng, tables []*FreqTable, n int, kinds ...int) []op {
	ops := make([]op, n)
	for i := range ops {
		o := op{kind: kinds[p.intn(len(kinds))]}
		switch o.kind {
		case opSym:
			o.table = p.intn(len(tables))
			t := tables[o.table]
			if p.intn(4) == 0 {
				o.sym = p.intn(t.Len()) // uniformly: often improbable
			} else {
				o.sym = sample(p, t)
			}
		case opBit:
			switch p.intn(4) {
			case 0:
				o.p0 = uint16(p.intn(3)) // 0 (treated as 1), 1, 2
			case 1:
				o.p0 = uint16(65535 - p.intn(3))
			default:
				o.p0 = uint16(p.next())
			}
			if p.intn(4) == 0 {
				o.sym = p.intn(2)
			} else if uint16(p.next()) >= o.p0 {
				o.sym = 1
			}
		case opFreq:
			o.bits = uint(p.intn(MaxTotalBits + 1))
			total := uint32(1) << o.bits
			o.cum = uint32(p.intn(int(total)))
			o.freq = 1 + uint32(p.intn(int(total-o.cum)))
		}
		ops[i] = o
	}
	return ops
}

func checkRoundTrip(t *testing.T, tables []*FreqTable, ops []op) []byte {
	t.Helper()
	src, err := encodeOps(tables, ops)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	got, err := decodeOps(tables, ops, src)
	if err != nil {
		t.Fatalf("decode of %d ops (%d bytes): %v after %d ops", len(ops), len(src), err, len(got))
	}
	want := wantSyms(ops)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("op %d %v: decoded %d, want %d", i, ops[i], got[i], want[i])
		}
	}
	return src
}

func TestRoundTrip(t *testing.T) {
	for _, bits := range []uint{16, 15, 12, 8} {
		p := &prng{s: uint64(bits)}
		tables := makeTables(p, bits)
		for _, n := range []int{0, 1, 2, 3, 10, 100, 1000, 20000} {
			for _, kinds := range [][]int{
				{opSym}, {opBit}, {opFreq}, {opSym, opBit}, {opSym, opBit, opFreq},
			} {
				t.Run(fmt.Sprintf("bits=%d/n=%d/kinds=%v", bits, n, kinds), func(t *testing.T) {
					checkRoundTrip(t, tables, genOps(p, tables, n, kinds...))
				})
			}
		}
	}
}

// TestRoundTripPerShape codes long streams from a single table each and
// checks that the output size is within a hair of the ideal code length.
func TestRoundTripPerShape(t *testing.T) {
	for _, bits := range []uint{16, 15} {
		for shape, name := range []string{"random", "uniform", "skewed", "decay"} {
			for _, n := range []int{2, 256} {
				t.Run(fmt.Sprintf("%s/bits=%d/n=%d", name, bits, n), func(t *testing.T) {
					p := &prng{s: uint64(100*bits) + uint64(shape)}
					tab := mustTable(randomFreqs(p, n, bits, shape), bits)
					ops := make([]op, 50000)
					syms := make([]int, len(ops))
					for i := range ops {
						syms[i] = sample(p, tab)
						ops[i] = op{kind: opSym, sym: syms[i]}
					}
					src := checkRoundTrip(t, []*FreqTable{tab}, ops)
					ideal := entropyBits(tab, syms)
					// Losses: the flush (at most 4 bytes plus the
					// partial last byte) and the unused slack
					// range - r<<bits < r, which costs less than
					// log2(1+1/r) <= log2(1+2^-8) < 0.0057 bits per
					// symbol (much less on average).
					limit := (ideal+float64(len(ops))*0.0057)/8 + flushBytes + 1
					if float64(len(src)) > limit {
						t.Errorf("%d bytes, ideal %.1f, limit %.1f", len(src), ideal/8, limit)
					}
					t.Logf("%d bytes, ideal %.1f: %.5f bits/symbol over", len(src), ideal/8,
						(float64(len(src))*8-ideal)/float64(len(ops)))
				})
			}
		}
	}
}

func TestEmptyStream(t *testing.T) {
	var e Encoder
	out, err := e.Finish() // the zero value is ready
	if err != nil || !bytes.Equal(out, []byte{0, 0, 0, 0}) {
		t.Fatalf("zero Encoder: Finish = %x, %v; want 00000000", out, err)
	}
	e.Reset([]byte("hdr"))
	out, err = e.Finish()
	if err != nil || string(out) != "hdr\x00\x00\x00\x00" {
		t.Fatalf("Finish with prefix = %q, %v", out, err)
	}
	var d Decoder
	if err := d.Init([]byte{0, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := d.Finish(); err != nil {
		t.Fatalf("Finish of empty stream: %v", err)
	}
	for _, tc := range []struct {
		src  string
		init error
		fin  error
	}{
		{"", ErrTruncated, ErrTruncated},
		{"\x00\x00\x00", ErrTruncated, ErrTruncated},
		{"\xff\xff\xff\xff", ErrCorrupt, ErrCorrupt},
		{"\x00\x00\x00\x00\x00", nil, ErrTrailingData},
		{"\x00\x00\x00\x01", nil, ErrCorrupt},
		{"\xff\xff\xff\xfe", nil, ErrCorrupt},
	} {
		if err := d.Init([]byte(tc.src)); err != tc.init {
			t.Errorf("Init(%x) = %v, want %v", tc.src, err, tc.init)
		}
		if err := d.Finish(); err != tc.fin {
			t.Errorf("Finish after Init(%x) = %v, want %v", tc.src, err, tc.fin)
		}
	}
}

// TestZeroValues checks that zero values neither panic nor hang.
func TestZeroValues(t *testing.T) {
	var e Encoder
	var tab FreqTable
	u := new(FreqTable)
	if err := u.SetUniform(256, 16); err != nil {
		t.Fatal(err)
	}
	e.Encode(u, 7)
	e.EncodeBit(100, 1)
	out, err := e.Finish()
	if err != nil {
		t.Fatal(err)
	}
	var d Decoder
	if err := d.Init(out); err != nil {
		t.Fatal(err)
	}
	if s, b := d.Decode(u), d.DecodeBit(100); s != 7 || b != 1 || d.Finish() != nil {
		t.Fatalf("got %d %d %v", s, b, d.Finish())
	}

	var z Decoder
	if s := z.Decode(u); s != 0 || z.Err() != ErrTruncated {
		t.Errorf("zero Decoder: Decode = %d, err %v", s, z.Err())
	}
	z = Decoder{}
	if err := z.Finish(); err != ErrTruncated {
		t.Errorf("zero Decoder: Finish = %v", err)
	}
	if tab.Len() != 0 || tab.Lookup(5) != 0 {
		t.Errorf("zero FreqTable: Len %d", tab.Len())
	}
	e.Encode(&tab, 0)
	if _, err := e.Finish(); err != ErrInvalidFreq {
		t.Errorf("Encode with empty table: %v", err)
	}
	d.Init([]byte{0, 0, 0, 0, 0, 0})
	if d.Decode(&tab); d.Err() != ErrInvalidFreq {
		t.Errorf("Decode with empty table: %v", d.Err())
	}
}

func TestEncoderErrors(t *testing.T) {
	u := new(FreqTable)
	u.SetUniform(10, 8)
	for _, tc := range []struct {
		name string
		f    func(e *Encoder)
		want error
	}{
		{"freq0", func(e *Encoder) { e.EncodeFreq(0, 0, 8) }, ErrInvalidFreq},
		{"bits17", func(e *Encoder) { e.EncodeFreq(0, 1, 17) }, ErrInvalidFreq},
		{"overTotal", func(e *Encoder) { e.EncodeFreq(200, 57, 8) }, ErrInvalidFreq},
		{"cumAtTotal", func(e *Encoder) { e.EncodeFreq(256, 1, 8) }, ErrInvalidFreq},
		{"wrap", func(e *Encoder) { e.EncodeFreq(1, 0xFFFFFFFF, 8) }, ErrInvalidFreq},
		{"symNeg", func(e *Encoder) { e.Encode(u, -1) }, ErrSymbol},
		{"symBig", func(e *Encoder) { e.Encode(u, 10) }, ErrSymbol},
		{"sticky", func(e *Encoder) { e.Encode(u, 10); e.EncodeFreq(0, 0, 1) }, ErrSymbol},
	} {
		var e Encoder
		e.Reset(nil)
		e.Encode(u, 3)
		tc.f(&e)
		e.Encode(u, 4)
		if e.Err() != tc.want {
			t.Errorf("%s: Err = %v, want %v", tc.name, e.Err(), tc.want)
		}
		if out, err := e.Finish(); err != tc.want || out != nil {
			t.Errorf("%s: Finish = %x, %v; want nil, %v", tc.name, out, err, tc.want)
		}
	}
	// Edge cases that are valid.
	var e Encoder
	e.EncodeFreq(0, 1, 0)
	e.EncodeFreq(65535, 1, 16)
	e.EncodeFreq(0, 65536, 16)
	if _, err := e.Finish(); err != nil {
		t.Errorf("valid EncodeFreq edge cases: %v", err)
	}
}

func TestDecoderMisuse(t *testing.T) {
	src, _ := encodeOps(nil, []op{{kind: opFreq, cum: 5, freq: 3, bits: 4}, {kind: opBit, p0: 1, sym: 1}})
	var d Decoder
	d.Init(src)
	if d.Consume(0, 1); d.Err() != ErrInvalidFreq {
		t.Errorf("Consume without Target: %v", d.Err())
	}
	d.Init(src)
	if d.Target(17); d.Err() != ErrInvalidFreq {
		t.Errorf("Target(17): %v", d.Err())
	}
	d.Init(src)
	if q := d.Target(4); q != 5+q-5 || q < 5 || q >= 8 {
		t.Errorf("Target = %d, want in [5, 8)", q)
	}
	if d.Consume(0, 5); d.Err() != ErrInvalidFreq {
		t.Errorf("Consume of wrong interval: %v", d.Err())
	}
	if d.DecodeBit(1) != 0 || d.Target(3) != 0 || d.Decode(new(FreqTable)) != 0 {
		t.Error("operations after an error must return 0")
	}
	d.Init(src)
	d.Target(4)
	if err := d.Finish(); err != ErrInvalidFreq {
		t.Errorf("Finish with pending Target: %v", err)
	}
	d.Init(src)
	d.Target(4)
	d.Consume(5, 3)
	if d.DecodeBit(1) != 1 || d.Finish() != nil {
		t.Errorf("valid Target/Consume: %v", d.Finish())
	}
}

// TestPendingFFs codes the top symbol of a [total-1, 1] table many
// times: V approaches 1 from below, so the encoder holds back a run of
// 200000 0xFF bytes that Finish must write out without a carry.
func TestPendingFFs(t *testing.T) {
	tab := mustTable([]uint32{65535, 1}, 16)
	ops := make([]op, 100000)
	for i := range ops {
		ops[i] = op{kind: opSym, sym: 1}
	}
	src := checkRoundTrip(t, []*FreqTable{tab}, ops)
	if run := longestRun(src, 0xFF); run < 190000 {
		t.Errorf("longest 0xFF run %d, want about 200000", run)
	}
	if len(src) > 200000+flushBytes+1 {
		t.Errorf("%d bytes for 1.6M bits", len(src))
	}
}

func longestRun(b []byte, c byte) int {
	best, cur := 0, 0
	for _, x := range b {
		if x == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// TestCarryPropagation steers a 1M-symbol stream so that its interval
// keeps straddling the carry point 2^32 of the encoder's window: each
// byte shifted out meanwhile is a held-back 0xFF, and the run ends with a
// carry (the 0xFF bytes become 0x00) or without (they stay 0xFF)
// depending on where the stream leaves the point.
func TestCarryPropagation(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	p := &prng{s: 42}
	tables := []*FreqTable{
		mustTable(randomFreqs(p, 256, 16, 1), 16),
		mustTable(randomFreqs(p, 256, 16, 0), 16),
		mustTable(randomFreqs(p, 2, 15, 0), 15),
	}
	const n = 1 << 20
	ops := make([]op, n)
	var e Encoder
	e.Reset(nil)
	var maxFFs uint64
	straddle := false
	for i := range ops {
		o := op{kind: opSym, table: p.intn(len(tables))}
		tab := tables[o.table]
		e.normalize() // the state Encode will start from
		r := uint64(e.rng >> tab.bits)
		total := uint64(1) << tab.bits
		if p.intn(3000) == 0 {
			straddle = !straddle
		}
		if straddle && e.low < 1<<32 && e.low+r*total > 1<<32 {
			// Pick the symbol whose sub-interval holds 2^32-1.
			o.sym = tab.Lookup(uint32((1<<32 - 1 - e.low) / r))
		} else {
			o.sym = sample(p, tab)
		}
		e.Encode(tab, o.sym)
		maxFFs = max(maxFFs, e.ffs)
		ops[i] = o
	}
	src, err := e.Finish()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeOps(tables, ops, src)
	if err != nil {
		t.Fatalf("decode: %v after %d ops", err, len(got))
	}
	for i, s := range wantSyms(ops) {
		if got[i] != s {
			t.Fatalf("op %d: got %d, want %d", i, got[i], s)
		}
	}
	ffRun, zeroRun := longestRun(src, 0xFF), longestRun(src, 0x00)
	t.Logf("%d bytes, max held-back 0xFF %d, longest 0xFF run %d, 0x00 run %d", len(src), maxFFs, ffRun, zeroRun)
	if maxFFs < 1000 || ffRun < 1000 || zeroRun < 1000 {
		t.Errorf("stream did not exercise long carry chains: max held back %d, 0xFF run %d, 0x00 run %d", maxFFs, ffRun, zeroRun)
	}
}

// TestTruncated checks that every proper prefix of a stream fails with
// ErrTruncated before all its operations are decoded: a valid stream is
// exactly as long as the decoder's reads.
func TestTruncated(t *testing.T) {
	p := &prng{s: 7}
	tables := makeTables(p, 16)
	for _, n := range []int{0, 1, 5, 50, 400} {
		for trial := 0; trial < 5; trial++ {
			ops := genOps(p, tables, n, opSym, opBit, opFreq)
			src := checkRoundTrip(t, tables, ops)
			for k := 0; k < len(src); k++ {
				got, err := decodeOps(tables, ops, src[:k:k])
				if !errors.Is(err, ErrTruncated) {
					t.Fatalf("n=%d: prefix %d/%d: err %v, want ErrTruncated", n, k, len(src), err)
				}
				if len(got) == len(ops) && len(ops) > 0 {
					t.Fatalf("n=%d: prefix %d/%d decoded every op", n, k, len(src))
				}
			}
		}
	}
}

func TestTrailingData(t *testing.T) {
	p := &prng{s: 8}
	tables := makeTables(p, 16)
	ops := genOps(p, tables, 300, opSym, opBit)
	src := checkRoundTrip(t, tables, ops)
	for _, tail := range []string{"\x00", "\xff", "garbage"} {
		got, err := decodeOps(tables, ops, append(src[:len(src):len(src)], tail...))
		if err != ErrTrailingData || len(got) != len(ops) {
			t.Errorf("tail %q: %v after %d ops, want ErrTrailingData after %d", tail, err, len(got), len(ops))
		}
	}
}

// TestGarbage decodes random and damaged inputs: no panic or hang, and
// any input that Finish accepts must be the encoding of what was decoded.
func TestGarbage(t *testing.T) {
	p := &prng{s: 9}
	tables := makeTables(p, 16)
	accepted := 0
	const trials = 3000
	for trial := 0; trial < trials; trial++ {
		ops := genOps(p, tables, p.intn(200), opSym, opBit, opFreq)
		var src []byte
		switch trial % 4 {
		case 0, 1: // random bytes
			src = make([]byte, p.intn(64))
			for i := range src {
				src[i] = byte(p.next())
			}
		case 2: // a valid stream with one byte changed
			src, _ = encodeOps(tables, ops)
			src[p.intn(len(src))] ^= byte(1 + p.intn(255))
		case 3: // runs of one byte value
			src = bytes.Repeat([]byte{[]byte{0, 0xFF, 0x80}[p.intn(3)]}, p.intn(100))
		}
		if checkCanonical(t, tables, ops, src) {
			accepted++
		}
	}
	t.Logf("%d of %d garbage inputs were valid streams", accepted, trials)
}

// checkCanonical decodes ops from src and, if the decoder accepts it,
// checks that re-encoding the decoded values reproduces src exactly.
func checkCanonical(t *testing.T, tables []*FreqTable, ops []op, src []byte) bool {
	t.Helper()
	got, err := decodeOps(tables, ops, src)
	if err != nil {
		return false
	}
	re := make([]op, len(ops))
	for i, o := range ops {
		re[i] = o
		switch o.kind {
		case opSym, opBit:
			re[i].sym = got[i]
		case opFreq: // decodeOps reports which of three intervals
			switch got[i] {
			case 0:
				re[i].cum, re[i].freq = 0, o.cum
			case 2:
				re[i].cum, re[i].freq = o.cum+o.freq, 1<<o.bits-o.cum-o.freq
			}
		}
	}
	out, err := encodeOps(tables, re)
	if err != nil || !bytes.Equal(out, src) {
		t.Fatalf("decoder accepted %x, which re-encodes as %x (%v)", src, out, err)
	}
	return true
}

func TestBitExtremes(t *testing.T) {
	var ops []op
	for _, p0 := range []uint16{0, 1, 2, 32768, 65534, 65535} {
		for i := 0; i < 1000; i++ {
			ops = append(ops, op{kind: opBit, p0: p0, sym: i % 2}, op{kind: opBit, p0: p0, sym: 0}, op{kind: opBit, p0: p0, sym: 1})
		}
	}
	checkRoundTrip(t, nil, ops)
	// A nonzero bit argument other than 1 codes a 1.
	src, _ := encodeOps(nil, []op{{kind: opBit, p0: 9, sym: -3}})
	got, err := decodeOps(nil, []op{{kind: opBit, p0: 9}}, src)
	if err != nil || got[0] != 1 {
		t.Errorf("bit -3: got %v, %v", got, err)
	}
}

func TestAllocs(t *testing.T) {
	u := new(FreqTable)
	u.SetUniform(256, 16)
	logits := make([]int32, 256)
	for i := range logits {
		logits[i] = int32(i * 37 % 1000)
	}
	buf := make([]byte, 0, 4096)
	var e Encoder
	var d Decoder
	var src []byte
	if n := testing.AllocsPerRun(100, func() {
		e.Reset(buf)
		for i := 0; i < 1000; i++ {
			u.SetLogits(logits, 16)
			e.Encode(u, i&255)
			e.EncodeBit(uint16(i*77), i&1)
		}
		src, _ = e.Finish()
	}); n != 0 {
		t.Errorf("encoding: %v allocs", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		d.Init(src)
		for i := 0; i < 1000; i++ {
			u.SetLogits(logits, 16)
			if d.Decode(u) != i&255 || d.DecodeBit(uint16(i*77)) != i&1 {
				panic("mismatch")
			}
		}
		if err := d.Finish(); err != nil {
			panic(err)
		}
	}); n != 0 {
		t.Errorf("decoding: %v allocs", n)
	}
}
