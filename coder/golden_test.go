package coder

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"
)

// The golden tests pin the exact bytes of the coding path so that a
// stream made on one machine decodes on every other (amd64, arm64,
// -tags purego, any Go version). They use only the self-contained prng
// and integer code defined in this file, so they change only when the
// coder or the converter changes, which breaks existing archives.
//
// Run them on another GOARCH with, for example:
//
//	GOARCH=arm64 go test -c -o /tmp/coder.arm64 ./coder/
//	qemu-aarch64-static /tmp/coder.arm64 -test.run Golden

// goldenTable builds a table of n frequencies drawn from p for a total of
// 1<<bits with integer arithmetic only.
func goldenTable(p *prng, n int, bits uint) *FreqTable {
	free := uint64(1)<<bits - uint64(n)
	w := make([]uint64, n)
	var sum uint64
	for i := range w {
		w[i] = p.next()>>44 + 1
		sum += w[i]
	}
	f := make([]uint32, n)
	var acc uint64
	for i := range f {
		f[i] = 1 + uint32(w[i]*free/sum)
		acc += uint64(f[i])
	}
	f[0] += uint32(uint64(1)<<bits - acc)
	return mustTable(f, bits)
}

// goldenEncode codes a fixed pseudo-random mix of every kind of
// operation, including tables made by SetLogits, and returns the stream
// and the operations for decoding it.
func goldenEncode(nops int) ([]byte, []*FreqTable, []op) {
	p := &prng{s: 0x64636172} // "dcar"
	skew := make([]uint32, 256)
	for i := range skew {
		skew[i] = 1
	}
	skew[17] = 65536 - 255
	tables := []*FreqTable{
		goldenTable(p, 256, 16),
		mustTable(skew, 16),
		mustTable([]uint32{30000, 2768}, 15),
		mustTable([]uint32{65536}, 16),
		goldenTable(p, 5000, 15),
	}
	logits := make([]int32, 256)
	var e Encoder
	var ops []op
	for i := 0; i < nops; i++ {
		r := p.next()
		var o op
		switch r % 10 {
		case 0, 1, 2:
			o = op{kind: opSym, table: 0}
		case 3:
			o = op{kind: opSym, table: 1}
		case 4:
			o = op{kind: opSym, table: 2}
		case 5:
			o = op{kind: opSym, table: 3 + int(r>>8&1)}
		case 6:
			o = op{kind: opBit, p0: uint16(r >> 20)}
			if uint16(r>>40) >= o.p0 {
				o.sym = 1
			}
		case 7:
			o = op{kind: opFreq, bits: 12, cum: uint32(r>>8) % 4096}
			o.freq = 1 + uint32(r>>32)%(4096-o.cum)
		default:
			// A table from logits, as the model makes them.
			for j := range logits {
				logits[j] = int32(p.next()>>52) - 3000
			}
			logits[r>>8&255] += 5 * LogitOne
			tab := new(FreqTable)
			if err := tab.SetLogits(logits, 16); err != nil {
				panic(err)
			}
			tables = append(tables, tab)
			o = op{kind: opSym, table: len(tables) - 1}
		}
		if o.kind == opSym {
			t := tables[o.table]
			if r>>62 == 0 {
				o.sym = int((r >> 16) % uint64(t.Len())) // often improbable
			} else {
				o.sym = t.Lookup(uint32(r>>16) & (1<<t.TotalBits() - 1))
			}
		}
		switch o.kind {
		case opSym:
			e.Encode(tables[o.table], o.sym)
		case opBit:
			e.EncodeBit(o.p0, o.sym)
		case opFreq:
			e.EncodeFreq(o.cum, o.freq, o.bits)
		}
		ops = append(ops, o)
	}
	src, err := e.Finish()
	if err != nil {
		panic(err)
	}
	return src, tables, ops
}

func TestGoldenStream(t *testing.T) {
	const (
		wantShort = "28d82dc4cd29d5c4e3cc2039"
		wantLen   = 65540
		wantHash  = "101b1fa832ed3f15ce04d747c8b7065aa7d2ad8f6ac470d164cd53f2433023c9"
	)
	short, _, _ := goldenEncode(24)
	if got := hex.EncodeToString(short); got != wantShort {
		t.Errorf("short golden stream:\n got %s\nwant %s", got, wantShort)
	}
	src, tables, ops := goldenEncode(100000)
	sum := sha256.Sum256(src)
	if got := hex.EncodeToString(sum[:]); got != wantHash || len(src) != wantLen {
		t.Errorf("golden stream: %d bytes, sha256 %s; want %d bytes, %s", len(src), got, wantLen, wantHash)
	}
	got, err := decodeOps(tables, ops, src)
	if err != nil {
		t.Fatalf("decoding the golden stream: %v after %d ops", err, len(got))
	}
	for i, s := range wantSyms(ops) {
		if got[i] != s {
			t.Fatalf("op %d %v: decoded %d, want %d", i, ops[i], got[i], s)
		}
	}
}

// TestGoldenLogits pins the tables SetLogits makes for fixed logits,
// covering byte alphabets, a large vocabulary, both totals, equal
// logits, the 20-bit cutoff, extreme int32 values and the fallback of
// step 5.
func TestGoldenLogits(t *testing.T) {
	const want = "b816a7605c32afa36da7ae91492eb11a97c9f2f0152478ff8e83befd1c113750"
	p := &prng{s: 0x6c6f67697473} // "logits"
	h := sha256.New()
	var tab FreqTable
	var buf [4]byte
	put := func(v uint32) {
		binary.LittleEndian.PutUint32(buf[:], v)
		h.Write(buf[:])
	}
	cases := 0
	for _, bits := range []uint{16, 15} {
		for _, n := range []int{1, 2, 3, 255, 256, 1000, 16384} {
			for regime := 0; regime < 6; regime++ {
				logits := make([]int32, n)
				for i := range logits {
					r := p.next()
					switch regime {
					case 0: // all equal
						logits[i] = 77
					case 1: // nearly flat
						logits[i] = int32(r>>56) - 128
					case 2: // byte-model-like: one favourite
						logits[i] = -int32(r>>40) % (24 * LogitOne)
					case 3: // wide: across the cutoff
						logits[i] = int32(r>>32) % (40 * LogitOne)
					case 4: // anything, including the int32 extremes
						logits[i] = int32(r)
						if r>>60 == 0 {
							logits[i] = math.MinInt32
						} else if r>>60 == 1 {
							logits[i] = math.MaxInt32
						}
					case 5: // a flat top over a long tail
						logits[i] = -int32(r>>32) % (30 * LogitOne)
						if r>>61 == 0 {
							logits[i] = 0
						}
					}
				}
				if regime == 2 {
					logits[int(p.next()%uint64(n))] = 3 * LogitOne
				}
				if err := tab.SetLogits(logits, bits); err != nil {
					t.Fatal(err)
				}
				put(uint32(n))
				put(uint32(bits))
				for s := 0; s <= n; s++ {
					put(tab.Cum(s))
				}
				cases++
			}
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("golden logits tables (%d cases): sha256 %s, want %s", cases, got, want)
	}
}
