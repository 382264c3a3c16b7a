package bitcm

import (
	"crypto/sha256"
	_ "embed"
	"errors"
	"strings"
	"sync"
)

// The word code (version 5 text model, Config.WordCode) replaces the
// words of a text by their numbers in a fixed dictionary before the
// model sees it, and puts them back after: the model then reads a
// frequent word as one or two bytes instead of its letters, so it has
// fewer bytes to code (about 0.65 of them on prose, 0.75-0.8 on source
// code) and each byte says more: with version 4's contexts, 1.1-3.5 %
// smaller on training text, 1.2 % on the evaluation set
// (docs/ABLATIONS.md).
//
// The transformed text, byte by byte:
//
//	0x00-0x7f  the byte itself (letters only in runs that are not coded)
//	0x80 b     escape: byte b (0x80-0xff) itself
//	0x81-0x87  word 0-6 of the dictionary, in lower case
//	0x88-0xfd  with the next byte c (0x80-0xff): word 7 + (lead-0x88)·128 + (c-0x80)
//	0xfe w     word w (a code above) in upper case
//	0xff w     word w with its first letter in upper case
//
// (Seven one-byte codes and 15,104 two-byte ones: on training text a
// larger dictionary paid more than more one-byte codes did, 63 of them
// and 7,936 two-byte ones coding prose 0.5-0.7 % larger.)
//
// A word is a maximal run of ASCII letters; it is coded when its lower
// case form is in the dictionary and it is all lower case, all upper
// case (two letters or more) or capitalised (its first letter upper
// case, the rest lower). Everything else is copied, bytes 0x80-0xff
// escaped. The transform of a text is unique, and the model's decoder
// accepts only transforms (it re-encodes what it decoded), so a damaged
// stream fails instead of decoding to other text.
//
// The version 6 text model's word code (Config.WordCode 2) has its own
// dictionary (words6.txt) and two more rules, for source code: a run
// of letters also ends before an upper-case letter that follows a
// lower-case one (maxLength is the words max and Length), and a word
// next to a digit is not coded (int64, 0x1f, the hex digits of a
// checksum). On training text: 0.7-1.4 % smaller with version 6's text
// columns, assembly 16 % (docs/ABLATIONS.md).

const (
	wcEscape   = 0x80
	wcOne      = 0x81 // first one-byte code
	wcLead     = 0x88 // first lead byte of a two-byte code
	wcUpper    = 0xfe
	wcCapital  = 0xff
	wcOneCount = wcLead - wcOne                    // 7 one-byte codes
	wcMaxWords = wcOneCount + (wcUpper-wcLead)*128 // 7 + 118·128 = 15,111
)

// wordList is the version 5 dictionary, one lower-case word per line,
// most useful first (dcartrain -word-dict wrote it from training text
// with version 5's rules, docs/word-dict.sh).
//
//go:embed words.txt
var wordList string

// wordList6 is the version 6 dictionary (dcartrain -word-dict writes
// it, with version 6's rules).
//
//go:embed words6.txt
var wordList6 string

type wordDict struct {
	words [][]byte          // by number
	index map[string]uint16 // lower-case word -> number
	sum   [32]byte          // SHA-256 of the list
	split bool              // version 6's rules (camel case, digits)
	// priorTables are the tables a wordPrior spreads first letters with
	// (built at the first use).
	priorTables func() *wordTables
}

var (
	textWords  = sync.OnceValue(func() *wordDict { return newWordDict(wordList, false) })
	textWords6 = sync.OnceValue(func() *wordDict { return newWordDict(wordList6, true) })
)

// words is the word code of c (nil: none).
func (c Config) words() *wordDict {
	switch c.WordCode {
	case 1:
		return textWords()
	case 2:
		return textWords6()
	}
	return nil
}

func newWordDict(list string, split bool) *wordDict {
	d := &wordDict{index: map[string]uint16{}, sum: sha256.Sum256([]byte(list)), split: split}
	d.priorTables = sync.OnceValue(func() *wordTables { return newWordTables(d) })
	for _, w := range strings.Split(strings.TrimSuffix(list, "\n"), "\n") {
		if len(d.words) == wcMaxWords || w == "" {
			break
		}
		if _, dup := d.index[w]; dup {
			continue
		}
		d.index[w] = uint16(len(d.words))
		d.words = append(d.words, []byte(w))
	}
	return d
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// run returns the end of the run of letters that starts at src[i] (a
// letter) and whether it may be a word: two to 64 letters and, with
// version 6's rules, no digit on either side.
func (d *wordDict) run(src []byte, i int) (j int, ok bool) {
	j = i + 1
	for j < len(src) && isLetter(src[j]) && !(d.split && isUpper(src[j]) && !isUpper(src[j-1])) {
		j++
	}
	ok = j-i >= 2 && j-i <= maxWordLen
	if d.split && (i > 0 && isDigit(src[i-1]) || j < len(src) && isDigit(src[j])) {
		ok = false
	}
	return j, ok
}

// maxWordLen is the longest run of letters the word code codes.
const maxWordLen = 64

// wordCase is the case flag of letters w: 0 all lower case, wcUpper all
// upper case, wcCapital capitalised, -1 none of these.
func wordCase(w []byte) int {
	nup := 0
	for _, x := range w {
		if isUpper(x) {
			nup++
		}
	}
	switch {
	case nup == 0:
		return 0
	case nup == len(w):
		return wcUpper
	case nup == 1 && isUpper(w[0]):
		return wcCapital
	}
	return -1
}

// Words calls f with each run of letters in src that version 6's word
// code would code if its dictionary had it (dcartrain -word-dict counts
// them).
func Words(src []byte, f func(w []byte)) {
	d := &wordDict{split: true}
	for i := 0; i < len(src); {
		if !isLetter(src[i]) {
			i++
			continue
		}
		j, ok := d.run(src, i)
		if w := src[i:j]; ok && wordCase(w) >= 0 {
			f(w)
		}
		i = j
	}
}

// encodeWords appends the transform of src to dst.
func (d *wordDict) encodeWords(dst, src []byte) []byte {
	var low [maxWordLen]byte
	for i := 0; i < len(src); {
		c := src[i]
		if !isLetter(c) {
			if c >= 0x80 {
				dst = append(dst, wcEscape)
			}
			dst = append(dst, c)
			i++
			continue
		}
		j, ok := d.run(src, i)
		w := src[i:j]
		i = j
		flag := wordCase(w)
		if !ok || flag < 0 {
			dst = append(dst, w...)
			continue
		}
		for k, x := range w {
			low[k] = x | 0x20
		}
		n, ok := d.index[string(low[:len(w)])]
		if !ok {
			dst = append(dst, w...)
			continue
		}
		if flag != 0 {
			dst = append(dst, byte(flag))
		}
		if n < wcOneCount {
			dst = append(dst, wcOne+byte(n))
		} else {
			n -= wcOneCount
			dst = append(dst, wcLead+byte(n>>7), 0x80|byte(n&127))
		}
	}
	return dst
}

// WordTransform appends to dst the transform of src by cfg's word code
// (what its model reads; for tools that train on it), or src itself if
// cfg has none.
func WordTransform(dst, src []byte, cfg Config) []byte {
	if d := cfg.normalized().words(); d != nil {
		return d.encodeWords(dst, src)
	}
	return append(dst, src...)
}

// errWordCode reports bytes that are not the word code's transform of any text.
var errWordCode = errors.New("bitcm: not a word-code transform")

// A wordDecoder inverts encodeWords a byte at a time (the model's
// decoder produces the transform byte by byte and must know when the
// text is complete): put appends to out what the bytes so far complete.
// It flags bytes that no transform has (bad), but a sequence of valid
// bytes can still be no transform: its user re-encodes the text to check.
type wordDecoder struct {
	d     *wordDict
	state byte // 0, or the pending escape, case flag or lead byte
	flag  byte // the case flag of the pending word
	bad   bool // a byte that no transform has
}

// idle reports whether no escape, flag or lead byte waits for its next byte.
func (w *wordDecoder) idle() bool { return w.state == 0 }

func (w *wordDecoder) put(out []byte, c byte) []byte {
	switch s := w.state; {
	case s == wcEscape:
		w.state = 0
		if c < 0x80 {
			w.bad = true
		}
		return append(out, c)
	case s >= wcLead && s < wcUpper:
		w.state = 0
		if c < 0x80 {
			w.bad = true
			return out
		}
		return w.word(out, wcOneCount+(int(s-wcLead)<<7|int(c&127)))
	case s == wcUpper || s == wcCapital:
		w.state = 0
		switch {
		case c >= wcOne && c < wcLead:
			return w.word(out, int(c-wcOne))
		case c >= wcLead && c < wcUpper:
			w.state = c
			return out
		}
		w.bad = true
		return out
	}
	switch {
	case c < 0x80:
		return append(out, c)
	case c == wcEscape || c >= wcLead:
		w.state = c
		if c >= wcUpper {
			w.flag = c
		}
		return out
	}
	return w.word(out, int(c-wcOne))
}

func (w *wordDecoder) word(out []byte, n int) []byte {
	flag := w.flag
	w.flag = 0
	if n >= len(w.d.words) {
		w.bad = true
		return out
	}
	k := len(out)
	out = append(out, w.d.words[n]...)
	switch flag {
	case wcUpper:
		for i := k; i < len(out); i++ {
			out[i] &^= 0x20
		}
	case wcCapital:
		out[k] &^= 0x20
	}
	return out
}
