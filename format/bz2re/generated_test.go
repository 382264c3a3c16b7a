package bz2re

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runsBinary mixes random stretches with runs of every length, the
// inputs where the first RLE stage and block boundaries interact.
func runsBinary(n int, seed uint64) []byte {
	x := xorshift(seed<<1 | 1)
	b := make([]byte, 0, n+2000)
	for len(b) < n {
		r := x.next()
		switch r % 4 {
		case 0:
			b = append(b, randomBytes(int(r>>8%100)+1, r)...)
		case 1:
			c := byte(r >> 16)
			for k := int(r>>24%600) + 1; k > 0; k-- {
				b = append(b, c)
			}
		case 2:
			for k := int(r>>24%4) + 1; k > 0; k-- {
				b = append(b, 0)
			}
		default:
			for k := int(r >> 24 % 3000); k > 0; k-- {
				b = append(b, 0)
			}
		}
	}
	return b[:n]
}

// TestGenerated compresses varied inputs with the system bzip2 at every
// level, sizes straddling the block limit 100000*level-19, and checks
// that Split and Encode give the file back.
func TestGenerated(t *testing.T) {
	haveBzip2(t)
	for level := 1; level <= 9; level++ {
		if testing.Short() && level != 1 && level != 9 {
			continue
		}
		max := 100000*level - 19
		inputs := map[string][]byte{
			// random bytes have no runs: their RLE'd length is their length
			"random-max-1": randomBytes(max-1, uint64(level)),
			"random-max+1": randomBytes(max+1, uint64(level)), // full exactly at the end
			"text":         textLike(max+50000, uint64(level)),
			"runs":         runsBinary(max*3/2, uint64(level)),
			"small-runs":   runsBinary(20000, uint64(level)+100),
		}
		for name, in := range inputs {
			name := fmt.Sprintf("-%d/%s", level, name)
			src := sysBzip2(t, in, level)
			roundTrip(t, name, src, in)
		}
	}
}

// TestCorpus round-trips every .bz2 under the shared data directory.
func TestCorpus(t *testing.T) {
	root := "/work/shared/data"
	if testing.Short() {
		t.Skip("corpus skipped in -short mode")
	}
	var files []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".bz2") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no .bz2 files under %s", root)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p := roundTrip(t, f, src, nil)
			if !t.Failed() {
				b, _ := p.MarshalBinary()
				t.Logf("%s: reproduced, %d bytes of parameters %+v", f, len(b), p)
			}
		})
	}
}

// TestGeneratedSmall: many small inputs over small alphabets, where blocks
// use 2..5 tables and ties in table choice and code building are common.
func TestGeneratedSmall(t *testing.T) {
	haveBzip2(t)
	x := xorshift(12345)
	iters := 300
	if testing.Short() {
		iters = 50
	}
	for iter := 0; iter < iters; iter++ {
		r := x.next()
		n := int(r % 30000)
		alpha := int(r>>20%20) + 1
		var in []byte
		switch r >> 40 % 4 {
		case 0:
			in = make([]byte, n)
			for i := range in {
				in[i] = byte(x.next() % uint64(alpha))
			}
		case 1:
			in = runsBinary(n, r)
		case 2:
			in = textLike(n, r)
		default:
			// nearly periodic
			unit := randomBytes(int(r>>8%50)+1, r)
			for len(in) < n {
				in = append(in, unit...)
				if x.next()%7 == 0 {
					in = append(in, byte(x.next()))
				}
			}
		}
		level := int(r>>50%9) + 1
		roundTrip(t, fmt.Sprintf("#%d (%d bytes, -%d)", iter, len(in), level), sysBzip2(t, in, level), in)
	}
}
