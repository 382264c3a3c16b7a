// Package exe holds reversible transforms of machine code that make it
// easier to model: the displacements of calls, jumps and PC-relative
// address operands become the absolute positions they reach, so that
// every call of one function, and every reference to one variable,
// carries the same bytes wherever it is. A context-mixing model then
// predicts them from earlier occurrences; relative, they differ at every
// call site. cm-bin applies them to executables (spec/FORMAT.md, 7.9).
//
// Encode and Decode are exact inverses on any bytes, executable or not;
// the transform of a block of n bytes depends only on those n bytes,
// positions counting from the block's start.
//
// # Files
//
//	exe.go    Arch, Detect, Encode, Decode
//	x86.go    x86 and x86-64: E8/E9 calls and jumps, RIP-relative mov/lea
//	arm64.go  AArch64: BL and ADRP
package exe

import "encoding/binary"

// Arch names a transform (and is the filter byte of cm-bin's
// parameters).
type Arch byte

const (
	None  Arch = 0
	X86   Arch = 1 // x86 and x86-64 (x86.go)
	ARM64 Arch = 2 // AArch64 (arm64.go)
)

// Encode transforms b in place for arch: relative displacements become
// absolute.
func Encode(b []byte, arch Arch) {
	switch arch {
	case X86:
		x86(b, 1)
	case ARM64:
		arm64(b, 1)
	}
}

// Decode transforms b in place back: Decode(Encode(b)) and
// Encode(Decode(b)) give b.
func Decode(b []byte, arch Arch) {
	switch arch {
	case X86:
		x86(b, -1)
	case ARM64:
		arm64(b, -1)
	}
}

// Detect reads the start of a file and names the code it holds: an ELF
// file (little-endian) for machine 3 or 62 (x86) or 183 (ARM64), a PE
// file for machine 0x14C or 0x8664 (x86) or 0xAA64 (ARM64), a Mach-O file
// for CPU type 7 or 0x01000007 (x86) or 0x0100000C (ARM64); None for
// anything else.
func Detect(head []byte) Arch {
	switch {
	case len(head) >= 20 && string(head[:4]) == "\x7fELF" && head[5] == 1:
		switch binary.LittleEndian.Uint16(head[18:]) {
		case 3, 62:
			return X86
		case 183:
			return ARM64
		}
	case len(head) >= 64 && string(head[:2]) == "MZ":
		pe := int(binary.LittleEndian.Uint32(head[0x3C:]))
		if pe < 0 || pe+6 > len(head) || string(head[pe:pe+4]) != "PE\x00\x00" {
			return None
		}
		switch binary.LittleEndian.Uint16(head[pe+4:]) {
		case 0x14C, 0x8664:
			return X86
		case 0xAA64:
			return ARM64
		}
	case len(head) >= 8 && (string(head[:4]) == "\xce\xfa\xed\xfe" || string(head[:4]) == "\xcf\xfa\xed\xfe"):
		switch binary.LittleEndian.Uint32(head[4:]) {
		case 7, 0x01000007:
			return X86
		case 0x0100000C:
			return ARM64
		}
	}
	return None
}
