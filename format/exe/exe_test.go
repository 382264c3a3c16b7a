package exe

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
	for _, b := range [][]byte{nil, {0xE8}, {0xE8, 1, 2, 3, 0}, {0xE8, 0xE8, 0, 0, 0, 0xFF, 0xFF}, fakeCode(r, 1<<16), fakeCode(r, 999), fakeARM64(r, 1<<16), fakeARM64(r, 998)} {
		for _, a := range []Arch{X86, ARM64} {
			c := bytes.Clone(b)
			Encode(c, a)
			Decode(c, a)
			if !bytes.Equal(c, b) {
				t.Fatalf("arch %d: Decode(Encode(%x...)) differs", a, b[:min(len(b), 16)])
			}
			Decode(c, a)
			Encode(c, a)
			if !bytes.Equal(c, b) {
				t.Fatalf("arch %d: Encode(Decode(%x...)) differs", a, b[:min(len(b), 16)])
			}
		}
	}
}

// fakeARM64 returns n bytes of AArch64-like code: BLs and ADRPs of a few
// targets between other words.
func fakeARM64(r *rand.Rand, n int) []byte {
	targets := []int{0x1000, 0x52000, 0x7f000, 0x230000}
	var b []byte
	for len(b) < n {
		t, pc := targets[r.IntN(len(targets))], len(b)
		switch r.IntN(3) {
		case 0: // BL t
			b = binary.LittleEndian.AppendUint32(b, 0x94000000|uint32((t-pc)>>2)&0x3FFFFFF)
		case 1: // ADRP x3, t
			p := uint32((t>>12)-(pc>>12)) & 0x1FFFFF
			b = binary.LittleEndian.AppendUint32(b, 0x90000003|(p&3)<<29|(p>>2)<<5)
		default:
			b = binary.LittleEndian.AppendUint32(b, r.Uint32())
		}
	}
	return b[:n]
}

// TestAbsoluteARM64 checks what Encode does to BLs and ADRPs of one
// target: the same word at every site.
func TestAbsoluteARM64(t *testing.T) {
	var b []byte
	for pc := 0; pc < 40000; pc += 8 {
		b = binary.LittleEndian.AppendUint32(b, 0x94000000|uint32((0x9000-pc)>>2)&0x3FFFFFF)
		p := uint32((0x9000>>12)-((pc+4)>>12)) & 0x1FFFFF
		b = binary.LittleEndian.AppendUint32(b, 0x90000003|(p&3)<<29|(p>>2)<<5)
	}
	Encode(b, ARM64)
	for i := 8; i < len(b); i += 8 {
		if !bytes.Equal(b[i:i+8], b[:8]) {
			t.Fatalf("site %d: %x, first %x", i/8, b[i:i+8], b[:8])
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
	Encode(b, X86)
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
		want Arch
	}{
		{elf(62), X86}, {elf(3), X86}, {elf(183), ARM64}, {elf(40), None}, {pe(0x8664), X86}, {pe(0xAA64), ARM64}, {pe(0x1C4), None},
		{[]byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), X86}, {[]byte("\xcf\xfa\xed\xfe\x0c\x00\x00\x01"), ARM64},
		{[]byte("MZ"), None}, {nil, None}, {[]byte("plain text that is long enough to be looked at, isn't it?........."), None},
	} {
		if got := Detect(c.head); got != c.want {
			t.Errorf("Detect(%x...) = %d, want %d", c.head[:min(len(c.head), 8)], got, c.want)
		}
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte{0xE8, 0, 0, 0, 0, 0x48, 0x8D, 0x05, 1, 2, 3, 0xFF})
	f.Add([]byte{0x03, 0x00, 0x00, 0x90, 0x10, 0x00, 0x00, 0x94})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, a := range []Arch{X86, ARM64} {
			c := bytes.Clone(b)
			Encode(c, a)
			Decode(c, a)
			if !bytes.Equal(c, b) {
				t.Fatalf("arch %d: Decode(Encode(b)) != b", a)
			}
			Decode(c, a)
			Encode(c, a)
			if !bytes.Equal(c, b) {
				t.Fatalf("arch %d: Encode(Decode(b)) != b", a)
			}
		}
		Detect(b)
	})
}
