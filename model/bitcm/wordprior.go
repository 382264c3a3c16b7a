package bitcm

import (
	"math/bits"

	"github.com/dcar-archiver/dcar/coder"
)

// A wordPrior is a Prior over the bytes of a word code's transform made
// from a Prior over the text's own bytes (the text network predicts
// text, not the transform): it feeds the raw prior every text byte a
// transform byte completes, and spreads the raw prior's next-byte
// distribution over the transform's bytes.
//
// At a word's start the raw prior's probability of each letter goes to
// that letter as a byte of an uncoded run and, for the part of words
// that are coded (learned online, separately for lower- and upper-case
// starts), to the dictionary's codes of words with that first letter,
// in proportion to a Zipf weight of their rank (the dictionary lists
// the most useful words first). After a lead byte, the 128 words it
// leads share the mass of their first letters as the raw prior saw them
// at the word's start; after a case flag, the codes share the mass of
// the upper-case letters. Everything is integer arithmetic: encoder and
// decoder build identical tables. Spec section 7.6 ("The network beside
// a word code") gives the arithmetic: it is part of model-text's format
// (a change needs a new configuration fingerprint).
type wordPrior struct {
	raw  Prior
	t    *wordTables
	dec  wordDecoder
	p    *coder.FreqTable // the raw prior's next text byte
	out  coder.FreqTable
	mass [256]int64
	fq   [256]uint32
	text []byte // scratch: the text bytes a transform byte completes

	// first is the first-letter distribution (×2^16 scale) at the start
	// of the word whose code is pending.
	first [26]int64
	// coded probabilities (12 bits): a lower-case word start is coded;
	// an upper-case word start is coded; a coded upper-case word is all
	// upper case.
	pLow, pUp, pAll int32
	inRun           bool // the last text byte is a letter of an uncoded run
	lastLower       bool // the last text byte is a lower-case letter
	// start is what Next saw: 0 no word start, 1 a word start (of
	// either case), 2 only an upper-case one (after a lower-case letter
	// of an uncoded run: camel case).
	start int
}

// wordTables are a dictionary's shares of each first letter.
type wordTables struct {
	// share[l][b]: the share (of 2^16) of the words starting with
	// letter l whose code starts with byte b (0x81..0xfd).
	share [26][256]int64
	// weight[n] is word n's Zipf weight divided by its letter's total, in
	// 2^32 units; letter[n] its first letter.
	weight []int64
	letter []uint8
}

// newWordTables builds d's tables (wordDict.priorTables builds them
// once per dictionary).
func newWordTables(d *wordDict) *wordTables {
	t := &wordTables{weight: make([]int64, len(d.words)), letter: make([]uint8, len(d.words))}
	var total [26]int64
	zipf := func(n int) int64 { return (1 << 30) / int64(n+16) }
	for n, w := range d.words {
		l := w[0] - 'a'
		t.letter[n] = l
		total[l] += zipf(n)
	}
	for n := range d.words {
		l := t.letter[n]
		t.weight[n] = zipf(n) << 32 / total[l]
		b := byte(wcOne + n)
		if n >= wcOneCount {
			b = byte(wcLead + (n-wcOneCount)>>7)
		}
		t.share[l][b] += zipf(n) << 16 / total[l]
	}
	return t
}

func newWordPrior(raw Prior, d *wordDict) *wordPrior {
	w := &wordPrior{raw: raw, t: d.priorTables(), dec: wordDecoder{d: d}, pLow: 3000, pUp: 3000, pAll: 300}
	w.p = raw.Next()
	return w
}

// Next spreads the raw prior's distribution over the transform's bytes.
func (w *wordPrior) Next() *coder.FreqTable {
	m := &w.mass
	*m = [256]int64{}
	p := w.p
	w.start = 0
	switch s := w.dec.state; {
	case s == wcEscape:
		for b := 0x80; b < 256; b++ {
			m[b] = int64(p.Freq(b)) << 16
		}
	case s >= wcLead && s < wcUpper:
		// The word's second byte: its 128 words by first letter.
		base := wcOneCount + int(s-wcLead)<<7
		for c := 0; c < 128 && base+c < len(w.t.weight); c++ {
			n := base + c
			m[0x80+c] = w.first[w.t.letter[n]] * (w.t.weight[n] >> 16) >> 16
		}
	case s == wcUpper || s == wcCapital:
		w.codes(&w.first)
	default:
		for b := 0; b < 0x80; b++ {
			m[b] = int64(p.Freq(b)) << 16
		}
		var high int64
		for b := 0x80; b < 256; b++ {
			high += int64(p.Freq(b))
		}
		m[wcEscape] = high << 16
		// A word may start here unless an uncoded run of letters goes on
		// (an upper-case letter after a lower-case one starts a word).
		if !w.inRun || w.lastLower {
			w.start = 2
			var up int64
			for l := 0; l < 26; l++ {
				f := int64(p.Freq('A' + l))
				w.first[l] = f << 16
				up += f
				m['A'+l] = f * int64(4096-w.pUp) << 4
			}
			coded := up * int64(w.pUp) << 4
			m[wcUpper] = coded * int64(w.pAll) >> 12
			m[wcCapital] = coded - m[wcUpper]
		}
		if !w.inRun {
			// w.first keeps the upper-case letters' mass, for a case
			// flag; the lower-case words' codes take the coded part of
			// the lower-case letters'.
			w.start = 1
			var low [26]int64
			for l := 0; l < 26; l++ {
				f := int64(p.Freq('a' + l))
				m['a'+l] = f * int64(4096-w.pLow) << 4
				low[l] = f * int64(w.pLow) << 4
			}
			w.codes(&low)
		}
	}
	w.freqs()
	return &w.out
}

// codes adds the first-letter distribution first (×2^16 scale) to the
// codes that start words with each letter.
func (w *wordPrior) codes(first *[26]int64) {
	m := &w.mass
	for l := 0; l < 26; l++ {
		f := first[l] >> 16
		if f == 0 {
			continue
		}
		sh := w.t.share[l][wcOne:wcUpper]
		dst := m[wcOne:wcUpper]
		for i, v := range sh {
			dst[i] += f * v
		}
	}
}

// freqs turns w.mass into w.out: frequencies of at least 1 that add up
// to 2^16, F = 1 + ⌊⌊M/2^s⌋·R / 2^32⌋ with one division per table: s
// brings the masses' sum A below 2^31 and R = ⌊(2^16 − 256)·2^32 / A⌋
// (so no product overflows: ⌊M/2^s⌋ ≤ A). The remainder goes to the
// first largest frequency.
func (w *wordPrior) freqs() {
	var all int64
	for _, v := range w.mass {
		all += v
	}
	const total = 1 << 16
	s := uint(max(bits.Len64(uint64(all))-31, 0))
	var r int64
	if a := all >> s; a > 0 {
		r = (total - 256) << 32 / a
	}
	var sum uint32
	big := 0
	for b, v := range w.mass {
		f := uint32(1 + (v>>s)*r>>32)
		w.fq[b] = f
		sum += f
		if f > w.fq[big] {
			big = b
		}
	}
	w.fq[big] += total - sum
	if err := w.out.SetFreqs(w.fq[:], 16); err != nil {
		panic(err) // the frequencies add up by construction
	}
}

// Update records transform byte c: the coded rates learn from a word's
// start, and the raw prior reads the text bytes c completes.
func (w *wordPrior) Update(c byte) {
	switch w.start {
	case 1:
		lit := c >= 'a' && c <= 'z'
		code := c >= wcOne && c < wcUpper
		if lit || code {
			learn(&w.pLow, code)
		}
		fallthrough
	case 2:
		lit := c >= 'A' && c <= 'Z'
		flag := c == wcUpper || c == wcCapital
		if lit || flag {
			learn(&w.pUp, flag)
		}
		if flag {
			learn(&w.pAll, c == wcUpper)
		}
	}
	if c >= wcLead && c < wcUpper && w.dec.state == 0 {
		// A lower-case word's lead: its first-letter mass is the
		// lower-case letters' at its start.
		p := w.p
		for l := 0; l < 26; l++ {
			w.first[l] = int64(p.Freq('a'+l)) << 16
		}
	}
	w.text = w.dec.put(w.text[:0], c)
	for _, b := range w.text {
		w.raw.Update(b)
		w.p = w.raw.Next()
		w.inRun = isLetter(b) && c < 0x80
		w.lastLower = b >= 'a' && b <= 'z'
	}
}

// learn moves the 12-bit rate r towards y by 1/32 of the way.
func learn(r *int32, y bool) {
	t := int32(0)
	if y {
		t = 4096
	}
	*r += (t - *r) >> 5
}
