package coder

import (
	"testing"
	"time"
)

// symbolsPerOp is the length of the streams coded by one benchmark op.
const symbolsPerOp = 4096

func reportPerSymbol(b *testing.B, start time.Time) {
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N)/symbolsPerOp, "ns/symbol")
}

// benchLogits returns k logit vectors of n symbols shaped like a byte
// model's output: most symbols within 16 bits of the maximum, the rest
// up to 40 bits below, so some fall past the 20-bit cutoff.
func benchLogits(k, n int) [][]int32 {
	p := &prng{s: 0xB0}
	ls := make([][]int32, k)
	for j := range ls {
		l := make([]int32, n)
		for i := range l {
			if p.intn(10) < 7 {
				l[i] = -int32(p.intn(16 * LogitOne))
			} else {
				l[i] = -int32(16*LogitOne + p.intn(24*LogitOne))
			}
		}
		l[p.intn(n)] = 2 * LogitOne // a clear favourite
		ls[j] = l
	}
	return ls
}

// benchStream returns a 256-symbol table and symbolsPerOp symbols drawn
// from it.
func benchStream() (*FreqTable, []int) {
	p := &prng{s: 0xB1}
	tab := mustTable(randomFreqs(p, 256, 16, 3), 16)
	syms := make([]int, symbolsPerOp)
	for i := range syms {
		syms[i] = sample(p, tab)
	}
	return tab, syms
}

func BenchmarkEncode256(b *testing.B) {
	tab, syms := benchStream()
	buf := make([]byte, 0, 2*symbolsPerOp)
	var e Encoder
	b.SetBytes(symbolsPerOp)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		e.Reset(buf)
		for _, s := range syms {
			e.Encode(tab, s)
		}
		buf, _ = e.Finish()
		buf = buf[:0]
	}
	reportPerSymbol(b, start)
}

func BenchmarkDecode256(b *testing.B) {
	tab, syms := benchStream()
	var e Encoder
	for _, s := range syms {
		e.Encode(tab, s)
	}
	src, _ := e.Finish()
	var d Decoder
	b.SetBytes(symbolsPerOp)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		d.Init(src)
		for range symbolsPerOp {
			d.Decode(tab)
		}
		if err := d.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	reportPerSymbol(b, start)
}

func benchBits() ([]uint16, []int) {
	p := &prng{s: 0xB2}
	p0s := make([]uint16, symbolsPerOp)
	bits := make([]int, symbolsPerOp)
	for i := range p0s {
		p0s[i] = uint16(p.next())
		if uint16(p.next()) >= p0s[i] {
			bits[i] = 1
		}
	}
	return p0s, bits
}

func BenchmarkEncodeBit(b *testing.B) {
	p0s, bits := benchBits()
	buf := make([]byte, 0, 2*symbolsPerOp)
	var e Encoder
	b.SetBytes(symbolsPerOp / 8)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		e.Reset(buf)
		for i, p0 := range p0s {
			e.EncodeBit(p0, bits[i])
		}
		buf, _ = e.Finish()
		buf = buf[:0]
	}
	reportPerSymbol(b, start)
}

func BenchmarkDecodeBit(b *testing.B) {
	p0s, bits := benchBits()
	var e Encoder
	for i, p0 := range p0s {
		e.EncodeBit(p0, bits[i])
	}
	src, _ := e.Finish()
	var d Decoder
	b.SetBytes(symbolsPerOp / 8)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		d.Init(src)
		for _, p0 := range p0s {
			d.DecodeBit(p0)
		}
		if err := d.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	reportPerSymbol(b, start)
}

// BenchmarkSetLogits256 measures the conversion alone.
func BenchmarkSetLogits256(b *testing.B) {
	ls := benchLogits(64, 256)
	var tab FreqTable
	tab.SetLogits(ls[0], 16) // size the buffer once
	b.SetBytes(1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.SetLogits(ls[i&63], 16)
	}
}

// BenchmarkSetLogits16K measures the conversion for a 16K vocabulary.
func BenchmarkSetLogits16K(b *testing.B) {
	ls := benchLogits(4, 16384)
	var tab FreqTable
	tab.SetLogits(ls[0], 16) // size the buffer once
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.SetLogits(ls[i&3], 16)
	}
}

// logitStream returns the symbols to code with the logit vectors ls, one
// table per symbol, drawn from each table's own distribution.
func logitStream(ls [][]int32) []int {
	p := &prng{s: 0xB3}
	var tab FreqTable
	syms := make([]int, symbolsPerOp)
	for i := range syms {
		tab.SetLogits(ls[i%len(ls)], 16)
		syms[i] = sample(p, &tab)
	}
	return syms
}

// BenchmarkLogitsEncode256 is the full per-symbol cost of the coding
// path for a byte model: logits -> frequency table -> encode one symbol.
func BenchmarkLogitsEncode256(b *testing.B) {
	ls := benchLogits(64, 256)
	syms := logitStream(ls)
	buf := make([]byte, 0, 2*symbolsPerOp)
	var e Encoder
	var tab FreqTable
	tab.SetLogits(ls[0], 16) // size the buffer once
	b.SetBytes(symbolsPerOp)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		e.Reset(buf)
		for i, s := range syms {
			tab.SetLogits(ls[i&63], 16)
			e.Encode(&tab, s)
		}
		buf, _ = e.Finish()
		buf = buf[:0]
	}
	reportPerSymbol(b, start)
}

// BenchmarkLogitsDecode256 is the decoding mirror of
// BenchmarkLogitsEncode256.
func BenchmarkLogitsDecode256(b *testing.B) {
	ls := benchLogits(64, 256)
	syms := logitStream(ls)
	var e Encoder
	var tab FreqTable
	for i, s := range syms {
		tab.SetLogits(ls[i&63], 16)
		e.Encode(&tab, s)
	}
	src, _ := e.Finish()
	var d Decoder
	b.SetBytes(symbolsPerOp)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		d.Init(src)
		for i := range symbolsPerOp {
			tab.SetLogits(ls[i&63], 16)
			d.Decode(&tab)
		}
		if err := d.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	reportPerSymbol(b, start)
}
