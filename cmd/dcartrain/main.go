// Command dcartrain trains, measures and exports dcar's network stage:
// the float32 networks of package model/train, quantised into the
// integer networks of package model that the archiver ships. Run it
// from the repository root: logs and checkpoints go to -dir
// (model/runs), training and hold-out data come from /work/shared/data
// (and, for text, GOROOT's sources).
//
// The unified image+text network (unified.go), trained on top of an
// image network:
//
//	dcartrain -unified -run uni96 -init model/runs/rec96b.ckpt -h 96 -minutes 55  # joint training
//	dcartrain -unified -run uni96 -resume -minutes 20                             # continue the run's checkpoint
//	dcartrain -load-unified model/runs/uni96.ckpt -eval text                      # code the text hold-out
//	dcartrain -load-unified model/runs/uni96.ckpt -eval holdout -int              # its image network on the hold-out crops
//	dcartrain -load-unified model/runs/uni96.ckpt -export model/weights/X.dcw     # unified weight file
//
// A weight file stands in for its checkpoint (its networks dequantised,
// train.FromDual): the shipped network's export flags write it back
// byte for byte, and a run can start from it:
//
//	dcartrain -load-unified model/weights/uni96b-a.dcw -save-unified model/runs/ft.ckpt  # the shipped network, trainable
//	dcartrain -unified -run ft -resume -h 96 -minutes 10                                   # fine-tune it
//
// The image network alone:
//
//	dcartrain -run rec96b -h 96 -rec -minutes 12                    # train, log to model/runs/rec96b.log
//	dcartrain -eval holdout -load model/runs/rec96b.ckpt -int        # CE + real coding on the hold-out crops
//	dcartrain -eval kodak -load model/runs/rec96b.ckpt              # once, at the end
//	dcartrain -load model/runs/rec96b.ckpt -export model/weights/X.dcw  # image-only weight file
//
// The text model's warm start (package model/bitcm, Text4Config; with
// -warm-text-version 6, 5, 3 or 2 the version 6, 5, 3 or 2 model's,
// Text6Config, Text5Config, Text3Config, TextConfig):
//
//	sh docs/warm-text.sh /tmp/warm-text
//	dcartrain -tree-counts model/bitcm/treecounts.go /tmp/warm-text   # the version 4 code tree's weights
//	sh docs/word-dict.sh /tmp/word-dict && dcartrain -word-dict model/bitcm/words6.txt /tmp/word-dict/*   # the word code's dictionary (version 6)
//	dcartrain -warm-text model/bitcm/warm-text4.dcwarm.zst /tmp/warm-text
//	dcartrain -warm-text-version 6 -warm-text model/bitcm/warm-text6.dcwarm.zst /tmp/warm-text
//	dcartrain -warm-text-version 5 -warm-text model/bitcm/warm-text5.dcwarm.zst /tmp/warm-text
//	dcartrain -warm-text-version 3 -warm-text model/bitcm/warm-text3.dcwarm.zst /tmp/warm-text
//	dcartrain -warm-text-version 3 -warm-text-prior model/weights/uni96b-a.textcm3.dcwarm.zst /tmp/warm-text  # with the network (model-text)
//
// -steps N (with -unified) trains N steps instead of -minutes; results
// and the commands behind them: model/RESULTS.md.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/dcar-archiver/dcar/format/pixels"
	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/imgctx"
	"github.com/dcar-archiver/dcar/model/train"
)

var (
	runName   = flag.String("run", "mlp", "run name (log and checkpoint under -dir)")
	dir       = flag.String("dir", "model/runs", "run directory")
	hid       = flag.Int("h", 64, "hidden size")
	rec       = flag.Bool("rec", false, "add the RWKV-7-style time-mix")
	minutes   = flag.Float64("minutes", 10, "training time budget")
	batch     = flag.Int("batch", 32, "sequences per step")
	seqLen    = flag.Int("seq", 96, "sequence length (sub-pixels) for training and chunked inference")
	lr        = flag.Float64("lr", 2e-3, "peak learning rate")
	wd        = flag.Float64("wd", 0.01, "weight decay")
	rowEvery  = flag.Int("rows", 16, "keep one training row in this many")
	valEvery  = flag.Int("val-rows", 4, "periodic validation: one hold-out row in this many")
	evalSec   = flag.Float64("eval-every", 120, "seconds between validations")
	workers   = flag.Int("j", 2, "feature-extraction workers")
	evalSet   = flag.String("eval", "", "evaluate -load (or -load-unified) on holdout or kodak, or -load-unified's text network on text (no training)")
	load      = flag.String("load", "", "checkpoint to evaluate")
	initFrom  = flag.String("init", "", "start training from this checkpoint's weights (fresh optimiser and schedule)")
	intEval   = flag.Bool("int", false, "with -eval: also code with the integer network quantised from -load (decoded back and compared)")
	export    = flag.String("export", "", "with -load or -load-unified: quantise and write the integer weight file here")
	online    = flag.String("online", "", "with -eval holdout -load: compare CE with online head adaptation at these learning rates, e.g. 0.01,0.001 (bias,matrix)")
	adapt     = flag.Uint("adapt", 0, "with -int/-export: online head-bias adaptation shift (0 = off)")
	adaptHead = flag.Float64("adapt-head", 0, "with -int/-export: online head-matrix adaptation learning rate (0 = off)")
	crop      = flag.String("crop", "", "with -eval holdout: centre crop WxH instead of 512x384")
	adaptCh   = flag.Bool("adapt-ch", false, "with -int/-export: one adapted head bias per colour channel")
	intSeq    = flag.Int("int-seq", 0, "with -int/-export: state-reset period of the integer network (default: -seq)")
	rowOff    = flag.Int("row-off", 0, "shift of the recorded training rows (another value = other rows of the same images)")
	warmup    = flag.Int("warmup", 100, "learning-rate warm-up steps")
	bench     = flag.Bool("bench", false, "with -load: time single-sample inference")
	seed      = flag.Uint64("seed", 1, "seed")
	imageDir  = flag.String("image-dir", "/work/shared/data/train-images/wikipedia-photos", "training images (PNG; every 4th from the third, up to 8, held out)")
	grey      = flag.Bool("grey", false, "train and evaluate on the images' luma (one channel) instead of RGB")
	trainCW   = flag.Int("train-cw", 1024, "training centre-crop width (0 = whole)")
	trainCH   = flag.Int("train-ch", 512, "training centre-crop height (0 = whole)")
)

func loadRGB(path string, cw, chh int) ([]byte, int, int, error) {
	pix, w, h, err := pixels.LoadPNGRGB(path, cw, chh)
	if err != nil || !*grey {
		return pix, w, h, err
	}
	// -grey: the luma of each pixel (ITU-R BT.601 weights), one channel
	g := make([]byte, w*h)
	for i := range g {
		r, gr, b := int(pix[3*i]), int(pix[3*i+1]), int(pix[3*i+2])
		g[i] = byte((299*r + 587*gr + 114*b + 500) / 1000)
	}
	return g, w, h, nil
}

// nch is the channels of the images loadRGB returns.
func nch() int {
	if *grey {
		return 1
	}
	return 3
}

// split returns the training files and the 8 hold-out files of
// -image-dir (every 4th starting with the third; for wikipedia-photos,
// the hold-out of imgctx's measurement).
func split() (train, hold []string) {
	all, _ := filepath.Glob(filepath.Join(*imageDir, "*.png"))
	sort.Strings(all)
	for i, f := range all {
		if i >= 2 && (i-2)%4 == 0 {
			hold = append(hold, f)
		} else {
			train = append(train, f)
		}
	}
	if len(hold) > 8 {
		hold = hold[:8]
	}
	return
}

type job struct {
	file   string
	cw, ch int
	keep   func(y int) bool
}

func extractAll(jobs []job) (*train.Set, error) {
	return extractParallel(len(jobs), func(i int) (*train.Set, error) {
		j := jobs[i]
		pix, w, h, err := loadRGB(j.file, j.cw, j.ch)
		if err != nil {
			return nil, err
		}
		return train.Extract(pix, w, h, nch(), j.keep)
	})
}

// extractParallel runs extract(0..n-1) on -j workers and joins the sets.
func extractParallel(n int, extract func(i int) (*train.Set, error)) (*train.Set, error) {
	sets := make([]*train.Set, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, *workers)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sets[i], errs[i] = extract(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return train.Concat(sets), nil
}

func main() {
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: dcartrain [flags]: train (-run, -unified), evaluate (-eval with -load or -load-unified) or export (-export) the networks of package model/train; examples: go doc ./cmd/dcartrain")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *wordDictOut != "" {
		if flag.NArg() == 0 {
			log.Fatal("dcartrain: -word-dict OUT needs one or more corpus directories")
		}
		writeWordDict(*wordDictOut, flag.Args())
		return
	}
	if *treeCountsOut != "" {
		if flag.NArg() != 1 {
			log.Fatal("dcartrain: -tree-counts OUT needs one training directory")
		}
		writeTreeCounts(*treeCountsOut, flag.Arg(0))
		return
	}
	if *warmTextOut != "" || *warmPriorOut != "" {
		if flag.NArg() != 1 {
			log.Fatal("dcartrain: -warm-text OUT and -warm-text-prior OUT need one training directory")
		}
		if *warmTextOut != "" {
			trainWarmText(*warmTextOut, flag.Arg(0), false)
		}
		if *warmPriorOut != "" {
			trainWarmText(*warmPriorOut, flag.Arg(0), true)
		}
		return
	}
	if *evalSet != "" || *loadU != "" || *export != "" || *bench || *online != "" {
		evaluate()
		return
	}
	if *unified {
		trainUnified()
		return
	}
	trainImage()
}

// runLogger opens the run's log (appending) and logs the arguments.
func runLogger() *log.Logger {
	os.MkdirAll(*dir, 0o755)
	lf, err := os.OpenFile(filepath.Join(*dir, *runName+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	logger := log.New(io.MultiWriter(os.Stderr, lf), "", log.LstdFlags)
	logger.Printf("args %v", os.Args[1:])
	return logger
}

// imageSets extracts the training rows (-rows, -row-off, -train-cw/ch)
// and the validation rows (every -val-rows-th row of the 512x384 hold-out
// crops).
func imageSets(logger *log.Logger) (tr, val *train.Set) {
	trainF, holdF := split()
	t0 := time.Now()
	var jobs []job
	for i, f := range trainF {
		off := (i + *rowOff) % *rowEvery
		jobs = append(jobs, job{f, *trainCW, *trainCH, func(y int) bool { return y%*rowEvery == off }})
	}
	tr, err := extractAll(jobs)
	if err != nil {
		log.Fatal(err)
	}
	jobs = jobs[:0]
	for _, f := range holdF {
		jobs = append(jobs, job{f, 512, 384, func(y int) bool { return y%*valEvery == 1 }})
	}
	if val, err = extractAll(jobs); err != nil {
		log.Fatal(err)
	}
	logger.Printf("extracted train %d samples (%d images), val %d samples (%d crops) in %v",
		tr.N, len(trainF), val.N, len(holdF), time.Since(t0).Round(time.Second))
	return tr, val
}

func trainImage() {
	logger := runLogger()
	tr, val := imageSets(logger)
	var err error
	net := train.NewNet(train.Config{H: *hid, Rec: *rec}, *seed)
	if *initFrom != "" {
		if net, err = train.Load(*initFrom); err != nil {
			log.Fatal(err)
		}
		logger.Printf("initialised from %s (%v)", *initFrom, net.Cfg)
	}
	opt := train.NewAdamW(net, *lr, *wd)
	ckpt := filepath.Join(*dir, *runName+".ckpt")
	starts := tr.SeqStarts(*seqLen)
	rng := rand.New(rand.NewPCG(*seed, 99))
	g := make([]float32, len(net.P))
	var b train.Batch
	var w train.Work
	doVal := func(step int) {
		st, _ := net.Evaluate(val, *seqLen, 8192, false)
		logger.Printf("step %d val %v", step, st)
	}
	doVal(0)
	budget := time.Duration(*minutes * float64(time.Minute))
	tStart := time.Now()
	lastVal := time.Now()
	var ema float64
	step := 0
	for ; time.Since(tStart) < budget; step++ {
		frac := float64(time.Since(tStart)) / float64(budget)
		l := lrAt(step, frac)
		b.Reset()
		for k := 0; k < *batch; k++ {
			b.Gather(tr, starts[rng.IntN(len(starts))], *seqLen)
		}
		clear(g)
		bits := net.Forward(&b, &w, g, false) / float64(b.R)
		gn := opt.Step(net, g, l, 1.0)
		if step == 0 {
			ema = bits
		}
		ema = 0.98*ema + 0.02*bits
		if step%100 == 0 {
			logger.Printf("step %d lr %.2e train %.4f (ema %.4f) gnorm %.3f %.1f steps/s", step, l, bits, ema, gn,
				float64(step+1)/time.Since(tStart).Seconds())
		}
		periodic(&lastVal, func() {
			doVal(step)
			if err := net.Save(ckpt); err != nil {
				logger.Printf("save: %v", err)
			}
		})
	}
	doVal(step)
	if err := net.Save(ckpt); err != nil {
		log.Fatal(err)
	}
	logger.Printf("done %d steps in %v; checkpoint %s", step, time.Since(tStart).Round(time.Second), ckpt)
}

// lrAt is the learning rate at step (of a run frac done): train.LRAt
// with -lr and -warmup.
func lrAt(step int, frac float64) float64 { return train.LRAt(*lr, *warmup, step, frac) }

// periodic runs fn (validation and checkpoint) when -eval-every seconds
// have passed since *last.
func periodic(last *time.Time, fn func()) {
	if time.Since(*last).Seconds() > *evalSec {
		fn()
		*last = time.Now()
	}
}

func evaluate() {
	var net *train.Net
	var err error
	if *loadU != "" {
		u, err := loadUnified(*loadU)
		if err != nil {
			log.Fatal(err)
		}
		switch {
		case *saveU != "":
			if err := u.Save(*saveU); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("wrote %s\n", *saveU)
			return
		case *export != "":
			exportDual(u)
			return
		case *evalSet == "text":
			evalText(u)
			return
		}
		net = u.Img
	} else if *load != "" {
		net, err = train.Load(*load)
	} else {
		net = train.NewNet(train.Config{H: *hid, Rec: *rec}, 1) // zero head: imgctx alone
	}
	if err != nil {
		log.Fatal(err)
	}
	if *bench {
		benchNet(net)
		return
	}
	if *online != "" {
		onlineExperiment(net)
		return
	}
	var qn *model.QNet
	if *intEval || *export != "" {
		if qn, err = train.Quantize(net, calibBatch(), *seqLen, *adapt, *adaptHead); err != nil {
			log.Fatal(err)
		}
		qn.AdaptByChannel = *adaptCh
		if *intSeq > 0 {
			qn.Seq = *intSeq
		}
		fmt.Printf("quantised: fh1 %d fr %d fk %d fv %d fs %d fy %d fh2 %d\n", qn.FH1, qn.FR, qn.FK, qn.FV, qn.FS, qn.FY, qn.FH2)
	}
	if *export != "" {
		b, err := qn.Encode()
		if err != nil {
			log.Fatal(err)
		}
		if err := model.WriteFileAtomic(*export, b); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("wrote %s (%d bytes)\n", *export, len(b))
		if !*intEval {
			return
		}
	}
	var files []string
	cw, ch := 512, 384
	if *crop != "" {
		fmt.Sscanf(*crop, "%dx%d", &cw, &ch)
	}
	if *evalSet == "kodak" {
		files, _ = filepath.Glob("/work/shared/data/kodak/*.png")
		sort.Strings(files)
		cw, ch = 0, 0
	} else {
		_, files = split()
	}
	var tot train.Stats
	intBytes := 0
	t0 := time.Now()
	for _, f := range files {
		pix, w, h, err := loadRGB(f, cw, ch)
		if err != nil {
			log.Fatal(err)
		}
		s, err := train.Extract(pix, w, h, nch(), nil)
		if err != nil {
			log.Fatal(err)
		}
		st, err := net.Evaluate(s, *seqLen, 8192, true)
		if err != nil {
			log.Fatal(err)
		}
		// the imgctx-alone stream must have exactly the size of imgctx's own codec
		ref := imgctx.EncodeStripe(pix, w, h, nch())
		if len(ref) != st.BaseBytes {
			log.Fatalf("%s: imgctx stream %d bytes, reconstructed %d", f, len(ref), st.BaseBytes)
		}
		line := fmt.Sprintf("%-14s %v", filepath.Base(f), st)
		if qn != nil {
			t1 := time.Now()
			enc, err := qn.EncodeStripe(nil, pix, w, h, nch())
			if err != nil {
				log.Fatal(err)
			}
			t2 := time.Now()
			dec, err := qn.DecodeStripe(enc, w, h, nch())
			if err != nil || !bytes.Equal(dec, pix) {
				log.Fatalf("%s: integer network round trip failed: %v", f, err)
			}
			intBytes += len(enc)
			line += fmt.Sprintf("; int %.4f bpsp (enc %.0f KB/s, dec %.0f KB/s)", float64(8*len(enc))/float64(len(pix)),
				float64(len(pix))/t2.Sub(t1).Seconds()/1e3, float64(len(pix))/time.Since(t2).Seconds()/1e3)
		}
		fmt.Println(line)
		tot.Add(st)
	}
	fmt.Printf("TOTAL %s (%d images) %v [%v]\n", *evalSet, len(files), tot, time.Since(t0).Round(time.Second))
	if qn != nil {
		fmt.Printf("TOTAL integer network, coded: %.4f bpsp (%d bytes)\n", float64(8*intBytes)/float64(tot.N), intBytes)
	}
}

// benchNet times single-sample inference (features already extracted)
// on one core: Stepper.Delta only, and the int logit conversion.
func benchNet(net *train.Net) {
	_, hold := split()
	pix, w, h, err := loadRGB(hold[0], 128, 64)
	if err != nil {
		log.Fatal(err)
	}
	s, err := train.Extract(pix, w, h, nch(), nil)
	if err != nil {
		log.Fatal(err)
	}
	st := net.NewStepper()
	var d [256]float32
	var li [256]int32
	best := math.Inf(1)
	for rep := 0; rep < 5; rep++ {
		t0 := time.Now()
		for i := 0; i < s.N; i++ {
			st.Delta(d[:], s.Feat[i*model.NF:(i+1)*model.NF], s.Aux[i*train.NAux:(i+1)*train.NAux])
			for v := range d {
				li[v] = int32(s.Bias[i*256+v]) + int32(math.RoundToEven(float64(d[v])*(256/math.Ln2)))
			}
		}
		best = math.Min(best, float64(time.Since(t0).Microseconds())/float64(s.N))
	}
	fmt.Printf("inference %v: %.3f µs per sub-pixel (float32 scalar Go, incl. render + int conversion; best of 5 over %d samples)\n",
		net.Cfg, best, s.N)
}

// calibBatch gathers sequences from training images (never evaluation
// data) for choosing the integer network's activation formats.
func calibBatch() *train.Batch {
	trainF, _ := split()
	var jobs []job
	for _, f := range trainF[:min(6, len(trainF))] {
		jobs = append(jobs, job{f, 512, 256, func(y int) bool { return y%32 == 7 }})
	}
	s, err := extractAll(jobs)
	if err != nil {
		log.Fatal(err)
	}
	b := &train.Batch{}
	for _, c := range train.Chunks(s, *seqLen) {
		b.Gather(s, c[0], c[1])
	}
	return b
}

// onlineExperiment compares the cross-entropy of the trained head with
// an online-adapted one on hold-out crops (training data only).
func onlineExperiment(net *train.Net) {
	var lb, lh float64
	if _, err := fmt.Sscanf(*online, "%g,%g", &lb, &lh); err != nil {
		log.Fatal(err)
	}
	_, hold := split()
	var base, adapt float64
	n := 0
	for _, f := range hold[:4] {
		pix, w, h, err := loadRGB(f, 256, 192)
		if err != nil {
			log.Fatal(err)
		}
		s, err := train.Extract(pix, w, h, nch(), nil)
		if err != nil {
			log.Fatal(err)
		}
		b := net.EvaluateOnline(s, *seqLen, 0, 0)
		a := net.EvaluateOnline(s, *seqLen, lb, lh)
		fmt.Printf("%s: %.4f -> %.4f bpsp\n", filepath.Base(f), b/float64(s.N), a/float64(s.N))
		base += b
		adapt += a
		n += s.N
	}
	fmt.Printf("online %s: %.4f -> %.4f bpsp (%+.2f%%)\n", *online, base/float64(n), adapt/float64(n), 100*(adapt/base-1))
}
