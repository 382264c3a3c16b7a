package bz2re

import (
	"bytes"
	"fmt"
	"math/rand"
	"os/exec"
	"testing"
)

type zeroPlan struct{}

func (zeroPlan) rank(blk int, block []byte, group, k int) (int, error) { return 0, nil }
func (zeroPlan) check([]byte) error { return nil }
func (zeroPlan) mergeTail(stream, blocksDone int) bool          { return false }

func sysBzip2(t testing.TB, data []byte, level int) []byte {
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 not on PATH")
	}
	cmd := exec.Command("bzip2", fmt.Sprintf("-%d", level), "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestQuick(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	text := []byte{}
	words := []string{"the ", "quick ", "brown ", "fox ", "jumps\n", "over ", "lazy ", "dog. "}
	for len(text) < 300000 {
		text = append(text, words[rng.Intn(len(words))]...)
	}
	rnd := make([]byte, 50000)
	rng.Read(rnd)
	inputs := map[string][]byte{"empty": nil, "a": []byte("a"), "text": text, "rnd": rnd, "hello": []byte("hello, hello world\n")}
	for name, in := range inputs {
		for _, level := range []int{1, 9} {
			want := sysBzip2(t, in, level)
			e := encoder{maxLen: maxCodeLen, plan: zeroPlan{}}
			if err := e.stream(0, in, level); err != nil {
				t.Fatal(err)
			}
			got := e.w.out
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("%s -%d: differ at %d (len %d vs %d)", name, level, i, len(got), len(want))
			}
		}
	}
}

func TestQuickSplit(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	var text []byte
	words := []string{"the ", "quick ", "brown ", "fox ", "jumps\n", "over ", "lazy ", "dog. "}
	for len(text) < 250000 {
		text = append(text, words[rng.Intn(len(words))]...)
	}
	for _, in := range [][]byte{nil, []byte("a"), text, bytes.Repeat([]byte{0}, 1000), bytes.Repeat([]byte("ab"), 3000)} {
		for _, level := range []int{1, 2, 9} {
			src := sysBzip2(t, in, level)
			raw, p, err := Split(src, 1<<30)
			if err != nil {
				t.Errorf("len %d -%d: %v", len(in), level, err)
				continue
			}
			if !bytes.Equal(raw, in) {
				t.Errorf("raw differs")
			}
			out, err := Encode(raw, p)
			if err != nil || !bytes.Equal(out, src) {
				t.Errorf("encode: %v", err)
			}
			t.Logf("len %d -%d: %+v", len(in), level, p)
		}
	}
}
