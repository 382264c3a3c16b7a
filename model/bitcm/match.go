package bitcm

import "github.com/dcar-archiver/dcar/internal/cacheline"

// matchModel finds the most recent earlier occurrence of the last
// MatchMin bytes and predicts that the byte which followed it comes
// next. Its two mixer inputs are a learned confidence for (match length
// class, predicted bit) and a fixed-strength vote; both are 0 once the
// current byte has left the predicted one.
type matchModel struct {
	min  int
	tab  []int32 // hash of the last min bytes -> position after them
	mask uint32
	ptr  int // position of the predicted byte in buf, valid if len > 0
	len  int
	pb   uint32 // predicted byte + 256
	// next is the matchHash of the last min-1 bytes (once there are
	// that many): the hash of the next byte's lookup before that byte.
	next uint32
	sm   []node
	cur  int // the entry of sm inputs used, -1: none (an index: no write barrier)
}

func (mm *matchModel) init(segLen int, cfg Config) {
	mm.min = cfg.MatchMin
	mm.cur = -1
	b := matchBits(segLen, cfg)
	mm.tab = make([]int32, 1<<b)
	mm.mask = 1<<b - 1
	mm.sm = cacheline.Make[node](64 * 2)
	for i := range mm.sm {
		mm.sm[i] = nodeInit
	}
}

func (mm *matchModel) lenClass() int {
	if mm.len == 0 {
		return 0
	}
	if mm.len < 16 {
		return mm.len
	}
	return min(16+(mm.len-16)/8, 63)
}

// inputs returns the two mixer inputs for the next bit, bit of its
// byte (0..7), the byte's bits so far being c0 (with a leading 1).
// With a code tree t (version 4) the bits are those of the predicted
// byte's code: depth and path (with a leading 1) say where the byte's
// code is.
func (mm *matchModel) inputs(bit uint, c0 uint32, t *codeTree, depth uint, path uint32) (int32, int32) {
	mm.cur = -1
	if mm.len == 0 {
		return 0, 0
	}
	var b int
	if t != nil {
		pb := byte(mm.pb)
		d, c := uint(t.depth[pb]), t.code[pb]
		if c>>(d-depth) != path {
			return 0, 0
		}
		b = int(c>>(d-1-depth)) & 1
	} else {
		if mm.pb>>(8-bit) != c0 {
			return 0, 0
		}
		b = int(mm.pb>>(7-bit)) & 1
	}
	mm.cur = mm.lenClass()<<1 | b
	s := stretch(p12(mm.sm[mm.cur]))
	v := int32(min(mm.len, 32)) * 64
	if b == 0 {
		v = -v
	}
	return s, v
}

func (mm *matchModel) update(y int) {
	if mm.cur >= 0 {
		update(&mm.sm[mm.cur], y, 255)
	}
}

// prefetchSlots asks for the table entries that byteUpdate may look up
// after the byte in progress, whose bits so far are c0 (7 of them, with
// a leading 1): one for each value of its last bit. The byte's lookup
// is a likely cache miss that would otherwise stall the model; issued
// one bit early, it overlaps the coding of that bit. Same values, so
// the same bits.
func (mm *matchModel) prefetchSlots(buf []byte, c0 uint32) {
	for y := range uint32(2) {
		mm.prefetchByte(buf, byte(c0<<1|y))
	}
}

// prefetchByte asks for the table entry that byteUpdate will look up if
// the byte in progress is b (with a code tree: for a byte one decision
// away).
func (mm *matchModel) prefetchByte(buf []byte, b byte) {
	if mm.min == 0 || len(buf)+1 < mm.min {
		return
	}
	prefetchInt32(&mm.tab[mm.slot(matchHash(mm.next, []byte{b}))])
}

// matchHash continues the hash h of the bytes before p over p.
func matchHash(h uint32, p []byte) uint32 {
	for _, c := range p {
		h = (h + uint32(c) + 1) * 0x2F0F1F47
	}
	return h
}

// slot is the table entry of the bytes whose matchHash is h.
func (mm *matchModel) slot(h uint32) uint32 { return hash32(h, 7) & mm.mask }

// byteUpdate follows or looks up the match after byte buf[len(buf)-1].
func (mm *matchModel) byteUpdate(buf []byte) {
	n := len(buf)
	if mm.len > 0 {
		if buf[mm.ptr] == buf[n-1] {
			mm.len++
			mm.ptr++
		} else {
			mm.len = 0
		}
	}
	if mm.min == 0 {
		return
	}
	if n < mm.min {
		if n == mm.min-1 {
			mm.next = matchHash(0, buf)
		}
		return
	}
	h := mm.slot(matchHash(mm.next, buf[n-1:]))
	mm.next = matchHash(0, buf[n-mm.min+1:])
	if mm.len == 0 {
		if c := int(mm.tab[h]); c > 0 {
			l := 0
			for l < 64 && c-1-l >= 0 && buf[c-1-l] == buf[n-1-l] {
				l++
			}
			if l >= mm.min {
				mm.len, mm.ptr = l, c
			}
		}
	}
	mm.tab[h] = int32(n)
	if mm.len > 0 {
		mm.pb = uint32(buf[mm.ptr]) | 256
	}
}
