package bz2re

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
)

// xorshift is a fixed generator so fixtures never depend on math/rand.
type xorshift uint64

func (x *xorshift) next() uint64 {
	*x ^= *x << 13
	*x ^= *x >> 7
	*x ^= *x << 17
	return uint64(*x)
}

func randomBytes(n int, seed uint64) []byte {
	x := xorshift(seed<<1 | 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(x.next() >> 32)
	}
	return b
}

// textLike gives n bytes of words without runs of 3 or more and without 'z'.
func textLike(n int, seed uint64) []byte {
	words := []string{"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so", "no"}
	x := xorshift(seed<<1 | 1)
	var b []byte
	for len(b) < n {
		b = append(b, words[x.next()%uint64(len(words))]...)
		switch x.next() % 12 {
		case 0:
			b = append(b, ".\n"...)
		case 1:
			b = append(b, ", "...)
		default:
			b = append(b, ' ')
		}
	}
	return b[:n]
}

func haveBzip2(t testing.TB) {
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 not on PATH")
	}
}

func sysBzip2(t testing.TB, data []byte, level int) []byte {
	haveBzip2(t)
	cmd := exec.Command("bzip2", fmt.Sprintf("-%d", level), "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// roundTrip checks Split and Encode on one .bz2 file.
func roundTrip(t testing.TB, name string, src, want []byte) Params {
	t.Helper()
	raw, p, err := Split(src, 1<<31)
	if err != nil {
		t.Errorf("%s: Split: %v", name, err)
		return p
	}
	if want != nil && !bytes.Equal(raw, want) {
		t.Errorf("%s: Split returned %d bytes that differ from the input (%d bytes)", name, len(raw), len(want))
	}
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatalf("%s: MarshalBinary: %v", name, err)
	}
	var q Params
	if err := q.UnmarshalBinary(b); err != nil {
		t.Fatalf("%s: UnmarshalBinary: %v", name, err)
	}
	out, err := Encode(raw, q)
	if err != nil {
		t.Errorf("%s: Encode: %v", name, err)
	} else if !bytes.Equal(out, src) {
		t.Errorf("%s: Encode output differs at byte %d", name, mismatchAt(out, src))
	}
	return p
}
