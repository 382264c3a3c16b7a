package archive

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dcar-archiver/dcar/archive/codec"
	"github.com/dcar-archiver/dcar/format"
)

var zstdBound = flag.String("zstd-bound", "", "glob of files whose 4 MiB blocks TestZstdBound measures")

// TestZstdBound measures what the writer's cheap bound on the zstd
// fallback rests on: per 4 MiB block of each file given by -zstd-bound,
// the payload of zstd at levels 3 and 19 as dcar codes them, and the
// smallest ratio 19/3 seen (docs/ABLATIONS.md, "The zstd fallback
// check"). A model payload at most half of level 3's skips the level 19
// pass; the bound holds where 19/3 stays above 0.5.
func TestZstdBound(t *testing.T) {
	if *zstdBound == "" {
		t.Skip("-zstd-bound GLOB not given")
	}
	files, err := filepath.Glob(*zstdBound)
	if err != nil {
		t.Fatal(err)
	}
	z, _ := codec.Lookup(format.CodecZstd)
	low := 2.0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for o := 0; o < len(b); o += codec.DefaultBlockSize {
			blk := b[o:min(len(b), o+codec.DefaultBlockSize)]
			z3, err3 := z.Compress(nil, blk, codec.Block{Level: 3})
			z19, err19 := z.Compress(nil, blk, codec.Block{Level: 19})
			if err3 != nil || err19 != nil {
				t.Fatal(err3, err19)
			}
			r := float64(len(z19)) / float64(len(z3))
			low = min(low, r)
			fmt.Printf("%-40s %8d %9d %9d %.3f\n", filepath.Base(f), o, len(z3), len(z19), r)
		}
	}
	fmt.Printf("lowest 19/3: %.3f\n", low)
}
