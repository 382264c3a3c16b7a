package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/train"
	"github.com/dcar-archiver/dcar/model/txtctx"
)

// Training of the unified (image + text) network stage: -unified.
//
//	dcartrain -unified -run uni96 -init model/runs/rec96b.ckpt -minutes 40
//
// Every step runs one image batch and one text batch (in parallel) and
// minimises the sum of their mean bits per symbol.
var (
	unified   = flag.Bool("unified", false, "train the unified image+text network")
	noSwitch  = flag.Bool("no-switch", false, "with -unified: text shares the image time-mix set")
	noMoE     = flag.Bool("no-moe", false, "with -unified: one FFN shared by both modalities")
	hiraR     = flag.Int("hira", 4, "with -unified: HiRA rank factor (0 = off)")
	shared    = flag.Int("hs", 48, "with -unified: shared expert units of the FFN")
	textSeq   = flag.Int("text-seq", 128, "with -unified: text sequence length (training and state-reset period)")
	textMB    = flag.Float64("text-mb", 8, "with -unified: MB of training text")
	textOnly  = flag.Bool("text-only", false, "with -unified: train on text batches only (image modality untouched except shared tensors)")
	resumeU   = flag.Bool("resume", false, "with -unified: continue from the run's checkpoint")
	textW     = flag.Float64("text-weight", 1, "with -unified: weight of the text loss")
	noTokens  = flag.Bool("no-tokens", false, "with -unified: no token-table inputs (text byte rows, start vectors)")
	maxSteps  = flag.Int("steps", 0, "with -unified: train this many steps (schedule by steps) instead of -minutes")
	diverse   = flag.Bool("diverse", false, "with -unified: add the Go tree's other text files (test data, assembly, C, HTML, JSON, docs) to the text data")
	freezeImg = flag.Bool("freeze-image", false, "with -unified: train the text-only parameters; the image network (and the shared tensors) stay as they are")
	novelsDir = "/work/shared/data/train-text/gutenberg-novels"
)

// textHoldout is txtctx's tuning hold-out: never trained on.
var textHoldout = map[string]bool{"Carmilla.txt": true, "Doyle_TheSignoftheFour.txt": true,
	"Gilbert_SojournerTruth.txt": true, "Fitzgerald_TheGreatGatsby.txt": true,
	"net/http/server.go": true, "runtime/proc.go": true}

func goSrcRoot() string { return filepath.Join(runtime.GOROOT(), "src") }

// textFiles returns the training and hold-out text files: novels of
// train-text (the hold-out four excluded from training) and Go sources
// of GOROOT (every 5th .go file in path order up to a third of the
// budget; the hold-out two excluded).
func textFiles(budget int64) (train, hold []string) {
	novels, _ := filepath.Glob(filepath.Join(novelsDir, "*.txt"))
	sort.Strings(novels)
	var tot int64
	for _, f := range novels {
		if textHoldout[filepath.Base(f)] {
			hold = append(hold, f)
			continue
		}
		if tot < budget*2/3 {
			st, err := os.Stat(f)
			if err == nil {
				train = append(train, f)
				tot += st.Size()
			}
		}
	}
	root := goSrcRoot()
	var goFiles []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.Contains(p, "testdata") {
			goFiles = append(goFiles, p)
		}
		return nil
	})
	sort.Strings(goFiles)
	for i, f := range goFiles {
		rel, _ := filepath.Rel(root, f)
		if textHoldout[rel] {
			hold = append(hold, f)
			continue
		}
		if i%5 == 0 && tot < budget*5/6 {
			if st, err := os.Stat(f); err == nil {
				train = append(train, f)
				tot += st.Size()
			}
		}
	}
	if !*diverse {
		return
	}
	// Other text of the Go tree (test data, assembly, C, HTML, JSON,
	// scripts, docs): every 3rd file to the budget, every 29th held out.
	var other []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".go") {
			if st, err := d.Info(); err == nil && st.Size() > 256 && st.Size() < 2<<20 {
				other = append(other, p)
			}
		}
		return nil
	})
	sort.Strings(other)
	nh := 0
	isText := func(f string) (int, bool) {
		b, err := os.ReadFile(f)
		return len(b), err == nil && utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
	}
	for i, f := range other {
		switch {
		case i%29 == 0 && nh < 12:
			if _, ok := isText(f); ok {
				hold = append(hold, f)
				nh++
			}
		case i%3 == 0 && tot < budget*3/2:
			if n, ok := isText(f); ok {
				train = append(train, f)
				tot += int64(n)
			}
		}
	}
	return
}

// extractTexts extracts each file as its own segment(s) (4 MiB blocks,
// as dcar writes them), keeping at most maxPer bytes per file (0: all).
func extractTexts(files []string, maxPer int) *train.Set {
	s, _ := extractParallel(len(files), func(i int) (*train.Set, error) {
		b, err := os.ReadFile(files[i])
		if err != nil || len(b) == 0 {
			return nil, nil // unreadable or empty: skipped
		}
		if maxPer > 0 && len(b) > maxPer {
			b = b[:maxPer]
		}
		return train.ExtractText(b, 4<<20), nil
	})
	return s
}

func trainUnified() {
	logger := runLogger()
	t0 := time.Now()
	txF, txHold := textFiles(int64(*textMB * (1 << 20)))
	ttr := extractTexts(txF, 0)
	tval := extractTexts(txHold, 128<<10)
	logger.Printf("text: train %d bytes (%d files), val %d bytes (%d files) in %v", ttr.N, len(txF), tval.N, len(txHold), time.Since(t0).Round(time.Second))
	var itr, ival *train.Set
	if !*textOnly {
		itr, ival = imageSets(logger)
	}
	var err error
	debug.FreeOSMemory() // the extraction's garbage: the sets are most of the memory
	ckpt := filepath.Join(*dir, *runName+".ckpt")
	var u *train.Unified
	if *resumeU {
		if u, err = train.LoadUnified(ckpt); err != nil {
			log.Fatal(err)
		}
		logger.Printf("resumed %s (%+v)", ckpt, u.Cfg)
	} else {
		var init *train.Net
		if *initFrom != "" {
			if init, err = train.Load(*initFrom); err != nil {
				log.Fatal(err)
			}
		}
		cfg := train.UConfig{H: *hid, Switch: !*noSwitch, MoE: !*noMoE, Hs: *shared, HiRA: *hiraR, NoTokens: *noTokens}
		if u, err = train.NewUnified(cfg, init, *seed); err != nil {
			log.Fatal(err)
		}
	}
	if *freezeImg {
		u.FreezeImage()
	}
	logger.Printf("unified %+v: %d trained parameters (image net %d, text net %d)", u.Cfg, len(u.U), len(u.Img.P), len(u.Txt.P))
	imgBefore := slices.Clone(u.Img.P)
	opt := train.NewAdamWN(len(u.U), *lr, *wd)
	doVal := func(step int) {
		u.Sync()
		st, _ := u.Txt.Evaluate(tval, *textSeq, 8192, false)
		msg := ""
		if ival != nil {
			si, _ := u.Img.Evaluate(ival, *seqLen, 8192, false)
			msg = si.String()
		}
		logger.Printf("step %d val text n=%d txtctx %.4f net %.4f bpb | image %s", step, st.N, st.BaseBits/float64(st.N), st.NetBits/float64(st.N), msg)
	}
	doVal(0)
	var istarts []int
	if itr != nil {
		istarts = itr.SeqStarts(*seqLen)
	}
	tstarts := ttr.SeqStarts(*textSeq)
	rng := rand.New(rand.NewPCG(*seed, 77))
	g := make([]float32, len(u.U))
	gI := make([]float32, len(u.Img.P))
	gT := make([]float32, len(u.Txt.P))
	var bi, bt train.Batch
	var wi, wt train.Work
	budget := time.Duration(*minutes * float64(time.Minute))
	tStart, lastVal := time.Now(), time.Now()
	var emaI, emaT float64
	for step := 0; ; step++ {
		frac := float64(time.Since(tStart)) / float64(budget)
		if *maxSteps > 0 {
			frac = float64(step) / float64(*maxSteps)
		}
		if frac >= 1 {
			break
		}
		l := lrAt(step, frac)
		u.Sync()
		bt.Reset()
		for k := 0; k < *batch; k++ {
			bt.Gather(ttr, tstarts[rng.IntN(len(tstarts))], *textSeq)
		}
		bi.Reset()
		if itr != nil {
			for k := 0; k < *batch; k++ {
				bi.Gather(itr, istarts[rng.IntN(len(istarts))], *seqLen)
			}
		}
		var bitsI, bitsT float64
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			clear(gT)
			bitsT = u.Txt.Forward(&bt, &wt, gT, false) / float64(bt.R)
			for i := range gT {
				gT[i] *= float32(*textW)
			}
		}()
		if itr != nil {
			clear(gI)
			bitsI = u.Img.Forward(&bi, &wi, gI, false) / float64(bi.R)
		}
		wg.Wait()
		if itr != nil {
			u.Grad(g, gI, gT)
		} else {
			u.Grad(g, nil, gT)
		}
		gn := opt.StepParams(u.U, u.Decay, g, l, 1.0)
		if step == 0 {
			emaI, emaT = bitsI, bitsT
		}
		emaI, emaT = 0.98*emaI+0.02*bitsI, 0.98*emaT+0.02*bitsT
		if step%100 == 0 {
			logger.Printf("step %d lr %.2e image %.4f text %.4f (ema) gnorm %.3f %.1f steps/s", step, l, emaI, emaT, gn,
				float64(step+1)/time.Since(tStart).Seconds())
		}
		periodic(&lastVal, func() {
			doVal(step)
			if err := u.Save(ckpt); err != nil {
				logger.Printf("save: %v", err)
			}
		})
	}
	doVal(-1)
	if err := u.Save(ckpt); err != nil {
		log.Fatal(err)
	}
	u.Sync()
	logger.Printf("done in %v; checkpoint %s; image network unchanged: %v", time.Since(tStart).Round(time.Second), ckpt, slices.Equal(imgBefore, u.Img.P))
}

var (
	loadU      = flag.String("load-unified", "", "unified checkpoint, or a unified weight file (.dcw: its networks dequantised): with -eval text, code the text hold-out; with -eval holdout|kodak, evaluate its image network; with -export, write the unified weight file; with -save-unified, write it as a checkpoint")
	saveU      = flag.String("save-unified", "", "with -load-unified: write the network as a unified checkpoint here (a weight file's dequantised network, to train on with -unified -resume)")
	adaptT     = flag.Uint("adapt-t", 0, "text network: online head-bias adaptation shift (0 = off)")
	adaptHeadT = flag.Float64("adapt-head-t", 0, "text network: online head-matrix adaptation learning rate (0 = off)")
	evalFiles  = flag.String("text-eval-files", "", "with -eval text: code these files (comma-separated) instead of the hold-out")
)

// zeroUnseen sets the token rows of bytes that never occur in the
// training text (with this run's -text-mb and -diverse) to zero: they
// never received a gradient, so they are still their random
// initialisation, which would only add noise when such a byte shows up.
// Zero is the neutral row. Training never saw these rows, so its loss is
// unchanged.
func zeroUnseen(u *train.Unified) {
	tr, _ := textFiles(int64(*textMB * (1 << 20)))
	var seen [256]bool
	for _, f := range tr {
		b, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range b {
			seen[c] = true
		}
	}
	seen[0] = true // the segment-start "previous byte"
	n := u.ZeroTokenRows(func(c byte) bool { return !seen[c] })
	fmt.Printf("token rows of %d bytes unseen in training set to zero\n", n)
}

// textCalib gathers text training sequences (never evaluation data) for
// the text network's activation formats.
func textCalib() *train.Batch {
	tr, _ := textFiles(1 << 20)
	files := []string{tr[0], tr[len(tr)-1], tr[len(tr)/2]}
	s := extractTexts(files, 64<<10)
	b := &train.Batch{}
	for _, c := range train.Chunks(s, *textSeq) {
		b.Gather(s, c[0], c[1])
	}
	return b
}

func quantizeText(u *train.Unified) *model.QNet {
	qt, err := train.Quantize(u.Txt, textCalib(), *textSeq, *adaptT, *adaptHeadT)
	if err != nil {
		log.Fatal(err)
	}
	return qt
}

// loadUnified reads a unified checkpoint, or a unified weight file whose
// networks it dequantises (train.FromDual; HiRA branches of rank factor
// -hira at zero).
func loadUnified(path string) (*train.Unified, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if train.IsUnified(b) {
		return train.ParseUnified(b)
	}
	d, err := model.DecodeDual(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	H := d.Img.H
	return train.FromDual(d, train.UConfig{H: H, Switch: true, MoE: d.Hs < H, Hs: d.Hs, HiRA: *hiraR}, 1)
}

// exportDual quantises both modalities of u and writes the unified
// weight file.
func exportDual(u *train.Unified) {
	zeroUnseen(u)
	qi, err := train.Quantize(u.Img, calibBatch(), *seqLen, *adapt, *adaptHead)
	if err != nil {
		log.Fatal(err)
	}
	qi.AdaptByChannel = *adaptCh
	if *intSeq > 0 {
		qi.Seq = *intSeq
	}
	hs := u.Cfg.H
	if u.Cfg.MoE {
		hs = u.Cfg.Hs
	}
	if !u.Cfg.Switch {
		log.Fatal("export: the unified weight file needs per-modality time-mix sets")
	}
	d := &model.Dual{Img: qi, Txt: quantizeText(u), Hs: hs}
	b, err := d.Encode()
	if err != nil {
		log.Fatal(err)
	}
	if err := model.WriteFileAtomic(*export, b); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (%d bytes)\n", *export, len(b))
}

// evalText codes the text hold-out (or -text-eval-files) one file per
// segment (up to 4 MiB, as dcar's blocks): ctx-text (txtctx alone) and
// the integer text network, decoded back and compared; also the float
// network's cross-entropy.
func evalText(u *train.Unified) {
	qt := quantizeText(u)
	files := strings.Split(*evalFiles, ",")
	if *evalFiles == "" {
		_, files = textFiles(0)
	}
	var n, base, net int
	var ce, ceBase float64
	t0 := time.Now()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		for a := 0; a < len(b); a += 4 << 20 {
			seg := b[a:min(len(b), a+4<<20)]
			ref := txtctx.EncodeSegment(seg)
			t1 := time.Now()
			enc, err := qt.EncodeText(nil, seg)
			if err != nil {
				log.Fatal(err)
			}
			t2 := time.Now()
			dec, err := qt.DecodeText(enc, len(seg))
			if err != nil || !bytes.Equal(dec, seg) {
				log.Fatalf("%s: text network round trip failed: %v", f, err)
			}
			t3 := time.Now()
			s := train.ExtractText(seg, 4<<20)
			st, _ := u.Txt.Evaluate(s, *textSeq, 8192, false)
			ce += st.NetBits
			ceBase += st.BaseBits
			fmt.Printf("%-40s %8d B: ctx-text %.4f, network %.4f bpb coded (float CE %.4f vs %.4f); enc %.0f KB/s dec %.0f KB/s\n",
				filepath.Base(f), len(seg), 8*float64(len(ref))/float64(len(seg)), 8*float64(len(enc))/float64(len(seg)),
				st.NetBits/float64(len(seg)), st.BaseBits/float64(len(seg)),
				float64(len(seg))/t2.Sub(t1).Seconds()/1e3, float64(len(seg))/t3.Sub(t2).Seconds()/1e3)
			n += len(seg)
			base += len(ref)
			net += len(enc)
		}
	}
	fmt.Printf("TOTAL %d bytes: ctx-text %.4f bpb, text network %.4f bpb coded (%+.2f%%); float CE %.4f vs %.4f [%v]\n", n,
		8*float64(base)/float64(n), 8*float64(net)/float64(n), 100*(float64(net)/float64(base)-1), ce/float64(n), ceBase/float64(n),
		time.Since(t0).Round(time.Second))
}
