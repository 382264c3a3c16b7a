package deflatere

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

var statCat int

func init() { setCat = func(c int) { statCat = c } }

var statBits [16]float64
var statN [16]int

func TestStats(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("DEFLATE_FILES")) // PNG or gzip
	if len(files) == 0 {
		t.Skip()
	}
	statHook = func(p0 uint16, bit int) {
		p := float64(p0) / 65536
		if bit == 1 {
			p = 1 - p
		}
		statBits[statCat] -= math.Log2(p)
		statN[statCat]++
	}
	defer func() { statHook = nil }()
	for _, f := range files {
		statBits, statN = [16]float64{}, [16]int{}
		data, s := loadStream(t, f)
		var e TokenEncoder
		if err := e.Encode(s, data, HeadersCoded); err != nil {
			t.Fatal(err)
		}
		tb, _ := e.Finish()
		t.Logf("%s tokens=%d", filepath.Base(f), len(tb))
		names := []string{"flagM0", "flagDPlit", "flagDPmatch", "len", "dist"}
		for i, n := range names {
			t.Logf("   %-12s n=%8d bytes=%8.0f", n, statN[i], statBits[i]/8)
		}
	}
}

func init() {
	if v := os.Getenv("PNGRE_ROUNDS"); v != "" {
		refineRounds = int(v[0] - '0')
	}
}
