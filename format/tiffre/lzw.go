package tiffre

// TIFF LZW (TIFF 6.0 section 13) as libtiff writes it: codes MSB first,
// 9 to 12 bits wide, widened one code early ("early change": 10 bits
// once the decoder's table holds code 510), Clear = 256, EndOfInformation
// = 257, first table entry 258.
//
// The data fixes every code but where the encoder clears its table. The
// encoder here is libtiff's greedy longest match; the clears are events
// recorded by the decoder: n, the number of data codes since the last
// clear (or the start) after which a Clear follows. In auto mode the clear
// libtiff writes when its table fills (n = lzwAutoGap, the encoder's next
// code 4094) is implied and not recorded; the ones libtiff writes when
// its compression ratio drops, and any other encoder's, are. What follows
// the last data code (a Clear if the table is full, EndOfInformation,
// zero padding to the byte, as libtiff 4's LZWPostEncode writes it) is
// canonical or kept verbatim.

const (
	lzwClear   = 256
	lzwEOI     = 257
	lzwFirst   = 258
	lzwMax     = 4096 // codes are at most 12 bits
	lzwAutoGap = 4094 - lzwFirst
)

// lzwChunk is what rebuilds one LZW chunk besides its data.
type lzwChunk struct {
	noAuto bool   // clears only where recorded
	clears []int  // the clear events
	tail   []byte // nil: canonical end; else the chunk's bytes from the byte holding the last data code's end
}

// lzwDecode decodes chunk, which must hold at least want bytes of data
// (bytes past them are kept as the tail), into dst[:want]. It returns
// the clear events, the number of data codes after the last clear, and
// the bit position after the last data code. base is the chunk's offset
// in the file, for messages.
func lzwDecode(dst []byte, chunk []byte, base int) (events []int, last, endBits int, err error) {
	want := len(dst)
	var (
		prefix [lzwMax]uint16
		suffix [lzwMax]byte
		length [lzwMax]uint16
		first  [lzwMax]byte
	)
	for i := 0; i < 256; i++ {
		suffix[i], first[i], length[i] = byte(i), byte(i), 1
	}
	out := 0
	free, width, prev, n := lzwFirst, 9, -1, 0
	var acc uint64
	nacc, pos := 0, 0
	for out < want {
		for nacc < width {
			if pos >= len(chunk) {
				return nil, 0, 0, errf(ErrFormat, base+pos, "LZW data ends after %d of %d bytes", out, want)
			}
			acc = acc<<8 | uint64(chunk[pos])
			pos++
			nacc += 8
		}
		code := int(acc>>(nacc-width)) & (1<<width - 1)
		nacc -= width
		switch {
		case code == lzwClear:
			events = append(events, n)
			if len(events) > len(chunk) {
				return nil, 0, 0, errf(ErrFormat, base+pos, "LZW clears")
			}
			free, width, prev, n = lzwFirst, 9, -1, 0
			continue
		case code == lzwEOI:
			return nil, 0, 0, errf(ErrUnsupported, base+pos, "LZW data ends after %d of %d bytes", out, want)
		case prev < 0:
			if code > 255 {
				return nil, 0, 0, errf(ErrFormat, base+pos, "LZW code %d after a clear", code)
			}
		case code > free || code == free && free == lzwMax:
			return nil, 0, 0, errf(ErrFormat, base+pos, "LZW code %d, table holds %d", code, free)
		}
		var ln, f int
		if code == free { // KwKwK: the previous string and its first byte
			ln, f = int(length[prev])+1, int(first[prev])
		} else {
			ln, f = int(length[code]), int(first[code])
		}
		if ln > want-out {
			return nil, 0, 0, errf(ErrUnsupported, base+pos, "LZW data longer than %d bytes", want)
		}
		if prev >= 0 && free < lzwMax {
			prefix[free], suffix[free], length[free], first[free] = uint16(prev), byte(f), length[prev]+1, first[prev]
			free++
			if free+1 >= 1<<width && width < 12 {
				width++
			}
		}
		// the string of code, written backwards
		c := code
		for i := out + ln - 1; i >= out; i-- {
			dst[i] = suffix[c]
			c = int(prefix[c])
		}
		out += ln
		prev = code
		n++
	}
	return events, n, 8*pos - nacc, nil
}

// lzwAuto splits decoded clear events into auto mode (the table-full
// clears implied) when the stream has no longer run between clears than
// libtiff's, last being the run after the last clear, and returns
// whether auto mode holds and the events to keep.
func lzwAuto(events []int, last int) (bool, []int) {
	if last > lzwAutoGap {
		return false, events
	}
	var kept []int
	for _, n := range events {
		if n > lzwAutoGap {
			return false, events
		}
		if n != lzwAutoGap {
			kept = append(kept, n)
		}
	}
	return true, kept
}

// lzwEncoder is libtiff's greedy LZW encoder with the table as an open
// addressing hash of (prefix code, byte) keys; a generation counter
// clears it in O(1).
type lzwEncoder struct {
	keys  [1 << 14]uint64 // generation<<32 | prefix<<8 | byte; a key of an older generation is an empty slot
	codes [1 << 14]uint16
	gen   uint64
	out   []byte
	acc   uint64
	nacc  uint
}

func (e *lzwEncoder) put(code int, width uint) {
	e.acc = e.acc<<width | uint64(code)
	e.nacc += width
	for e.nacc >= 8 {
		e.nacc -= 8
		e.out = append(e.out, byte(e.acc>>e.nacc))
	}
}

func (e *lzwEncoder) slot(key uint64) int {
	h := int((key * 0x9E3779B97F4A7C15) >> 50)
	for e.keys[h]>>32 == e.gen && e.keys[h] != key {
		h = (h + 1) & (1<<14 - 1)
	}
	return h
}

// encode appends the LZW coding of data (not empty) with the given
// clears to dst; it returns the result and the bit position after the
// last data code.
func (e *lzwEncoder) encode(dst, data []byte, auto bool, events []int) ([]byte, int) {
	e.out, e.acc, e.nacc = dst, 0, 0
	start := len(dst)
	free, width, n := lzwFirst, uint(9), 0
	reset := func() {
		e.gen++
		free, width, n = lzwFirst, 9, 0
	}
	reset()
	// clears emits the Clear codes due after n data codes.
	clears := func() {
		for len(events) > 0 && events[0] == n {
			e.put(lzwClear, width)
			events = events[1:]
			reset()
		}
	}
	clears()
	ent := int(data[0])
	for _, c := range data[1:] {
		key := e.gen<<32 | uint64(ent)<<8 | uint64(c)
		h := e.slot(key)
		if e.keys[h] == key {
			ent = int(e.codes[h])
			continue
		}
		e.put(ent, width)
		n++
		if free < lzwMax {
			e.keys[h], e.codes[h] = key, uint16(free)
			free++
		}
		if auto && free == lzwFirst+lzwAutoGap {
			e.put(lzwClear, width)
			reset()
		} else if free >= 1<<width && width < 12 {
			width++
		}
		clears()
		ent = int(c)
	}
	e.put(ent, width)
	end := 8*(len(e.out)-start) + int(e.nacc)
	// libtiff 4's LZWPostEncode: the entry the last code would add counts.
	free++
	if auto && free == lzwFirst+lzwAutoGap {
		e.put(lzwClear, width)
		width = 9
	} else if free > 1<<width-1 && width < 12 {
		width++
	}
	e.put(lzwEOI, width)
	if e.nacc > 0 {
		e.put(0, 8-e.nacc)
	}
	return e.out, end
}
