package bitcm

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// wordCodes are the word codes, by Config.WordCode.
var wordCodes = []struct {
	name string
	d    func() *wordDict
}{{"version 5", textWords}, {"version 6", textWords6}}

// The word code's transform: words of the dictionary in every case it
// codes become codes, other bytes stay (high ones escaped), and
// decodeWords gives the text back; the incremental decoder agrees.
// Version 6's rules cut camel case and leave words next to digits.
func TestWordCode(t *testing.T) {
	for _, wc := range wordCodes {
		t.Run(wc.name, func(t *testing.T) { testWordCode(t, wc.d()) })
	}
}

func testWordCode(t *testing.T, d *wordDict) {
	if len(d.words) != wcMaxWords {
		t.Fatalf("dictionary of %d words, want %d", len(d.words), wcMaxWords)
	}
	the := d.index["the"]
	if the >= wcOneCount {
		t.Fatalf("the is word %d", the)
	}
	code := func(w string) []byte {
		n, ok := d.index[w]
		if !ok {
			t.Fatalf("%q not in the dictionary", w)
		}
		if n < wcOneCount {
			return []byte{wcOne + byte(n)}
		}
		n -= wcOneCount
		return []byte{wcLead + byte(n>>7), 0x80 | byte(n&127)}
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	th := []byte{wcOne + byte(the)}
	camel, digits := []byte("maxLength int64 0xdeadbeef"), cat(code("max"), []byte{wcCapital}, code("length"), []byte(" int64 0xdeadbeef"))
	if !d.split {
		camel, digits = []byte("maxLength"), []byte("maxLength")
	}
	for _, c := range []struct {
		in   string
		want []byte // nil: just the round trip
	}{
		{"the", th},
		{"The THE THe", cat([]byte{wcCapital}, th, []byte{' ', wcUpper}, th, []byte(" THe"))},
		{"tHe", nil},
		{"theory", nil},
		{"a I", []byte("a I")},
		{"x\x80\xff\x00", []byte{'x', wcEscape, 0x80, wcEscape, 0xff, 0}},
		{"0xff, func(err error) {return nil}", nil},
		{"Straße naïve café", nil},
		{"", []byte{}},
		{string(camel), digits},
		{"HTTPServer theIPAddr the2 x2the a1b", nil},
	} {
		x := d.encodeWords(nil, []byte(c.in))
		if c.want != nil && !bytes.Equal(x, c.want) {
			t.Errorf("%q: %x, want %x", c.in, x, c.want)
		}
		back, err := d.decodeWords(nil, x)
		if err != nil || string(back) != c.in {
			t.Errorf("%q: back %q, %v", c.in, back, err)
		}
		w := wordDecoder{d: d}
		var inc []byte
		for _, b := range x {
			inc = w.put(inc, b)
		}
		if string(inc) != c.in || !w.idle() || w.bad {
			t.Errorf("%q: incremental %q", c.in, inc)
		}
	}
	// A long text of every kind.
	src := append(sampleText(20000, 3), randomBytes(2000, 4)...)
	src = append(src, "Implementation implementation IMPLEMENTATION camelCase CamelCase"...)
	x := d.encodeWords(nil, src)
	if len(x) >= len(src) {
		t.Errorf("%d bytes transformed to %d", len(src), len(x))
	}
	if back, err := d.decodeWords(nil, x); err != nil || !bytes.Equal(back, src) {
		t.Errorf("round trip: %v", err)
	}
	// What no text transforms to fails.
	for _, bad := range [][]byte{
		[]byte("the"),               // a coded word spelt out
		{'x', wcOne},                // a code touching a letter
		{wcEscape, 'a'},             // an escaped low byte
		{wcEscape},                  // a pending escape
		{wcLead},                    // a pending lead
		{wcCapital, 'a'},            // a flag before no code
		{wcUpper, wcCapital, wcOne}, // two flags
		{wcLead, 'a'},               // a lead before a low byte
		cat(th, []byte("ory")),      // a word coded as the start of another
	} {
		if got, err := d.decodeWords(nil, bad); !errors.Is(err, errWordCode) {
			t.Errorf("%x: %q, %v", bad, got, err)
		}
	}
}

func FuzzWordCode(f *testing.F) {
	for _, s := range [][]byte{nil, []byte("The the THE theory maxLength int64"), sampleText(500, 2), randomBytes(100, 3)} {
		f.Add(s)
		for _, wc := range wordCodes {
			f.Add(wc.d().encodeWords(nil, s))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, wc := range wordCodes {
			d := wc.d()
			// Every text comes back.
			x := d.encodeWords(nil, b)
			if back, err := d.decodeWords(nil, x); err != nil || !bytes.Equal(back, b) {
				t.Fatalf("%s: %q: round trip %q, %v", wc.name, b, back, err)
			}
			// Anything accepted is exactly the transform of what it decoded to.
			if got, err := d.decodeWords(nil, b); err == nil && !bytes.Equal(d.encodeWords(nil, got), b) {
				t.Fatalf("%s: accepted %x, not the transform of %q", wc.name, b, got)
			}
		}
	})
}

// The version 5 and 6 models code through their word codes: text, text
// with a primer, and bytes whose transform is longer than they are
// (every high byte escaped) come back; a stream coded without the word
// code does not decode as one with it.
func TestWordCodeModel(t *testing.T) {
	for _, cfg := range []Config{Text5ConfigCold(), Text6ConfigCold()} {
		t.Run(fmt.Sprintf("word code %d", cfg.WordCode), func(t *testing.T) { testWordCodeModel(t, cfg) })
	}
}

func testWordCodeModel(t *testing.T, cfg Config) {
	text := append(sampleText(30000, 8), " Über naïve THE The maxLength int64\n\tx := y\n\tyy := zz\n"...)
	roundTrip(t, "text", text, cfg)
	roundTrip(t, "random", randomBytes(5000, 9), cfg)
	roundTrip(t, "empty", nil, cfg)
	p := cfg
	p.Primer = sampleText(8000, 10)
	primed := roundTrip(t, "primed", text, p)
	if plain := roundTrip(t, "plain", text, cfg); len(primed) >= len(plain) {
		t.Errorf("primed %d bytes, without the primer %d", len(primed), len(plain))
	}
	other := cfg
	other.WordCode = 0
	out, err := Encode(text, other)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Decode(out, len(text), cfg); err == nil && bytes.Equal(got, text) {
		t.Error("a stream without the word code decoded with it")
	}
	if _, err := EncodePrior(text, cfg, nil); err != nil {
		t.Error(err)
	}
}

// decodeWords is the reference inverse of encodeWords (the model
// decodes with wordDecoder and the same check): it appends to dst the text whose
// transform is x, or fails if x is not the transform of any text.
func (d *wordDict) decodeWords(dst, x []byte) ([]byte, error) {
	w := wordDecoder{d: d}
	k := len(dst)
	for _, c := range x {
		dst = w.put(dst, c)
	}
	if w.bad || !w.idle() || !bytes.Equal(d.encodeWords(nil, dst[k:]), x) {
		return dst[:k], errWordCode
	}
	return dst, nil
}
