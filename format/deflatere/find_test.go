package deflatere

import (
	"math/rand"
	"os"
	"slices"
	"testing"
)

// findRef is find without its run skip: the walk entry by entry, as the
// format defines it. It returns the records and the steps taken.
func (m *matcher) findRef(p, limit int, out []uint32) ([]uint32, int) {
	if limit < minMatch {
		return out, 0
	}
	d := m.data
	best := minMatch - 1
	k := 0
	last := p
	c := m.head[0][hashKey(d, p, 0)]
	steps := 0
	for ; c >= 0 && p-int(c) <= window && steps < maxSteps; steps++ {
		ci := int(c)
		if ci < last {
			last = ci
			if d[ci+best] == d[p+best] {
				if l := matchLen(d, ci, p, limit); l > best {
					best = l
					out = append(out, uint32(l)<<16|uint32(p-ci))
					if l == limit {
						break
					}
					if nk := int(keyFor[l+1]); nk != k {
						k = nk
						c = m.head[k][hashKey(d, p, k)]
						continue
					}
				}
			}
		}
		c = m.prev[k][ci&wmask]
	}
	return out, steps
}

// runData is data of runs: runs of a few byte values (zero most often),
// of lengths from 1 to about 700, between short stretches of other
// bytes and repeats of earlier stretches, as a screenshot's filtered
// rows have.
func runData(rng *rand.Rand, n int) []byte {
	d := make([]byte, 0, n+1024)
	for len(d) < n {
		switch rng.Intn(6) {
		case 0, 1, 2:
			v := byte(0)
			if rng.Intn(3) == 0 {
				v = byte(rng.Intn(4)) * 85
			}
			l := 1 + rng.Intn(40)
			if rng.Intn(3) == 0 {
				l = 1 + rng.Intn(700)
			}
			for range l {
				d = append(d, v)
			}
		case 3:
			for range 1 + rng.Intn(12) {
				d = append(d, byte(rng.Intn(256)))
			}
		default:
			if len(d) > 0 {
				a := rng.Intn(len(d))
				l := 1 + rng.Intn(min(300, len(d)-a))
				d = append(d, d[a:a+l]...)
			}
		}
	}
	return d[:n]
}

// checkFind compares find with findRef at every position of data, with
// blocks ending at ends (limits below 258 near each end).
func checkFind(t *testing.T, name string, data []byte, ends []int) {
	t.Helper()
	m := newMatcher(data)
	var a, b []uint32
	e := 0
	for p := range data {
		for e <= p {
			if len(ends) > 0 {
				e, ends = ends[0], ends[1:]
			} else {
				e = len(data)
			}
		}
		m.insertUpTo(p)
		s0 := m.steps
		a = m.find(p, min(maxMatch, e-p), a[:0])
		var steps int
		b, steps = m.findRef(p, min(maxMatch, e-p), b[:0])
		if got := int(m.steps - s0); !slices.Equal(a, b) || got != steps {
			t.Fatalf("%s: position %d (block end %d): find %v in %d steps, the entry-by-entry walk %v in %d", name, p, e, a, got, b, steps)
		}
	}
}

// TestFindRuns: find's run skip gives the records and step counts of the
// entry-by-entry walk (both are part of the format).
func TestFindRuns(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := range 8 {
		n := 10000 + rng.Intn(50000)
		if testing.Short() {
			n /= 4
		}
		d := runData(rng, n)
		var ends []int
		for e := 0; e < n; {
			e += 1 + rng.Intn(n/3+1)
			ends = append(ends, min(e, n))
		}
		checkFind(t, "runs "+string(rune('a'+i)), d, ends)
	}
	// One value throughout, and two alternating runs: the longest walks.
	one := make([]byte, 40000)
	checkFind(t, "zeros", one, nil)
	for i := range one {
		one[i] = byte(i / 300 % 2)
	}
	checkFind(t, "alternating", one, []int{33000, 33001, 33005, 40000})
	// Data from outside the tree, for measuring (not needed to pass).
	if f := os.Getenv("DEFLATERE_FIND_DATA"); f != "" {
		d, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFind(t, f, d, nil)
	}
}

// FuzzFind compares find with the entry-by-entry walk on any data, cut
// into blocks at the first byte's multiples.
func FuzzFind(f *testing.F) {
	f.Add([]byte("aaaaaaaaaabaaaaaaaaaaaaaabaaaaaaaaaaaaacaaaaaaaaab"))
	f.Add(make([]byte, 1000))
	f.Add(runData(rand.New(rand.NewSource(2)), 5000))
	f.Fuzz(func(t *testing.T, d []byte) {
		if len(d) == 0 || len(d) > 1<<16 {
			return
		}
		var ends []int
		if step := int(d[0]) * 7; step > 0 {
			for e := step; e < len(d); e += step {
				ends = append(ends, e)
			}
		}
		checkFind(t, "fuzz", d, ends)
	})
}
