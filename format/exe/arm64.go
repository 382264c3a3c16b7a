package exe

import "encoding/binary"

// AArch64: every instruction is a little-endian 32-bit word at a
// multiple of 4. BL (top six bits 100101) holds a signed 26-bit word
// offset, ADRP (bit 31 set, bits 24-28 10000) a signed 21-bit offset of
// 4 KiB pages in immhi (bits 5-23) and immlo (bits 29-30). The transform
// adds the word's position (in words for BL, in pages for ADRP) to the
// offset modulo 2^26 or 2^21 and leaves the other bits, so the decoder
// finds the same instructions and subtracts. Words of data that look
// like them change too, invertibly. Go's gofmt built for arm64: BL alone
// −2.2 %, with ADRP −2.6 % in cm-bin (xz's ARM64 filter: −2.5 %).

// arm64 transforms the BL and ADRP words of b by dir.
func arm64(b []byte, dir int32) {
	d := uint32(dir)
	for i := 0; i+4 <= len(b); i += 4 {
		w := binary.LittleEndian.Uint32(b[i:])
		switch {
		case w>>26 == 0x25: // BL
			w = w&^0x3FFFFFF | (w+d*uint32(i>>2))&0x3FFFFFF
		case w&0x9F000000 == 0x90000000: // ADRP
			imm := (w>>5&0x7FFFF)<<2 | w>>29&3
			imm = (imm + d*uint32(i>>12)) & 0x1FFFFF
			w = w&0x9F00001F | (imm&3)<<29 | (imm>>2)<<5
		default:
			continue
		}
		binary.LittleEndian.PutUint32(b[i:], w)
	}
}
