package txtctx

import (
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
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
	mNoExcl  = flag.Bool("noexcl", false, "disable exclusion bit")
	mTB      = flag.Int("tb", 0, "override TableBits")
	mShrink  = flag.Int("shrink", -1, "slot shrink")
	mGen     = flag.Bool("gen", false, "generate pretrained_data.go")
	mNoPre   = flag.Bool("nopre", false, "no pretrained init")
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
	c.NoExcl = *mNoExcl
	c.NoPretrain = *mNoPre
	if *mShrink >= 0 {
		slotShrink = uint(*mShrink)
	}
	if *mTB > 0 {
		c.TableBits = uint(*mTB)
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

// cpuTime is the process's user+system CPU time: the codec is single
// threaded, so this is robust against other jobs on the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type result struct {
	raw, coded int
	dur        time.Duration
}

func codeFile(t *testing.T, data []byte, seg int, cfg Config, verify bool) result {
	if seg <= 0 {
		seg = len(data)
	}
	var r result
	for off := 0; off < len(data); off += seg {
		end := min(off+seg, len(data))
		chunk := data[off:end]
		t0 := cpuTime()
		out, err := EncodeSegmentConfig(chunk, cfg)
		r.dur += cpuTime() - t0
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
	t.Logf("%-28s seg=%-8d raw=%9d coded=%8d bpb=%.4f  %.2f MB/s (CPU time)", name, seg, tot.raw, tot.coded,
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

// TestGenPretrained codes training text (files disjoint from the
// holdout) with one Mixer carried across files and writes its final
// weights to pretrained_data.go.
func TestGenPretrained(t *testing.T) {
	if !*mGen {
		t.Skip("use -gen")
	}
	cfg := DefaultConfig().normalized()
	cfg.NoPretrain = true
	files := []string{"Austen_Persuasion.txt", "Buchan_MrStandfast.txt", "Eliot_SilasMarner.txt",
		"Anne_of_Green_Gables.txt", "Doyle_TheValleyOfFear.txt"}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(trainDir, f))
	}
	root := filepath.Join(runtime.GOROOT(), "src")
	for _, f := range []string{"fmt/print.go", "go/parser/parser.go", "strconv/quote.go", "net/url/url.go", "encoding/json/decode.go"} {
		paths = append(paths, filepath.Join(root, f))
	}
	var x *Mixer
	for pass := 0; pass < 2; pass++ {
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			data = data[:min(len(data), 1<<18)]
			m := NewModel(len(data), cfg)
			if x == nil {
				x = NewMixer(m)
			}
			x.t = 0 // a new segment: the learning rate boost restarts, the weights carry over
			for _, y := range data {
				x.Predict(m)
				x.Update(m, y)
				m.Update(y)
			}
		}
	}
	b := make([]byte, 2*len(x.w))
	for i, v := range x.w {
		q := (v + 128) >> 8
		q = max(-32768, min(32767, q))
		b[2*i], b[2*i+1] = byte(q), byte(uint16(q)>>8)
	}
	src := fmt.Sprintf("// Code generated by TestGenPretrained; DO NOT EDIT.\n\npackage txtctx\n\nconst initKey = %q\n\nconst pretrainedData = %q\n",
		cfg.sourceKey(), base64.StdEncoding.EncodeToString(b))
	if err := os.WriteFile("pretrained_data.go", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEval measures the final configuration on the text eval set (run
// once at the end; never used for tuning).
func TestEval(t *testing.T) {
	if !*mEval {
		t.Skip("use -eval")
	}
	const dir = "/work/shared/data/text"
	list, err := os.ReadFile(filepath.Join(dir, "EVAL-TEXT.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, l := range strings.Split(string(list), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		files = append(files, l)
	}
	cfg := DefaultConfig()
	type agg struct {
		raw, coded int
		dur        time.Duration
	}
	var corpora []string
	per := map[string]*agg{}
	var all agg
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		r := codeFile(t, data, *mSeg, cfg, true)
		c := strings.Split(f, "/")[0]
		if per[c] == nil {
			per[c] = &agg{}
			corpora = append(corpora, c)
		}
		per[c].raw += r.raw
		per[c].coded += r.coded
		all.raw += r.raw
		all.coded += r.coded
		all.dur += r.dur
		t.Logf("  %-32s %9d -> %8d  %.4f", f, r.raw, r.coded, 8*float64(r.coded)/float64(r.raw))
	}
	for _, c := range corpora {
		a := per[c]
		t.Logf("corpus %-18s raw=%9d coded=%8d bpb=%.4f", c, a.raw, a.coded, 8*float64(a.coded)/float64(a.raw))
	}
	t.Logf("EVAL seg=%d raw=%d coded=%d bpb=%.4f  encode %.3f MB/s (CPU time; round trips verified)", *mSeg, all.raw, all.coded,
		8*float64(all.coded)/float64(all.raw), float64(all.raw)/all.dur.Seconds()/1e6)
}
