package bz2re

// bzip2 uses the CRC-32 polynomial in its non-reflected (MSB-first) form,
// which hash/crc32 does not offer, so the table is built here.
var crcTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for k := 0; k < 8; k++ {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04c11db7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

const crcInit = 0xffffffff

func crcByte(crc uint32, b byte) uint32 {
	return crc<<8 ^ crcTable[byte(crc>>24)^b]
}

func crcBytes(crc uint32, p []byte) uint32 {
	for _, b := range p {
		crc = crc<<8 ^ crcTable[byte(crc>>24)^b]
	}
	return crc
}

// combineCRC folds a finished block CRC into the stream CRC the way the
// stream trailer expects it.
func combineCRC(stream, block uint32) uint32 {
	return (stream<<1 | stream>>31) ^ block
}
