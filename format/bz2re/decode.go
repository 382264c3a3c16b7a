package bz2re

// A bzip2 decoder that keeps what Split needs: stream boundaries and
// levels, and per block its origPtr. It accepts only what libbzip2 1.0.x
// can have written (complete Huffman codes, at most 18002 selectors, no
// randomised blocks); anything else is refused before any comparison.

type blockInfo struct {
	origPtr int
	nblock  int
}

type streamInfo struct {
	level      int
	start, end int // byte range in the input
	rawLen     int64
	blocks     []blockInfo
	maxCodeLen int // longest Huffman code length in any table
}

type bitReader struct {
	src []byte
	pos int    // next byte to load
	acc uint64 // low n bits are unread
	n   uint
}

func (r *bitReader) offset() int64 { return int64(r.pos) - int64(r.n/8) }

func (r *bitReader) refill() {
	for r.n <= 56 && r.pos < len(r.src) {
		r.acc = r.acc<<8 | uint64(r.src[r.pos])
		r.pos++
		r.n += 8
	}
}

func (r *bitReader) bits(n uint) (uint32, error) {
	if r.n < n {
		r.refill()
		if r.n < n {
			return 0, errAt(ErrCorrupt, int64(len(r.src)), "unexpected end of data")
		}
	}
	r.n -= n
	return uint32(r.acc>>r.n) & (1<<n - 1), nil
}

// peek20 returns the next 20 bits, zero-padded past the end of data.
func (r *bitReader) peek20() uint32 {
	if r.n < 20 {
		r.refill()
		if r.n < 20 {
			return uint32(r.acc<<(20-r.n)) & (1<<20 - 1)
		}
	}
	return uint32(r.acc>>(r.n-20)) & (1<<20 - 1)
}

const (
	fastBits  = 10
	maxDecLen = 20
)

// huffDec decodes one canonical code: a table for codes up to fastBits
// long, then a search by length.
type huffDec struct {
	fast   [1 << fastBits]uint16 // len<<9 | symbol; 0: longer code
	limit  [maxDecLen + 1]int32  // codes of length l are below limit[l]
	first  [maxDecLen + 1]int32
	offs   [maxDecLen + 1]int32
	perm   [maxAlpha]uint16
	minLen int
	maxLen int
}

func (h *huffDec) init(lens []uint8) bool {
	var count [maxDecLen + 1]int32
	kraft := 0
	h.minLen, h.maxLen = maxDecLen, 0
	for _, l := range lens {
		count[l]++
		kraft += 1 << (maxDecLen - l)
		h.minLen = min(h.minLen, int(l))
		h.maxLen = max(h.maxLen, int(l))
	}
	if kraft != 1<<maxDecLen {
		return false // libbzip2 codes are complete
	}
	code, idx := int32(0), int32(0)
	for l := 1; l <= maxDecLen; l++ {
		h.first[l] = code
		h.offs[l] = idx
		for s, sl := range lens {
			if int(sl) == l {
				h.perm[idx] = uint16(s)
				idx++
			}
		}
		code += count[l]
		h.limit[l] = code
		code <<= 1
	}
	clear(h.fast[:])
	for l := 1; l <= fastBits; l++ {
		for i := h.offs[l]; i < h.offs[l]+count[l]; i++ {
			c := h.first[l] + i - h.offs[l]
			lo := int(c) << (fastBits - l)
			hi := int(c+1) << (fastBits - l)
			for j := lo; j < hi; j++ {
				h.fast[j] = uint16(l<<9) | h.perm[i]
			}
		}
	}
	return true
}

func (h *huffDec) decode(r *bitReader) (int, error) {
	v := r.peek20()
	l := 0
	sym := 0
	if e := h.fast[v>>(maxDecLen-fastBits)]; e != 0 {
		l = int(e >> 9)
		sym = int(e & 0x1ff)
	} else {
		for l = fastBits + 1; ; l++ {
			if l > h.maxLen {
				return 0, errAt(ErrCorrupt, r.offset(), "bad Huffman code")
			}
			c := int32(v >> (maxDecLen - l))
			if c < h.limit[l] {
				sym = int(h.perm[h.offs[l]+c-h.first[l]])
				break
			}
		}
	}
	if uint(l) > r.n {
		return 0, errAt(ErrCorrupt, int64(len(r.src)), "unexpected end of data")
	}
	r.n -= uint(l)
	return sym, nil
}

type decoder struct {
	r   bitReader
	ll  []byte
	tt  []int32
	dec [maxGroups]huffDec
	sel []uint8
	raw []byte
	max int64
}

// decode returns the concatenated output of all streams in src.
func decode(src []byte, maxRaw int64) ([]byte, []streamInfo, error) {
	d := &decoder{max: maxRaw}
	var streams []streamInfo
	pos := 0
	for pos < len(src) || len(streams) == 0 {
		if len(src)-pos < 4 || src[pos] != 'B' || src[pos+1] != 'Z' || src[pos+2] != 'h' || src[pos+3] < '1' || src[pos+3] > '9' {
			if len(streams) == 0 {
				return nil, nil, errAt(ErrCorrupt, int64(pos), "no bzip2 stream header")
			}
			return nil, nil, errAt(ErrUnsupported, int64(pos), "data after the last stream")
		}
		s := streamInfo{level: int(src[pos+3] - '0'), start: pos}
		rawStart := len(d.raw)
		d.r = bitReader{src: src, pos: pos + 4}
		if err := d.stream(&s); err != nil {
			return nil, nil, err
		}
		d.r.n -= d.r.n % 8 // padding to the byte boundary
		pos = int(d.r.offset())
		s.end = pos
		s.rawLen = int64(len(d.raw) - rawStart)
		streams = append(streams, s)
	}
	return d.raw, streams, nil
}

func (d *decoder) stream(s *streamInfo) error {
	var comb uint32
	for {
		at := d.r.offset()
		hi, err := d.r.bits(24)
		if err != nil {
			return err
		}
		lo, err := d.r.bits(24)
		if err != nil {
			return err
		}
		switch {
		case hi == blockMagicHi && lo == blockMagicLo:
			crc, err := d.block(s)
			if err != nil {
				return err
			}
			comb = combineCRC(comb, crc)
		case hi == endMagicHi && lo == endMagicLo:
			crc, err := d.r.bits(32)
			if err != nil {
				return err
			}
			if crc != comb {
				return errAt(ErrCorrupt, at, "stream CRC mismatch")
			}
			return nil
		default:
			return errAt(ErrCorrupt, at, "bad block magic")
		}
	}
}

func (d *decoder) block(s *streamInfo) (uint32, error) {
	r := &d.r
	at := r.offset()
	want, err := r.bits(32)
	if err != nil {
		return 0, err
	}
	rnd, err := r.bits(1)
	if err != nil {
		return 0, err
	}
	if rnd != 0 {
		return 0, errAt(ErrUnsupported, at, "randomised block (bzip2 before 0.9.5)")
	}
	v, err := r.bits(24)
	if err != nil {
		return 0, err
	}
	origPtr := int(v)

	used16, err := r.bits(16)
	if err != nil {
		return 0, err
	}
	var seqToUnseq [256]byte
	nInUse := 0
	for i := 0; i < 16; i++ {
		if used16&(1<<(15-i)) == 0 {
			continue
		}
		m, err := r.bits(16)
		if err != nil {
			return 0, err
		}
		for j := 0; j < 16; j++ {
			if m&(1<<(15-j)) != 0 {
				seqToUnseq[nInUse] = byte(i*16 + j)
				nInUse++
			}
		}
	}
	if nInUse == 0 {
		return 0, errAt(ErrCorrupt, r.offset(), "block uses no bytes")
	}
	alphaSize := nInUse + 2
	v, err = r.bits(3)
	if err != nil {
		return 0, err
	}
	nGroups := int(v)
	if nGroups < 2 || nGroups > maxGroups {
		return 0, errAt(ErrCorrupt, r.offset(), "bad number of tables %d", nGroups)
	}
	v, err = r.bits(15)
	if err != nil {
		return 0, err
	}
	nSel := int(v)
	if nSel < 1 {
		return 0, errAt(ErrCorrupt, r.offset(), "no selectors")
	}
	if nSel > 18002 {
		return 0, errAt(ErrNotReproducible, r.offset(), "%d selectors", nSel)
	}
	d.sel = grow(d.sel, nSel)
	var pos [maxGroups]uint8
	for i := range pos {
		pos[i] = uint8(i)
	}
	for i := range d.sel {
		j := 0
		for {
			b, err := r.bits(1)
			if err != nil {
				return 0, err
			}
			if b == 0 {
				break
			}
			j++
			if j >= nGroups {
				return 0, errAt(ErrCorrupt, r.offset(), "bad selector")
			}
		}
		t := pos[j]
		copy(pos[1:j+1], pos[:j])
		pos[0] = t
		d.sel[i] = t
	}
	var lens [maxAlpha]uint8
	for t := 0; t < nGroups; t++ {
		c, err := r.bits(5)
		if err != nil {
			return 0, err
		}
		curr := int(c)
		for i := 0; i < alphaSize; i++ {
			for {
				if curr < 1 || curr > maxDecLen {
					return 0, errAt(ErrCorrupt, r.offset(), "bad code length")
				}
				b, err := r.bits(1)
				if err != nil {
					return 0, err
				}
				if b == 0 {
					break
				}
				b, err = r.bits(1)
				if err != nil {
					return 0, err
				}
				if b == 0 {
					curr++
				} else {
					curr--
				}
			}
			lens[i] = uint8(curr)
			s.maxCodeLen = max(s.maxCodeLen, curr)
		}
		if !d.dec[t].init(lens[:alphaSize]) {
			return 0, errAt(ErrNotReproducible, r.offset(), "incomplete or oversubscribed Huffman code")
		}
	}

	// Symbols: undo RUNA/RUNB and move-to-front.
	nblockMax := s.level * 100000
	d.ll = grow(d.ll, nblockMax)
	ll := d.ll[:0]
	var yy [256]byte
	copy(yy[:], seqToUnseq[:nInUse])
	eob := nInUse + 1
	run, shift := 0, uint(0)
	g, left := -1, 0
	var h *huffDec
	for {
		if left == 0 {
			g++
			if g >= nSel {
				return 0, errAt(ErrCorrupt, r.offset(), "more symbols than selectors")
			}
			left = groupSize
			h = &d.dec[d.sel[g]]
		}
		left--
		sym, err := h.decode(r)
		if err != nil {
			return 0, err
		}
		if sym <= runB {
			if shift > 20 {
				return 0, errAt(ErrCorrupt, r.offset(), "run too long")
			}
			run += (sym + 1) << shift
			shift++
			continue
		}
		if run > 0 {
			if len(ll)+run > nblockMax {
				return 0, errAt(ErrCorrupt, r.offset(), "block too long")
			}
			c := yy[0]
			for ; run > 0; run-- {
				ll = append(ll, c)
			}
			shift = 0
		}
		if sym == eob {
			break
		}
		if len(ll) >= nblockMax {
			return 0, errAt(ErrCorrupt, r.offset(), "block too long")
		}
		j := sym - 1
		c := yy[j]
		copy(yy[1:j+1], yy[:j])
		yy[0] = c
		ll = append(ll, c)
	}
	n := len(ll)
	if origPtr >= n {
		return 0, errAt(ErrCorrupt, at, "origPtr %d outside block of %d", origPtr, n)
	}
	s.blocks = append(s.blocks, blockInfo{origPtr: origPtr, nblock: n})

	// Inverse BWT, undoing the initial run-length stage on the fly.
	var start [256]int32
	for _, c := range ll {
		start[c]++
	}
	sum := int32(0)
	for c := range start {
		sum, start[c] = sum+start[c], sum
	}
	d.tt = grow(d.tt, n)
	tt := d.tt
	for i, c := range ll {
		tt[start[c]] = int32(i)
		start[c]++
	}
	rawStart := len(d.raw)
	out := d.raw
	p := tt[origPtr]
	same, prev := 0, -1
	for i := 0; i < n; i++ {
		c := ll[p]
		p = tt[p]
		if same == 4 {
			if int64(len(out))+int64(c) > d.max {
				return 0, errAt(ErrTooLarge, at, "block expands past %d bytes", d.max)
			}
			for k := byte(0); k < c; k++ {
				out = append(out, byte(prev))
			}
			same = 0
			continue
		}
		if int(c) == prev {
			same++
		} else {
			prev = int(c)
			same = 1
		}
		if int64(len(out)) >= d.max {
			return 0, errAt(ErrTooLarge, at, "block expands past %d bytes", d.max)
		}
		out = append(out, c)
	}
	d.raw = out
	crc := ^crcBytes(crcInit, out[rawStart:])
	if crc != want {
		return 0, errAt(ErrCorrupt, at, "block CRC mismatch")
	}
	return crc, nil
}
