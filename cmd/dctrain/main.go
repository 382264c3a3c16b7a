// Command dctrain trains dcar's unified image+text model (DualComp design:
// RWKV-7 with unified tokenization, modality switching, modality-routing MoE
// and HiRA) on the allowed training data, with atomic resumable checkpoints.
//
//	dctrain -run NAME [flags]             train into model/train-runs/NAME
//	dctrain -run NAME -resume             continue from its ckpt.dcw exactly
//	dctrain -export CKPT -o WEIGHTS.dcw   write merged inference weights
//	dctrain -eval FILE [-val-seqs N]      validation bits of a checkpoint or weight file
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/data"
	"github.com/dcar-archiver/dcar/model/train"
)

func goroot() string {
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		if s := strings.TrimSpace(string(out)); s != "" {
			return s
		}
	}
	return runtime.GOROOT()
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("dctrain: ")
	o := train.DefaultOptions()
	var (
		run      = flag.String("run", "", "run name: output in -runs/NAME")
		runs     = flag.String("runs", "model/train-runs", "directory of training runs")
		resume   = flag.Bool("resume", false, "resume the run from its checkpoint (stored options win)")
		steps    = flag.Int("steps", o.Steps, "total optimizer steps (with -resume: overrides the stored total)")
		workers  = flag.Int("workers", 2, "goroutines computing gradients (results do not depend on it)")
		export   = flag.String("export", "", "export this checkpoint to merged inference weights and exit")
		out      = flag.String("o", "", "output path for -export")
		evalPath = flag.String("eval", "", "evaluate this checkpoint or weight file on the validation split and exit")
		fakeQ    = flag.Bool("int8", false, "with -eval: also evaluate with int8 (per-row) rounded weights")
		vocab    = flag.String("vocab", "unified", "vocabulary mode: unified | unmasked | shared")
		d        = flag.Int("d", o.Model.D, "model width")
		layers   = flag.Int("layers", o.Model.Layers, "layers")
		ffn      = flag.Int("ffn", 0, "channel-mix hidden width (0 = 4d)")
		hira     = flag.Int("hira", o.Model.HiRA, "HiRA rank factor r (0 = off)")
		noSwitch = flag.Bool("no-switching", false, "ablation: one shared time-mix for both modalities")
		noMoE    = flag.Bool("no-moe", false, "ablation: one FFN instead of shared + modality expert")
		pureGo   = flag.Bool("purego-gemm", false, "use the pure-Go GEMM instead of package kernel's SGEMM")
	)
	flag.IntVar(&o.Batch, "batch", o.Batch, "sequences per step")
	flag.IntVar(&o.Shards, "shards", o.Shards, "gradient shards (fixed reduction order)")
	flag.IntVar(&o.SeqLen, "seqlen", o.SeqLen, "text window length in bytes")
	flag.Uint64Var(&o.Seed, "seed", o.Seed, "seed (init and data order)")
	flag.Float64Var(&o.LR, "lr", o.LR, "peak learning rate")
	flag.Float64Var(&o.MinLR, "minlr", o.MinLR, "final learning rate")
	flag.IntVar(&o.Warmup, "warmup", o.Warmup, "warmup steps")
	flag.Float64Var(&o.WeightDecay, "wd", o.WeightDecay, "AdamW weight decay (matrices only)")
	flag.Float64Var(&o.Clip, "clip", o.Clip, "gradient-norm clip (0 = off)")
	flag.Float64Var(&o.Beta2, "beta2", o.Beta2, "Adam beta2")
	flag.IntVar(&o.EvalEvery, "eval-every", o.EvalEvery, "validate every N steps")
	flag.IntVar(&o.CkptEvery, "ckpt-every", o.CkptEvery, "checkpoint every N steps")
	flag.IntVar(&o.LogEvery, "log-every", o.LogEvery, "progress line every N steps")
	flag.IntVar(&o.ValSeqs, "val-seqs", o.ValSeqs, "validation sequences per source")
	flag.Float64Var(&o.Mix.ImageFrac, "image-frac", o.Mix.ImageFrac, "fraction of image sequences per batch")
	flag.Float64Var(&o.Mix.CodeFrac, "code-frac", o.Mix.CodeFrac, "fraction of text sequences from Go source")
	flag.StringVar(&o.Data.ImageDir, "images", "../shared/data/train-images", "training PNG directory")
	flag.StringVar(&o.Data.TextDir, "text", "../shared/data/train-text", "training text directory")
	flag.StringVar(&o.Data.GoRoot, "goroot", "auto", "Go root whose src/ is code text (auto = go env GOROOT, none = off)")
	flag.IntVar(&o.Data.MaxCodeBytes, "max-code", 32<<20, "cap on Go source bytes loaded")
	flag.Parse()

	if *export != "" {
		if *out == "" {
			log.Fatal("-export needs -o")
		}
		if err := exportCheckpoint(*export, *out); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *evalPath != "" {
		if o.Data.GoRoot == "auto" {
			o.Data.GoRoot = goroot()
		}
		if err := evalFile(*evalPath, o, *fakeQ); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *run == "" {
		log.Fatal("-run NAME is required")
	}
	dir := filepath.Join(*runs, *run)
	ckpt := filepath.Join(dir, "ckpt.dcw")
	if *resume {
		var err error
		if o, err = train.ReadOptions(ckpt); err != nil {
			log.Fatal(err)
		}
		o.Steps = *steps
	} else {
		if _, err := os.Stat(ckpt); err == nil {
			log.Fatalf("%s exists: use -resume or another -run name", ckpt)
		}
		o.Steps = *steps
		vm, err := model.ParseVocabMode(*vocab)
		if err != nil {
			log.Fatal(err)
		}
		o.Model = model.DefaultConfig(*d, *layers)
		if *ffn > 0 {
			o.Model.FFN = *ffn
		}
		o.Model.HiRA, o.Model.Vocab = *hira, vm
		o.Model.Switching, o.Model.MoE = !*noSwitch, !*noMoE
		if err := o.Model.Validate(); err != nil {
			log.Fatal(err)
		}
		switch o.Data.GoRoot {
		case "auto":
			o.Data.GoRoot = goroot()
		case "none":
			o.Data.GoRoot = ""
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, "train.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	defer lf.Close()
	w := io.MultiWriter(os.Stdout, lf)
	ds, err := data.Load(o.Data, o.SeqLen)
	if err != nil {
		log.Fatal(err)
	}
	for _, sp := range []struct {
		n string
		s *data.Split
	}{{"train", &ds.Train}, {"val", &ds.Val}} {
		ni, px, pr, cd := sp.s.Summary()
		fmt.Fprintf(w, "data %s: %d images (%d px), prose %d B, code %d B\n", sp.n, ni, px, pr, cd)
	}
	var tr *train.Trainer
	if *resume {
		tr, err = train.Resume(ckpt, ds)
		if err == nil {
			tr.Opt.Steps = o.Steps
			fmt.Fprintf(w, "resumed %s at step %d (%d tokens)\n", ckpt, tr.Step, tr.Tokens)
		}
	} else {
		tr, err = train.New(o, ds)
	}
	if err != nil {
		log.Fatal(err)
	}
	tr.Workers, tr.Log = *workers, w
	if *pureGo {
		tr.SetMatMul(func() model.MatMul { return &model.GoMatMul{} })
	}
	fmt.Fprintf(w, "model %v\nGOMAXPROCS %d workers %d batch %d shards %d steps %d lr %g→%g warmup %d\n",
		tr.Model, runtime.GOMAXPROCS(0), tr.Workers, o.Batch, o.Shards, o.Steps, o.LR, o.MinLR, o.Warmup)
	stop := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() { <-sig; close(stop) }()
	if err := tr.Run(dir, stop); err != nil {
		log.Fatal(err)
	}
}

// loadAny loads a model from a checkpoint or an inference weight file.
func loadAny(path string) (*model.Model, *model.WeightFile, error) {
	f, err := model.ReadWeightFile(path)
	if err != nil {
		return nil, nil, err
	}
	if f.Kind == model.KindWeights {
		m, err := model.ModelFromWeights(f)
		return m, f, err
	}
	cfg, err := model.ConfigFromMeta(f.Meta)
	if err != nil {
		return nil, nil, err
	}
	m, err := model.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return m, f, m.LoadParamTensors(f, "param/")
}

func evalFile(path string, o train.Options, int8 bool) error {
	m, f, err := loadAny(path)
	if err != nil {
		return err
	}
	ds, err := data.Load(o.Data, o.SeqLen)
	if err != nil {
		return err
	}
	if err := evalModel(path, m, f, ds, o); err != nil || !int8 {
		return err
	}
	if m.Cfg.HiRA != 0 {
		if f, err = m.Export(nil); err != nil {
			return err
		}
		if m, err = model.ModelFromWeights(f); err != nil {
			return err
		}
	}
	n := model.FakeQuantInt8(m, true)
	return evalModel(fmt.Sprintf("%s with int8-rounded weights (%d matrices, per-row scales)", path, n), m, f, ds, o)
}

func evalModel(path string, m *model.Model, f *model.WeightFile, ds *data.Dataset, o train.Options) error {
	ws := m.NewWorkspace(model.KernelMatMul{})
	var nats [data.NumSources]float64
	var toks [data.NumSources]int
	for _, s := range ds.Validation(o.ValSeed, o.ValSeqs) {
		nats[s.Src] += m.Forward(ws, s.Sequence)
		toks[s.Src] += len(s.Syms)
	}
	fmt.Printf("%s (%v, step %s)\n", path, m.Cfg, f.Meta["train.step"])
	for s := range nats {
		if toks[s] > 0 {
			fmt.Printf("  %-6s %.4f bits/symbol over %d symbols\n", data.SourceNames[s], nats[s]/float64(toks[s])/math.Ln2, toks[s])
		}
	}
	return nil
}

func exportCheckpoint(ckpt, out string) error {
	m, f, err := loadAny(ckpt)
	if err != nil {
		return err
	}
	cfg := m.Cfg
	w, err := m.Export(map[string]string{"train.step": f.Meta["train.step"], "train.tokens": f.Meta["train.tokens"]})
	if err != nil {
		return err
	}
	if err := w.Save(out); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %v, fingerprint %x\n", out, cfg, w.Fingerprint)
	return nil
}
