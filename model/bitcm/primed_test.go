package bitcm

import (
	"bytes"
	"sync"
	"testing"
)

// A Primed copy of the primed model codes the same bits as reading the
// primer again, for every segment, in any order, concurrently, across
// table sizes (the copy follows the segment's length), with and without
// the word code, and it decodes; the copy it keeps is never written. One
// Primed serves both configurations, each its own state.
func TestPrimedSameBits(t *testing.T) {
	shared := new(Primed)
	primer := sampleText(30000, 5)
	// Segment lengths: three of one table size, one smaller (other
	// tables), then the first size again.
	lens := []int{20000, 17000, 24000, 900, 21000}
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"version 1", DefaultConfig()},
		{"version 8 (word code, tree, order-3 map)", Text8ConfigCold()},
	} {
		cfg := c.cfg
		cfg.TableBits = 14
		cfg.Primer = primer
		var want [][]byte
		var srcs [][]byte
		for i, n := range lens {
			k := n / 4 // a part of the primer, which the model should find
			src := append(sampleText(n-k, uint64(40+i)), primer[1000*i:1000*i+k]...)
			srcs = append(srcs, src)
			out, err := Encode(src, cfg)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, out)
		}
		pc := cfg
		pc.Primed = shared
		if Fingerprint(pc) != Fingerprint(cfg) {
			t.Fatalf("%s: Primed changes the fingerprint", c.name)
		}
		for round := range 2 {
			for i, src := range srcs {
				out, err := Encode(src, pc)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, want[i]) {
					t.Fatalf("%s: round %d: segment %d: %d bytes with Primed, %d without, or other bits", c.name, round, i, len(out), len(want[i]))
				}
			}
		}
		// Decoding, the last segment first, two at a time.
		var wg sync.WaitGroup
		errs := make([]error, len(srcs))
		for i := len(srcs) - 1; i >= 0; i-- {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 2 {
					out, err := Decode(want[i], len(srcs[i]), pc)
					if err == nil && !bytes.Equal(out, srcs[i]) {
						err = errDiffers
					}
					if err != nil {
						errs[i] = err
						return
					}
				}
			}()
			if i%2 == 0 {
				wg.Wait()
			}
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s: decoding segment %d with Primed: %v", c.name, i, err)
			}
		}
	}
}

type testError string

func (e testError) Error() string { return string(e) }

const errDiffers = testError("decoded bytes differ")
