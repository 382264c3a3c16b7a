package deflatere

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// repetitive is data of long and short repeats, runs and noise over a
// small alphabet (many equal costs: ties everywhere).
func repetitive(r *rand.Rand, n, alpha int) []byte {
	d := make([]byte, 0, n)
	for len(d) < n {
		switch r.IntN(4) {
		case 0: // a run
			b := byte(r.IntN(alpha))
			for k := r.IntN(600); k > 0; k-- {
				d = append(d, b)
			}
		case 1, 2: // a copy from up to 40 KB back
			if len(d) > 0 {
				s := r.IntN(len(d))
				for k, l := 0, 1+r.IntN(400); k < l && s+k < len(d); k++ {
					d = append(d, d[s+k])
				}
			}
		default:
			for k := r.IntN(50); k > 0; k-- {
				d = append(d, byte(r.IntN(alpha)))
			}
		}
	}
	return d[:n]
}

// checkParse compares parseRuns with parseLengths over the blocks of data
// under c.
func checkParse(t testing.TB, data []byte, bl int, c *costs) {
	m := newMatcher(data)
	var fast, slow plan
	for s := 0; s < len(data); s += bl {
		e := min(len(data), s+bl)
		fast.findAll(m, s, e)
		slow = fast
		slow.cost, slow.choice, slow.margin = nil, nil, nil
		fast.lengths, slow.lengths = 1<<62, 0 // parse: parseRuns, parseLengths
		fast.parse(data, c)
		slow.parse(data, c)
		if !slices.Equal(fast.choice, slow.choice) || !slices.Equal(fast.margin, slow.margin) || !slices.Equal(fast.cost, slow.cost) {
			for i := len(fast.choice) - 1; i >= 0; i-- {
				if fast.choice[i] != slow.choice[i] || fast.cost[i] != slow.cost[i] {
					t.Fatalf("block at %d, position %d of %d: choice %x cost %d, reference %x cost %d; records %x", s, i, e-s, fast.choice[i], fast.cost[i], slow.choice[i], slow.cost[i], fast.recs[fast.off[i]:fast.off[i+1]])
				}
			}
			t.Fatalf("block at %d: margins differ", s)
		}
	}
}

// randomCosts are costs of random code lengths (some symbols without a
// code) or, with flat, of equal lengths (ties).
func randomCosts(r *rand.Rand, flat bool) *costs {
	var b block
	for i := range b.lit {
		b.lit[i] = uint8(1 + r.IntN(15))
		if flat {
			b.lit[i] = 8
		} else if r.IntN(8) == 0 {
			b.lit[i] = 0
		}
	}
	for i := range b.dist {
		b.dist[i] = uint8(1 + r.IntN(15))
		if flat {
			b.dist[i] = 5
		} else if r.IntN(8) == 0 {
			b.dist[i] = 0
		}
	}
	return codeCosts(&b)
}

func TestParseRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 6; trial++ {
		data := repetitive(r, 20000+r.IntN(60000), 1+r.IntN(20))
		bl := 1 + r.IntN(30000)
		checkParse(t, data, bl, randomCosts(r, trial%3 == 0))
		checkParse(t, data, bl, codeCosts(&allCodes))
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("abcabcabcabcaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabcabcabd"), uint64(1), uint16(100))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, bl uint16) {
		if len(data) == 0 || len(data) > 1<<16 {
			return
		}
		r := rand.New(rand.NewPCG(seed, 7))
		// stretch the input into repeats so that long matches occur
		d := repetitive(r, 4*len(data), 256)
		copy(d, data)
		checkParse(t, d, 1+int(bl), randomCosts(r, seed%2 == 0))
	})
}
