package train

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/dcar-archiver/dcar/model"
	"github.com/dcar-archiver/dcar/model/data"
)

// Options are all settings of a training run. They are stored in every
// checkpoint; a resumed run uses the stored options.
type Options struct {
	Model model.Config
	Data  data.Config
	Mix   data.Mix

	Seed   uint64
	Steps  int // total optimizer steps
	Batch  int // sequences per step
	SeqLen int // text window length (image patches are always 768)
	Shards int // gradient shards (fixed; results do not depend on Workers)

	LR, MinLR         float64
	Warmup            int
	Beta1, Beta2, Eps float64
	WeightDecay, Clip float64

	EvalEvery, CkptEvery, LogEvery int
	ValSeqs                        int // validation sequences per source
	ValSeed                        uint64
}

// DefaultOptions returns a reasonable small-model setup.
func DefaultOptions() Options {
	return Options{Model: model.DefaultConfig(64, 2), Mix: data.Mix{ImageFrac: 0.5, CodeFrac: 0.25},
		Seed: 1, Steps: 2000, Batch: 8, SeqLen: 768, Shards: 2,
		LR: 2e-3, MinLR: 1e-4, Warmup: 100, Beta1: 0.9, Beta2: 0.99, Eps: 1e-8, WeightDecay: 0.01, Clip: 1,
		EvalEvery: 200, CkptEvery: 100, LogEvery: 10, ValSeqs: 32, ValSeed: 12345}
}

// shard is one fixed slice of every batch, with its own gradients.
type shard struct {
	ws   *model.Workspace
	g    *model.Grads
	nats [data.NumSources]float64
	toks [data.NumSources]int
}

// Trainer holds the model, optimizer, data and RNG state of a run.
type Trainer struct {
	Opt     Options
	Model   *model.Model
	Adam    *AdamW
	Data    *data.Dataset
	Step    int   // optimizer steps done
	Tokens  int64 // training tokens seen
	rng     *rand.PCG
	shards  []*shard
	mm      model.MatMul
	val     []data.Sample
	Workers int
	Log     io.Writer
}

// New starts a fresh run.
func New(opt Options, ds *data.Dataset) (*Trainer, error) {
	m, err := model.New(opt.Model)
	if err != nil {
		return nil, err
	}
	m.Init(opt.Seed)
	return newTrainer(opt, ds, m)
}

func newTrainer(opt Options, ds *data.Dataset, m *model.Model) (*Trainer, error) {
	if opt.Batch <= 0 || opt.Shards <= 0 || opt.Batch%opt.Shards != 0 {
		return nil, fmt.Errorf("train: batch %d must be a positive multiple of shards %d", opt.Batch, opt.Shards)
	}
	decay := make([]bool, m.Layout.Total)
	for _, t := range m.Layout.Tensors {
		if len(t.Shape) == 2 && t.Name != "emb" {
			for i := t.Off; i < t.Off+t.Size; i++ {
				decay[i] = true
			}
		}
	}
	t := &Trainer{Opt: opt, Model: m, Data: ds, rng: rand.NewPCG(opt.Seed, 0xba7c4),
		Adam:    NewAdamW(m.Layout.Total, decay, opt.Beta1, opt.Beta2, opt.Eps, opt.WeightDecay),
		Workers: 2, Log: os.Stdout}
	t.SetMatMul(func() model.MatMul { return model.KernelMatMul{} })
	t.val = ds.Validation(opt.ValSeed, opt.ValSeqs)
	m.Prepare(t.mm)
	return t, nil
}

// SetMatMul selects the GEMM implementation (default: package kernel's
// SIMD SGEMM; &model.GoMatMul{} is the pure-Go one). newMM is called once per
// shard. Results are deterministic for a given implementation and machine.
func (t *Trainer) SetMatMul(newMM func() model.MatMul) {
	t.mm = newMM()
	t.shards = t.shards[:0]
	for range t.Opt.Shards {
		t.shards = append(t.shards, &shard{ws: t.Model.NewWorkspace(newMM()), g: t.Model.NewGrads()})
	}
}

// parallel runs f(i) for i in [0,n) on t.Workers goroutines; which goroutine
// runs which i does not affect results (each i writes only its own state).
func (t *Trainer) parallel(n int, f func(i int)) {
	w := max(1, min(t.Workers, n))
	if w == 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += w {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// StepStats reports one optimizer step.
type StepStats struct {
	Loss     float64 // mean nats per symbol
	BPS      [data.NumSources]float64
	Toks     [data.NumSources]int
	GradNorm float64
	LR       float64
}

// TrainStep samples a batch, computes gradients and updates the model.
func (t *Trainer) TrainStep() StepStats {
	o := &t.Opt
	batch := t.Data.Batch(rand.New(t.rng), o.Batch, o.Mix)
	total := 0
	for _, s := range batch {
		total += len(s.Syms)
	}
	scale := float32(1 / float64(total))
	per := o.Batch / o.Shards
	t.parallel(len(t.shards), func(i int) {
		sh := t.shards[i]
		sh.g.Zero()
		sh.nats, sh.toks = [data.NumSources]float64{}, [data.NumSources]int{}
		for _, s := range batch[i*per : (i+1)*per] {
			l := t.Model.Forward(sh.ws, s.Sequence)
			t.Model.Backward(sh.ws, sh.g, scale)
			sh.nats[s.Src] += l
			sh.toks[s.Src] += len(s.Syms)
		}
	})
	// deterministic reduction in shard order
	g := t.shards[0].g
	var st StepStats
	var nats float64
	for i, sh := range t.shards {
		if i > 0 {
			g.Add(sh.g)
		}
		for s := range data.NumSources {
			st.BPS[s] += sh.nats[s]
			st.Toks[s] += sh.toks[s]
			nats += sh.nats[s]
		}
	}
	for s := range data.NumSources {
		if st.Toks[s] > 0 {
			st.BPS[s] /= float64(st.Toks[s]) * math.Ln2
		}
	}
	st.Loss = nats / float64(total)
	t.Model.FoldGrads(t.mm, g)
	st.GradNorm = ClipGradNorm(g.Data, o.Clip)
	t.Step++
	st.LR = LR(t.Step, o.Warmup, o.Steps, o.LR, o.MinLR)
	t.Adam.Update(t.Model.Data, g.Data, st.LR, t.Step)
	t.Model.Prepare(t.mm)
	t.Tokens += int64(total)
	return st
}

// Evaluate returns bits per symbol on the validation set per source
// (image: bits/sub-pixel; prose, code: bits/byte with the byte tokenizer).
func (t *Trainer) Evaluate() [data.NumSources]float64 {
	losses := make([]float64, len(t.val))
	t.parallel(len(t.shards), func(i int) {
		for j := i; j < len(t.val); j += len(t.shards) {
			losses[j] = t.Model.Forward(t.shards[i].ws, t.val[j].Sequence)
		}
	})
	var nats [data.NumSources]float64
	var toks [data.NumSources]int
	for j, s := range t.val {
		nats[s.Src] += losses[j]
		toks[s.Src] += len(s.Syms)
	}
	var out [data.NumSources]float64
	for s := range out {
		out[s] = math.NaN()
		if toks[s] > 0 {
			out[s] = nats[s] / float64(toks[s]) / math.Ln2
		}
	}
	return out
}

// checkpoint metadata keys
const (
	metaOptions = "train.options"
	metaStep    = "train.step"
	metaTokens  = "train.tokens"
	metaRNG     = "train.rng"
)

// Checkpoint encodes the complete training state.
func (t *Trainer) Checkpoint() (*model.WeightFile, error) {
	ob, err := json.Marshal(t.Opt)
	if err != nil {
		return nil, err
	}
	rb, err := t.rng.MarshalBinary()
	if err != nil {
		return nil, err
	}
	meta := t.Model.Cfg.Meta()
	meta[metaOptions] = string(ob)
	meta[metaStep] = strconv.Itoa(t.Step)
	meta[metaTokens] = strconv.FormatInt(t.Tokens, 10)
	meta[metaRNG] = hex.EncodeToString(rb)
	ts := t.Model.ParamTensors()
	for i := range ts {
		ts[i].Name = "param/" + ts[i].Name
	}
	n := len(t.Adam.M)
	ts = append(ts, model.F32Tensor("adam/m", []int{n}, t.Adam.M), model.F32Tensor("adam/v", []int{n}, t.Adam.V))
	return &model.WeightFile{Kind: model.KindCheckpoint, Meta: meta, Tensors: ts}, nil
}

// SaveCheckpoint writes the checkpoint atomically.
func (t *Trainer) SaveCheckpoint(path string) error {
	f, err := t.Checkpoint()
	if err != nil {
		return err
	}
	return f.Save(path)
}

// Resume restores a run from a checkpoint file; ds must be loaded with the
// checkpoint's Options (see ReadOptions).
func Resume(path string, ds *data.Dataset) (*Trainer, error) {
	f, err := model.ReadWeightFile(path)
	if err != nil {
		return nil, err
	}
	if f.Kind != model.KindCheckpoint {
		return nil, fmt.Errorf("train: %s is not a checkpoint", path)
	}
	opt, err := optionsOf(f)
	if err != nil {
		return nil, err
	}
	m, err := model.New(opt.Model)
	if err != nil {
		return nil, err
	}
	if err := m.LoadParamTensors(f, "param/"); err != nil {
		return nil, err
	}
	t, err := newTrainer(opt, ds, m)
	if err != nil {
		return nil, err
	}
	for _, x := range []struct {
		name string
		dst  []float32
	}{{"adam/m", t.Adam.M}, {"adam/v", t.Adam.V}} {
		ft, ok := f.Tensor(x.name)
		if !ok {
			return nil, fmt.Errorf("train: checkpoint lacks %s", x.name)
		}
		if err := ft.Float32s(x.dst); err != nil {
			return nil, err
		}
	}
	if t.Step, err = strconv.Atoi(f.Meta[metaStep]); err != nil {
		return nil, fmt.Errorf("train: bad step: %v", err)
	}
	if t.Tokens, err = strconv.ParseInt(f.Meta[metaTokens], 10, 64); err != nil {
		return nil, fmt.Errorf("train: bad token count: %v", err)
	}
	rb, err := hex.DecodeString(f.Meta[metaRNG])
	if err != nil {
		return nil, err
	}
	if err := t.rng.UnmarshalBinary(rb); err != nil {
		return nil, fmt.Errorf("train: bad RNG state: %v", err)
	}
	m.Prepare(t.mm)
	return t, nil
}

func optionsOf(f *model.WeightFile) (Options, error) {
	var opt Options
	if err := json.Unmarshal([]byte(f.Meta[metaOptions]), &opt); err != nil {
		return opt, fmt.Errorf("train: bad options in checkpoint: %v", err)
	}
	return opt, nil
}

// ReadOptions returns the options stored in a checkpoint.
func ReadOptions(path string) (Options, error) {
	f, err := model.ReadWeightFile(path)
	if err != nil {
		return Options{}, err
	}
	return optionsOf(f)
}

// Run trains until Opt.Steps, writing progress to t.Log, a validation CSV
// and checkpoints into dir (dir/ckpt.dcw, dir/val.csv, dir/final.dcw).
func (t *Trainer) Run(dir string, stop <-chan struct{}) error {
	o := &t.Opt
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	csvPath := filepath.Join(dir, "val.csv")
	if _, err := os.Stat(csvPath); os.IsNotExist(err) {
		os.WriteFile(csvPath, []byte("step,tokens,image_bpsp,prose_bpb,code_bpb,seconds\n"), 0o644)
	}
	ckpt := filepath.Join(dir, "ckpt.dcw")
	start := time.Now()
	startTok, startStep := t.Tokens, t.Step
	var acc StepStats
	var accN int
	eval := func() {
		ev := t.Evaluate()
		fmt.Fprintf(t.Log, "eval step %d tokens %d: image %.4f bpsp, prose %.4f bpb, code %.4f bpb\n",
			t.Step, t.Tokens, ev[data.SrcImage], ev[data.SrcProse], ev[data.SrcCode])
		f, err := os.OpenFile(csvPath, os.O_APPEND|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d,%d,%.5f,%.5f,%.5f,%.0f\n", t.Step, t.Tokens, ev[0], ev[1], ev[2], time.Since(start).Seconds())
			f.Close()
		}
	}
	if t.Step == 0 {
		eval()
	}
	for t.Step < o.Steps {
		select {
		case <-stop:
			fmt.Fprintf(t.Log, "stopping at step %d: checkpoint\n", t.Step)
			return t.SaveCheckpoint(ckpt)
		default:
		}
		st := t.TrainStep()
		accN++
		acc.Loss += st.Loss
		for s := range st.BPS {
			acc.BPS[s] += st.BPS[s] * float64(st.Toks[s])
			acc.Toks[s] += st.Toks[s]
		}
		acc.GradNorm += st.GradNorm
		if o.LogEvery > 0 && t.Step%o.LogEvery == 0 {
			el := time.Since(start).Seconds()
			tps := float64(t.Tokens-startTok) / el
			bps := func(s int) float64 {
				if acc.Toks[s] == 0 {
					return math.NaN()
				}
				return acc.BPS[s] / float64(acc.Toks[s])
			}
			secPerStep := el / float64(t.Step-startStep)
			eta := time.Duration(float64(o.Steps-t.Step) * secPerStep * float64(time.Second))
			fmt.Fprintf(t.Log, "step %d/%d loss %.4f | image %.3f bpsp prose %.3f bpb code %.3f bpb | gnorm %.3f lr %.2e | %.0f tok/s | ETA %s\n",
				t.Step, o.Steps, acc.Loss/float64(accN), bps(data.SrcImage), bps(data.SrcProse), bps(data.SrcCode),
				acc.GradNorm/float64(accN), st.LR, tps, eta.Round(time.Second))
			acc, accN = StepStats{}, 0
		}
		if o.EvalEvery > 0 && t.Step%o.EvalEvery == 0 {
			eval()
		}
		if o.CkptEvery > 0 && t.Step%o.CkptEvery == 0 {
			if err := t.SaveCheckpoint(ckpt); err != nil {
				return err
			}
		}
	}
	if o.EvalEvery <= 0 || t.Step%o.EvalEvery != 0 {
		eval()
	}
	if err := t.SaveCheckpoint(ckpt); err != nil {
		return err
	}
	w, err := t.Model.Export(map[string]string{"train.step": strconv.Itoa(t.Step), "train.tokens": strconv.FormatInt(t.Tokens, 10)})
	if err != nil {
		return err
	}
	return w.Save(filepath.Join(dir, "final.dcw"))
}
