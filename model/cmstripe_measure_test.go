package model

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/model/bitcm"
)

var (
	cmMeasure = flag.Int("cm-measure", 0, "TestMeasureCM: number of hold-out training photos to code (0: skip)")
	cmLimit   = flag.Int("cm-limit", -1, "override SymbolConfig.Limit")
	cmLR      = flag.Int("cm-lr", -1, "override SymbolConfig.MixLR")
	cmLREnd   = flag.Int("cm-lrend", -1, "override SymbolConfig.MixLREnd")
	cmFLR     = flag.Int("cm-flr", -1, "override SymbolConfig.FinalLR")
	cmFLREnd  = flag.Int("cm-flrend", -1, "override SymbolConfig.FinalLREnd")
	cmPPM     = flag.String("cm-ppm", "", "TestMeasureCM: also code these PPM files (glob)")
	cmQuick   = flag.Bool("cm-quick", false, "TestMeasureCM: the CM stage's encoder only (no baseline, no round trip)")
	cmDrop    = flag.String("cm-drop", "", "ablation: zero these contexts, e.g. 1,5 (encode only, no round trip)")
	cmOff     = flag.String("cm-off", "", "ablation: prior, neighbours, channels or wide (encode only, no round trip)")
)

// TestMeasureCM compares EncodeStripe and EncodeStripeCM on hold-out
// training photos (512x384 centre crops), round trip checked.
func TestMeasureCM(t *testing.T) {
	if *cmMeasure == 0 {
		t.Skip("-cm-measure N")
	}
	all, _ := filepath.Glob("/work/shared/data/train-images/wikipedia-photos/*.png")
	sort.Strings(all)
	var files []string
	for i := 2; i < len(all); i += 4 {
		files = append(files, all[i])
	}
	files = files[:min(len(files), *cmMeasure)]
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	defer func(c bitcm.SymbolConfig) { symbolConfig = c }(symbolConfig)
	if *cmLimit >= 0 {
		symbolConfig.Limit = uint32(*cmLimit)
	}
	if *cmLR >= 0 {
		symbolConfig.MixLR = int32(*cmLR)
	}
	if *cmLREnd >= 0 {
		symbolConfig.MixLREnd = int32(*cmLREnd)
	}
	if *cmFLR >= 0 {
		symbolConfig.FinalLR = int32(*cmFLR)
	}
	if *cmFLREnd >= 0 {
		symbolConfig.FinalLREnd = int32(*cmFLREnd)
	}
	ablated := *cmOff != "" || *cmDrop != ""
	for _, f := range strings.Split(*cmDrop, ",") {
		if i, err := strconv.Atoi(f); err == nil {
			cmAblate.drop = append(cmAblate.drop, i)
		}
	}
	switch g, ok := pixelContextGroups[*cmOff]; {
	case *cmOff == "":
	case *cmOff == "prior":
		cmAblate.noPrior = true
	case ok:
		cmAblate.drop = append(cmAblate.drop, g...)
	default:
		t.Fatalf("-cm-off %q", *cmOff)
	}
	defer func() { cmAblate.noPrior, cmAblate.drop = false, nil }()
	t.Logf("%+v, off: %q", symbolConfig, *cmOff)
	var n, b0, b1 int
	var t0, t1 time.Duration
	ppms, _ := filepath.Glob(*cmPPM)
	for _, f := range append(files, ppms...) {
		var px []byte
		var w, h int
		if filepath.Ext(f) == ".ppm" {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			l, _, err := pixels.Parse(data)
			if err != nil {
				t.Fatal(err)
			}
			px, w, h = data[l.Rows[0]:], l.W, l.H
		} else if px, w, h, err = pixels.LoadPNGRGB(f, 512, 384); err != nil {
			t.Fatal(err)
		}
		s := time.Now()
		var a []byte
		if !*cmQuick {
			if a, err = m.Net.EncodeStripe(nil, px, w, h, 3); err != nil {
				t.Fatal(err)
			}
		}
		t0 += time.Since(s)
		s = time.Now()
		c, err := m.Net.EncodeStripeCM(nil, px, w, h, 3)
		if err != nil {
			t.Fatal(err)
		}
		t1 += time.Since(s)
		if !ablated && !*cmQuick { // the decoder has no ablation switches
			got, err := m.Net.DecodeStripeCM(c, w, h, 3)
			if err != nil || !bytes.Equal(got, px) {
				t.Fatalf("%s: CM round trip failed: %v", f, err)
			}
		}
		n += len(px)
		b0 += len(a)
		b1 += len(c)
		t.Logf("%s: %.4f -> %.4f bpsp (%d -> %d bytes)", filepath.Base(f), 8*float64(len(a))/float64(len(px)), 8*float64(len(c))/float64(len(px)), len(a), len(c))
	}
	t.Logf("all: %.4f -> %.4f bpsp (%+.2f %%); %.2f -> %.2f us/sub-pixel (encode)", 8*float64(b0)/float64(n), 8*float64(b1)/float64(n),
		100*(float64(b1)/float64(b0)-1), float64(t0.Microseconds())/float64(n), float64(t1.Microseconds())/float64(n))
}
