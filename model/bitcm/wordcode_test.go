package bitcm

import (
	"bytes"
	"errors"
	"testing"
)

// The word code's transform: words of the dictionary in every case it
// codes become codes, other bytes stay (high ones escaped), and
// decodeWords gives the text back; the incremental decoder agrees.
func TestWordCode(t *testing.T) {
	d := textWords()
	if len(d.words) != wcMaxWords {
		t.Fatalf("dictionary of %d words, want %d", len(d.words), wcMaxWords)
	}
	for _, c := range []struct {
		in   string
		want []byte // nil: just the round trip
	}{
		{"the", []byte{wcOne + 0}},
		{"The THE tHe", []byte{wcCapital, wcOne, ' ', wcUpper, wcOne, ' ', 't', 'H', 'e'}},
		{"theory", nil},
		{"a I", []byte("a I")},
		{"x\x80\xff\x00", []byte{'x', wcEscape, 0x80, wcEscape, 0xff, 0}},
		{"0xff, func(err error) {return nil}", nil},
		{"Straße naïve café", nil},
		{"", []byte{}},
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
	// A two-byte code, a long text of every kind.
	src := append(sampleText(20000, 3), randomBytes(2000, 4)...)
	src = append(src, "Implementation implementation IMPLEMENTATION"...)
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
	} {
		if got, err := d.decodeWords(nil, bad); !errors.Is(err, errWordCode) {
			t.Errorf("%x: %q, %v", bad, got, err)
		}
	}
}

func FuzzWordCode(f *testing.F) {
	d := textWords()
	for _, s := range [][]byte{nil, []byte("The the THE theory"), sampleText(500, 2), randomBytes(100, 3)} {
		f.Add(s)
		f.Add(d.encodeWords(nil, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Every text comes back.
		x := d.encodeWords(nil, b)
		if back, err := d.decodeWords(nil, x); err != nil || !bytes.Equal(back, b) {
			t.Fatalf("%q: round trip %q, %v", b, back, err)
		}
		// Anything accepted is exactly the transform of what it decoded to.
		if got, err := d.decodeWords(nil, b); err == nil && !bytes.Equal(d.encodeWords(nil, got), b) {
			t.Fatalf("accepted %x, not the transform of %q", b, got)
		}
	})
}

// The version 5 model codes through the word code: text, text with a
// primer, and bytes whose transform is longer than they are (every high
// byte escaped) come back; a stream coded without the word code does
// not decode as one with it.
func TestWordCodeModel(t *testing.T) {
	cfg := Text5ConfigCold()
	text := append(sampleText(30000, 8), " Über naïve THE The"...)
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
	other.WordCode = false
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
