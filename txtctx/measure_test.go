package txtctx

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	measure  = flag.Bool("measure", false, "run the measurement tests")
	mFiles   = flag.String("mfiles", "", "comma-separated files (default: held-out training text)")
	mSeg     = flag.Int("mseg", 1<<20, "segment size for measurement (0 = whole file)")
	mAblate  = flag.Bool("ablate", false, "per-component ablations")
	mEval    = flag.Bool("eval", false, "measure the eval set (final run only)")
	mMaxFile = flag.Int("mmax", 1<<20, "cap bytes per file (0 = whole)")
	mLR      = flag.Int("lr", 0, "override LR")
	mLRSel   = flag.Int("lrsel", -1, "override LRSel")
	mPerFile = flag.Bool("perfile", false, "per-file lines")
	mBoost   = flag.Int("boost", -1, "override Boost")
	mDecay   = flag.Int("decay", -1, "override DecayT")
	mSelOff  = flag.Bool("seloff", false, "no selector")
	mLimit   = flag.Int("limit", 0, "override Limit")
	mMatch   = flag.Int("match", -1, "override MatchMin")
	mOrders  = flag.String("orders", "", "override orders, e.g. 1,2,3")
)

func tuned() Config {
	selOff = *mSelOff
	c := DefaultConfig()
	if *mLR > 0 {
		c.LR = int32(*mLR)
	}
	if *mLRSel >= 0 {
		c.LRSel = int32(*mLRSel)
	}
	if *mBoost >= 0 {
		c.Boost = int32(*mBoost)
	}
	if *mDecay >= 0 {
		c.DecayT = int32(*mDecay)
	}
	if *mLimit > 0 {
		c.Limit = uint32(*mLimit)
	}
	if *mMatch >= 0 {
		c.MatchMin = *mMatch
	}
	if *mOrders != "" {
		c.Orders = nil
		for _, f := range strings.Split(*mOrders, ",") {
			var o int
			fmt.Sscan(f, &o)
			c.Orders = append(c.Orders, o)
		}
	}
	return c
}

const trainDir = "/work/shared/data/train-text/gutenberg-novels"

// holdout is a fixed set of training files used for tuning.
func holdout() []string {
	names := []string{"Carmilla.txt", "Doyle_TheSignoftheFour.txt", "Gilbert_SojournerTruth.txt", "Fitzgerald_TheGreatGatsby.txt"}
	var out []string
	for _, n := range names {
		out = append(out, filepath.Join(trainDir, n))
	}
	gr := filepath.Join(os.Getenv("GOROOT_SRC"), "")
	_ = gr
	return out
}

func goSrcFiles() []string {
	// A few fixed GOROOT source files (code-like text).
	root := "/usr/local/go/src"
	if r := os.Getenv("GOROOT"); r != "" {
		root = filepath.Join(r, "src")
	}
	return []string{filepath.Join(root, "net/http/server.go"), filepath.Join(root, "runtime/proc.go")}
}

type result struct{ raw, coded int; dur time.Duration }

func codeFile(t *testing.T, data []byte, seg int, cfg Config, verify bool) result {
	if seg <= 0 {
		seg = len(data)
	}
	var r result
	for off := 0; off < len(data); off += seg {
		end := min(off+seg, len(data))
		chunk := data[off:end]
		t0 := time.Now()
		out, err := EncodeSegmentConfig(chunk, cfg)
		r.dur += time.Since(t0)
		if err != nil {
			t.Fatal(err)
		}
		if verify {
			back, err := DecodeSegmentConfig(out, len(chunk), cfg)
			if err != nil || string(back) != string(chunk) {
				t.Fatalf("round trip failed: %v", err)
			}
		}
		r.raw += len(chunk)
		r.coded += len(out)
	}
	return r
}

func loadFiles(t *testing.T, files []string, max int) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if max > 0 && len(b) > max {
			b = b[:max]
		}
		m[f] = b
	}
	return m
}

func runSet(t *testing.T, name string, files []string, seg int, cfg Config) result {
	data := loadFiles(t, files, *mMaxFile)
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var tot result
	for _, k := range keys {
		r := codeFile(t, data[k], seg, cfg, false)
		if *mPerFile {
			t.Logf("  %-40s %8d -> %7d  %.4f", filepath.Base(k), r.raw, r.coded, 8*float64(r.coded)/float64(r.raw))
		}
		tot.raw += r.raw
		tot.coded += r.coded
		tot.dur += r.dur
	}
	t.Logf("%-28s seg=%-8d raw=%9d coded=%8d bpb=%.4f  %.2f MB/s", name, seg, tot.raw, tot.coded,
		8*float64(tot.coded)/float64(tot.raw), float64(tot.raw)/tot.dur.Seconds()/1e6)
	return tot
}

func TestMeasure(t *testing.T) {
	if !*measure {
		t.Skip("use -measure")
	}
	files := holdout()
	files = append(files, goSrcFiles()...)
	if *mFiles != "" {
		files = strings.Split(*mFiles, ",")
	}
	cfg := tuned()
	runSet(t, "default", files, *mSeg, cfg)
	if !*mAblate {
		return
	}
	for _, o := range cfg.Orders {
		c := cfg
		c.Orders = []int{o}
		c.Word, c.MatchMin = false, 0
		runSet(t, fmt.Sprintf("order-%d alone", o), files, *mSeg, c)
	}
	c := cfg
	c.Orders, c.Word = nil, false
	runSet(t, "match alone", files, *mSeg, c)
	c = cfg
	c.Orders, c.MatchMin = nil, 0
	runSet(t, "word alone", files, *mSeg, c)
	c = cfg
	c.MatchMin = 0
	runSet(t, "no match", files, *mSeg, c)
	c = cfg
	c.Word = false
	runSet(t, "no word", files, *mSeg, c)
}
