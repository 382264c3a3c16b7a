package x86

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// code returns n bytes of x86-64-like code: calls and RIP-relative
// loads of a few targets between random bytes.
func fakeCode(r *rand.Rand, n int) []byte {
	targets := []int{100, 5000, 70000, 900000}
	var b []byte
	for len(b) < n {
		t := targets[r.IntN(len(targets))]
		switch r.IntN(4) {
		case 0:
			b = append(b, 0xE8)
			b = binary.LittleEndian.AppendUint32(b, uint32(int32(t-(len(b)+4))))
		case 1:
			b = append(b, 0x48, 0x8D, 0x05|byte(r.IntN(8))<<3)
			b = binary.LittleEndian.AppendUint32(b, uint32(int32(t-(len(b)+4))))
		default:
			for k := r.IntN(12); k > 0; k-- {
				b = append(b, byte(r.IntN(256)))
			}
		}
	}
	return b[:n]
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, b := range [][]byte{nil, {0xE8}, {0xE8, 1, 2, 3, 0}, {0xE8, 0xE8, 0, 0, 0, 0xFF, 0xFF}, fakeCode(r, 1<<16), fakeCode(r, 999)} {
		c := bytes.Clone(b)
		Encode(c)
		Decode(c)
		if !bytes.Equal(c, b) {
			t.Fatalf("Decode(Encode(%x...)) differs", b[:min(len(b), 16)])
		}
		Decode(c)
		Encode(c)
		if !bytes.Equal(c, b) {
			t.Fatalf("Encode(Decode(%x...)) differs", b[:min(len(b), 16)])
		}
	}
}

// TestAbsolute checks what Encode does to calls of one target: the same
// four bytes at every call site.
func TestAbsolute(t *testing.T) {
	var b []byte
	for i := 0; i < 10; i++ {
		b = append(b, 0x90, 0x90, 0xE8)
		b = binary.LittleEndian.AppendUint32(b, uint32(int32(-1000-(len(b)+4)))) // target -1000
		b = append(b, 0x48, 0x8B, 0x0D)
		b = binary.LittleEndian.AppendUint32(b, uint32(int32(4000-(len(b)+4)))) // target 4000
	}
	Encode(b)
	for i := 0; i < 10; i++ {
		call := int32(binary.LittleEndian.Uint32(b[i*14+3:]))
		load := int32(binary.LittleEndian.Uint32(b[i*14+10:]))
		if call != -1000 || load != 4000 {
			t.Fatalf("site %d: call field %d (want -1000), load field %d (want 4000)", i, call, load)
		}
	}
}

func TestDetect(t *testing.T) {
	elf := func(m uint16) []byte {
		h := make([]byte, 64)
		copy(h, "\x7fELF\x02\x01\x01")
		binary.LittleEndian.PutUint16(h[18:], m)
		return h
	}
	pe := func(m uint16) []byte {
		h := make([]byte, 256)
		copy(h, "MZ")
		binary.LittleEndian.PutUint32(h[0x3C:], 128)
		copy(h[128:], "PE\x00\x00")
		binary.LittleEndian.PutUint16(h[132:], m)
		return h
	}
	for _, c := range []struct {
		head []byte
		want bool
	}{
		{elf(62), true}, {elf(3), true}, {elf(183), false}, {pe(0x8664), true}, {pe(0xAA64), false},
		{[]byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), true}, {[]byte("\xcf\xfa\xed\xfe\x0c\x00\x00\x01"), false},
		{[]byte("MZ"), false}, {nil, false}, {[]byte("plain text that is long enough to be looked at, isn't it?........."), false},
	} {
		if got := Detect(c.head); got != c.want {
			t.Errorf("Detect(%x...) = %v, want %v", c.head[:min(len(c.head), 8)], got, c.want)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0xE8, 0, 0, 0, 0, 0x48, 0x8D, 0x05, 1, 2, 3, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		c := bytes.Clone(b)
		Encode(c)
		Decode(c)
		if !bytes.Equal(c, b) {
			t.Fatal("Decode(Encode(b)) != b")
		}
		Decode(c)
		Encode(c)
		if !bytes.Equal(c, b) {
			t.Fatal("Encode(Decode(b)) != b")
		}
		Detect(b)
	})
}
