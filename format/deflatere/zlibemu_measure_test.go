package deflatere

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var emuGlob = flag.String("emu-glob", "", "PNG or gzip files for TestMeasureZlibEmu")

// TestMeasureZlibEmu reports, per file and per zlib FLEVEL, the
// configuration chooseZlib finds and the tokens it mispredicts:
//
//	go test ./format/deflatere -run TestMeasureZlibEmu -v -emu-glob '/abs/dir/*.png'
func TestMeasureZlibEmu(t *testing.T) {
	if *emuGlob == "" {
		t.Skip("no -emu-glob")
	}
	files, _ := filepath.Glob(*emuGlob)
	sum := map[string][3]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		data, s, err := parseFile(b)
		if err != nil {
			t.Logf("%s: %v", f, err)
			continue
		}
		ntok := 0
		for _, tk := range s.toks {
			ntok += len(tk)
		}
		cfg, ok, _ := chooseZlib(s, s.toks, data, 0, 0)
		miss := ntok
		if ok {
			miss, _ = zlibMisses(s, s.toks, data, cfg, -1, 0, 0)
		}
		t.Logf("%s: %d tokens, emulated %v %+v, %d mispredicted", filepath.Base(f), ntok, ok, cfg, miss)
		k := fmt.Sprintf("flevel %d", s.zhdr[1]>>6)
		v := sum[k]
		sum[k] = [3]int{v[0] + 1, v[1] + miss, v[2] + ntok}
	}
	t.Logf("files, tokens mispredicted (or not emulated), tokens: %v", sum)
}
