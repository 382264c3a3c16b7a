// Package x86 is a reversible transform of x86 and x86-64 machine code
// that makes it easier to model: the 32-bit displacements of relative
// calls and jumps (E8, E9) and of RIP-relative loads, stores and address
// computations (REX.W 8B, 89, 8D with a ModRM of mod 00, r/m 101) are
// replaced by the absolute positions they reach, so that every call of
// one function, and every reference to one variable, carries the same
// four bytes wherever it is. A context-mixing model then predicts them
// from earlier occurrences; relative, they differ at every call site.
//
// The scan steps over the displacement of every such opcode, so where it
// stops depends only on opcode bytes, which neither direction changes.
// Only displacements whose top byte is 00 or FF (a target within ±16 MiB)
// are changed, and a changed field keeps a top byte of 00 or FF, so the
// decoder changes the same fields back: a field is a signed 25-bit number
// and the two directions add and subtract the position modulo 2^25. Encode and Decode are exact inverses on any bytes
// (executable or not); the transform of a block of n bytes depends only
// on those n bytes, positions counting from the block's start. The
// normative description is spec/FORMAT.md, cm-bin.
//
// Measured with cm-bin (dcar create, default preset): Go's vet tool
// (8.8 MB) 2,284,447 → 2,115,967 bytes (−7.4 %), gofmt −6.2 %, perl
// −5.6 %, glibc −6.4 %. Conditional jumps (0F 8x) are left alone: their
// targets are near, and absolute they cost 0.8 % on vet.
package x86

import "encoding/binary"

// Encode transforms b in place: relative displacements become absolute.
func Encode(b []byte) { code(b, 1) }

// Decode transforms b in place back: absolute displacements become
// relative again. Decode(Encode(b)) and Encode(Decode(b)) give b.
func Decode(b []byte) { code(b, -1) }

// code scans b for the instructions and adds dir times the position
// after each displacement to it, modulo 2^25.
func code(b []byte, dir int32) {
	n := len(b)
	for i := 0; i+5 <= n; {
		var at, end int
		switch op := b[i]; {
		case op == 0xE8 || op == 0xE9:
			at, end = i+1, i+5
		case i+7 <= n && (op == 0x48 || op == 0x4C) && (b[i+1] == 0x8B || b[i+1] == 0x89 || b[i+1] == 0x8D) &&
			b[i+2]&0xC7 == 0x05:
			at, end = i+3, i+7
		default:
			i++
			continue
		}
		// The scan steps over the field whether it changes it or not, so
		// its next stop depends only on opcode bytes, which neither
		// direction changes; a field's own top byte says whether it
		// changes, and a change keeps it 00 or FF.
		if near(b[end-1]) {
			v := int32(binary.LittleEndian.Uint32(b[at:])) + dir*int32(end)
			v = v << 7 >> 7 // sign-extend bit 24
			binary.LittleEndian.PutUint32(b[at:], uint32(v))
		}
		i = end
	}
}

// near reports whether a displacement's top byte is a sign extension of
// its bit 24 (half of it: the decoder needs only the byte).
func near(top byte) bool { return top == 0 || top == 0xFF }

// Detect reports whether the start of a file says it holds x86 or x86-64
// code: an ELF file for machine 3 or 62, a PE file for machine 0x14C or
// 0x8664, or a Mach-O file for CPU type 7 or 0x01000007.
func Detect(head []byte) bool {
	switch {
	case len(head) >= 20 && string(head[:4]) == "\x7fELF" && head[5] == 1: // little-endian
		m := binary.LittleEndian.Uint16(head[18:])
		return m == 3 || m == 62
	case len(head) >= 64 && string(head[:2]) == "MZ":
		pe := int(binary.LittleEndian.Uint32(head[0x3C:]))
		if pe < 0 || pe+6 > len(head) || string(head[pe:pe+4]) != "PE\x00\x00" {
			return false
		}
		m := binary.LittleEndian.Uint16(head[pe+4:])
		return m == 0x14C || m == 0x8664
	case len(head) >= 8 && (string(head[:4]) == "\xce\xfa\xed\xfe" || string(head[:4]) == "\xcf\xfa\xed\xfe"):
		c := binary.LittleEndian.Uint32(head[4:])
		return c == 7 || c == 0x01000007
	}
	return false
}
