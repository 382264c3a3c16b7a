package bz2re

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func addFixtureSeeds(f *testing.F, maxSize int) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.bz2"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) <= maxSize {
			f.Add(b)
		}
	}
}

func FuzzSplit(f *testing.F) {
	addFixtureSeeds(f, 8000)
	f.Add([]byte("BZh91AY&SY"))
	f.Fuzz(func(t *testing.T, src []byte) {
		raw, p, err := Split(src, 1<<20)
		if err != nil {
			for _, e := range []error{ErrCorrupt, ErrUnsupported, ErrNotReproducible, ErrTooLarge} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("error outside the sentinels: %v", err)
		}
		if len(raw) > 1<<20 {
			t.Fatalf("%d bytes beyond maxRaw", len(raw))
		}
		out, err := Encode(raw, p)
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("Split accepted a file Encode does not rebuild: %v", err)
		}
	})
}

// FuzzParams feeds any record UnmarshalBinary accepts to Encode, with raw
// bytes cycled from the input (periodic blocks and runs come easily that
// way). Whatever Encode writes must split back to the same raw bytes and
// re-encode to the same file.
func FuzzParams(f *testing.F) {
	for _, p := range []Params{
		{Streams: []Stream{{Level: 1, Len: 100}}},
		{Streams: []Stream{{Level: 9, Len: 3000, Legacy: true}, {Level: 2, Len: 0, Finish: true}}},
		{Streams: []Stream{{Level: 9, Len: 6000}}, Rotations: []Rotation{{Block: 0, Rank: 7}}},
	} {
		b, _ := p.MarshalBinary()
		f.Add(b, []byte("ab"))
		f.Add(b, []byte("hello, world\n"))
	}
	f.Fuzz(func(t *testing.T, rec, seed []byte) {
		var p Params
		if err := p.UnmarshalBinary(rec); err != nil {
			return
		}
		n := p.totalLen()
		if n > 1<<16 {
			return
		}
		raw := make([]byte, n)
		if len(seed) > 0 {
			for i := range raw {
				raw[i] = seed[i%len(seed)]
			}
		}
		out, err := Encode(raw, p)
		if err != nil {
			if !errors.Is(err, ErrParams) {
				t.Fatalf("Encode: %v", err)
			}
			return
		}
		raw2, p2, err := Split(out, 1<<20)
		if err != nil {
			t.Fatalf("Split of Encode's output: %v", err)
		}
		if !bytes.Equal(raw2, raw) {
			t.Fatal("raw bytes differ")
		}
		out2, err := Encode(raw2, p2)
		if err != nil || !bytes.Equal(out2, out) {
			t.Fatalf("re-encode differs: %v", err)
		}
	})
}
