package bz2re

// bitWriter packs bits most significant first, as bzip2 streams are read.
type bitWriter struct {
	out []byte
	acc uint64
	n   uint
}

func (w *bitWriter) bits(n uint, v uint32) {
	w.acc = w.acc<<n | uint64(v)
	w.n += n
	for w.n >= 8 {
		w.n -= 8
		w.out = append(w.out, byte(w.acc>>w.n))
	}
}

// align pads the last byte with zero bits; streams start byte-aligned.
func (w *bitWriter) align() {
	if w.n > 0 {
		w.out = append(w.out, byte(w.acc<<(8-w.n)))
		w.n = 0
	}
}

const (
	blockMagicHi = 0x314159
	blockMagicLo = 0x265359
	endMagicHi   = 0x177245
	endMagicLo   = 0x385090
)

func (w *bitWriter) streamHeader(level int) {
	w.bits(8, 'B')
	w.bits(8, 'Z')
	w.bits(8, 'h')
	w.bits(8, uint32('0'+level))
}

func (w *bitWriter) streamTrailer(crc uint32) {
	w.bits(24, endMagicHi)
	w.bits(24, endMagicLo)
	w.bits(32, crc)
	w.align()
}

// block writes one block: header, symbol map, tables, selectors and the
// Huffman-coded symbols.
func (w *bitWriter) block(crc uint32, origPtr int, inUse *[256]bool, mtfv []uint16, tb *tables, alphaSize int) {
	w.bits(24, blockMagicHi)
	w.bits(24, blockMagicLo)
	w.bits(32, crc)
	w.bits(1, 0) // not randomised
	w.bits(24, uint32(origPtr))

	var used16 uint32
	for i := 0; i < 16; i++ {
		for j := 0; j < 16; j++ {
			if inUse[i*16+j] {
				used16 |= 1 << (15 - i)
				break
			}
		}
	}
	w.bits(16, used16)
	for i := 0; i < 16; i++ {
		if used16&(1<<(15-i)) == 0 {
			continue
		}
		var m uint32
		for j := 0; j < 16; j++ {
			if inUse[i*16+j] {
				m |= 1 << (15 - j)
			}
		}
		w.bits(16, m)
	}

	w.bits(3, uint32(tb.nGroups))
	w.bits(15, uint32(len(tb.sel)))
	var pos [maxGroups]uint8
	for i := range pos {
		pos[i] = uint8(i)
	}
	for _, s := range tb.sel {
		// Selectors are sent move-to-front coded, in unary.
		j := 0
		for pos[j] != s {
			j++
		}
		copy(pos[1:j+1], pos[:j])
		pos[0] = s
		for ; j > 0; j-- {
			w.bits(1, 1)
		}
		w.bits(1, 0)
	}

	for t := 0; t < tb.nGroups; t++ {
		lens := tb.lens[t][:alphaSize]
		curr := int(lens[0])
		w.bits(5, uint32(curr))
		for _, l := range lens {
			for curr < int(l) {
				w.bits(2, 2)
				curr++
			}
			for curr > int(l) {
				w.bits(2, 3)
				curr--
			}
			w.bits(1, 0)
		}
	}

	for g, s := range tb.sel {
		gs := g * groupSize
		ge := min(gs+groupSize, len(mtfv))
		lens := &tb.lens[s]
		codes := &tb.codes[s]
		for _, v := range mtfv[gs:ge] {
			w.bits(uint(lens[v]), codes[v])
		}
	}
}
