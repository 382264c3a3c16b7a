package bz2re

import (
	"bytes"
	"math/rand"
	"testing"
	"time"
)

func TestPeriodicTmp(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	type tc struct {
		name  string
		data  []byte
		level int
	}
	var cases []tc
	rep := func(unit []byte, n int) []byte { return bytes.Repeat(unit, n) }
	for _, n := range []int{10, 100, 1000, 2000, 5000, 9999, 10000, 20000, 100000, 899981} {
		cases = append(cases, tc{"ab", rep([]byte("ab"), n/2), 9})
		cases = append(cases, tc{"abc", rep([]byte("abcab"), n/5), 9})
		u := make([]byte, 7)
		rng.Read(u)
		cases = append(cases, tc{"rnd7", rep(u, n/7), 9})
	}
	for _, n := range []int{1000, 5000, 20000, 100000, 450000} {
		u := make([]byte, n)
		rng.Read(u)
		cases = append(cases, tc{"2copies", rep(u, 2), 9})
		cases = append(cases, tc{"3copies", rep(u, 3), 9})
	}
	for _, n := range []int{255 * 4, 255 * 40, 255 * 2000, 255 * 5000, 1 << 20, 10 << 20} {
		cases = append(cases, tc{"zeros", make([]byte, n), 9})
		cases = append(cases, tc{"fb", rep([]byte{0xfb}, n), 9})
		cases = append(cases, tc{"ff", rep([]byte{0xff}, n), 1})
	}
	for _, c := range cases {
		src := sysBzip2(t, c.data, c.level)
		t0 := time.Now()
		raw, p, err := Split(src, 1<<30)
		if err != nil {
			t.Errorf("%s %d: %v", c.name, len(c.data), err)
			continue
		}
		if !bytes.Equal(raw, c.data) {
			t.Errorf("raw")
		}
		out, err := Encode(raw, p)
		if err != nil || !bytes.Equal(out, src) {
			t.Errorf("%s %d: encode %v", c.name, len(c.data), err)
		}
		t.Logf("%s %d: rot=%v %v", c.name, len(c.data), p.Rotations, time.Since(t0))
	}
}
